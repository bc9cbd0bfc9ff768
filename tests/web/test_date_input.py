"""The GOV.UK date input's three boxes, read one way for every page (app/web/date_input.py)."""

from __future__ import annotations

from datetime import date

import pytest

from app.web.date_input import NotADate, boxes_of, date_items, read_date


def _boxes(day: str, month: str, year: str) -> dict[str, str]:
    return {"when-day": day, "when-month": month, "when-year": year}


@pytest.mark.parametrize(
    ("boxes", "expected"),
    [
        (_boxes("27", "3", "2026"), date(2026, 3, 27)),
        (_boxes(" 07 ", "03", "2026"), date(2026, 3, 7)),
        (_boxes("", "", ""), None),
        ({}, None),
        (_boxes("29", "2", "2028"), date(2028, 2, 29)),
    ],
    ids=["plain", "padded", "empty", "absent", "leap day"],
)
def test_real_dates_are_read(boxes, expected):
    assert read_date(boxes, "when") == expected


@pytest.mark.parametrize(
    "boxes",
    [
        _boxes("29", "2", "2027"),
        _boxes("1", "13", "2026"),
        _boxes("1", "3", "26"),
        _boxes("1", "3", ""),
        _boxes("one", "3", "2026"),
        _boxes("1", "3", "9" * 30),
        _boxes("-1", "3", "2026"),
    ],
    ids=["no leap day", "month 13", "two-digit year", "missing year", "words", "huge year", "negative"],
)
def test_what_is_not_a_real_date_is_said(boxes):
    with pytest.raises(NotADate):
        read_date(boxes, "when")


def test_a_date_fills_the_boxes_it_is_read_from():
    day = date(2026, 12, 24)
    shown = {f"when-{part}": value for part, value in boxes_of(day).items()}
    assert read_date(shown, "when") == day
    items = date_items(boxes_of(day), error=True)
    assert [(i["name"], i["value"]) for i in items] == [("day", "24"), ("month", "12"), ("year", "2026")]
    assert all("govuk-input--error" in i["classes"] for i in items)
    assert not any("govuk-input--error" in i["classes"] for i in date_items(boxes_of(None)))
