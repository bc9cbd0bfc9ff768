from collections.abc import Sequence
from typing import Any

from app.api.inputs import load_query
from app.schemas.common import PageQuerySchema

page_query_schema = PageQuerySchema()


def paginate_list(items: Sequence[Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """One page of an in-memory list, in the API's list envelope."""
    params = params or load_query(page_query_schema)
    start = (params["page"] - 1) * params["per_page"]
    return {
        "items": list(items[start : start + params["per_page"]]),
        "page": params["page"],
        "per_page": params["per_page"],
        "total": len(items),
    }
