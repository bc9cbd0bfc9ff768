"""GOV.UK pagination for a list page: numbered links that keep the page's other filters."""

from __future__ import annotations

from math import ceil
from typing import Any

from flask import request, url_for


def pagination(endpoint: str, page: int, total: int, per_page: int, page_arg: str = "page", **values: Any):
    """The govukPagination params for ``page`` of ``total`` items, or None for a single page."""
    pages = ceil(total / per_page)
    if pages <= 1:
        return None

    def href(number: int) -> str:
        return url_for(endpoint, **values, **{**request.args.to_dict(), page_arg: number})

    params: dict[str, Any] = {
        "items": [{"number": n, "href": href(n), "current": n == page} for n in range(1, pages + 1)]
    }
    if page > 1:
        params["previous"] = {"href": href(page - 1)}
    if page < pages:
        params["next"] = {"href": href(page + 1)}
    return params


def page_number(page_arg: str = "page") -> int:
    """The page asked for: a whole number from 1, anything else the first page (and no
    number past the database's integers)."""
    number = request.args.get(page_arg, 1, type=int) or 1
    return min(max(1, number), 100_000)
