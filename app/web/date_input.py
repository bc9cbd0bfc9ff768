"""The GOV.UK date input: a date asked as day, month and year boxes (``<name>-day``, ``-month``,
``-year``), as the GOV.UK Design System's date pattern asks, rather than the browser's own picker.

One place reads the boxes and one lays them out, for every page that asks for a date: task forms,
the studio's test run and the managers' dashboard.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

PARTS = (("day", "Day", 2), ("month", "Month", 2), ("year", "Year", 4))


class NotADate(ValueError):
    """The boxes were filled in, but do not make a real date."""


def entered(form: Mapping[str, str], name: str) -> dict[str, str]:
    """What was typed in each box, trimmed."""
    return {part: (form.get(f"{name}-{part}") or "").strip() for part, _label, _width in PARTS}


def read_date(form: Mapping[str, str], name: str) -> date | None:
    """The date in the boxes; None when all are empty; NotADate when they are not a real date."""
    parts = entered(form, name)
    if not any(parts.values()):
        return None
    try:
        day, month, year = (int(parts[part]) for part, _label, _width in PARTS)
        if year < 1000:  # a two-digit year is a mistake, not the first century
            raise ValueError(year)
        return date(year, month, day)
    except (ValueError, OverflowError):  # OverflowError: a year or month past a C long
        raise NotADate(name) from None


def boxes_of(day: date | None) -> dict[str, str]:
    """A date as the boxes show it (none: empty boxes)."""
    if day is None:
        return {part: "" for part, _label, _width in PARTS}
    return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}


def date_items(values: Mapping[str, Any], *, error: bool = False) -> list[dict[str, Any]]:
    """The ``items`` of govukDateInput: the three boxes with what they hold, marked when in error."""
    error_class = " govuk-input--error" if error else ""
    return [
        {"name": part, "label": label, "classes": f"govuk-input--width-{width}{error_class}",
         "value": values.get(part, ""), "inputmode": "numeric"}
        for part, label, width in PARTS
    ]  # fmt: skip
