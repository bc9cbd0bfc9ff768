"""The words people read for the product's codes (app/domain/labels.py) and GOV.UK dates
(app.domain.calendar.govuk_date): one vocabulary for every page (issue 12)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.calendar import govuk_date
from app.domain.labels import (
    AGENCY_LABELS,
    METHOD_LABELS,
    MILESTONE_LABELS,
    STAGE_LABELS,
    agency_label,
    channel_phrase,
)
from app.domain.threshold import AGENCIES, METHODS
from app.engine.specs import MILESTONES, STAGES
from forms.choices import PANEL_AGENCIES


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 3), "3 December 2026"),
        ("2026-12-03", "3 December 2026"),
        (datetime(2026, 12, 3, 14, 5, tzinfo=UTC), "3 December 2026, 14:05"),  # GMT in winter
        (datetime(2026, 7, 3, 23, 30, tzinfo=UTC), "4 July 2026, 00:30"),  # BST: the next day in the UK
        ("2026-07-03T23:30:00+00:00", "4 July 2026, 00:30"),
        (None, ""),
        ("", ""),
        ("not a date", "not a date"),
    ],
    ids=["date", "iso-date", "winter-time", "summer-time-crosses-midnight", "iso-time", "none", "empty",
         "not-a-date-shown-as-written"],
)  # fmt: skip
def test_dates_are_written_the_govuk_way(value, expected):
    assert govuk_date(value) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("icb", "The NHS (integrated care board)"),
        ("police", "The police"),
        ("housing_provider", "A housing provider (landlord)"),
        ("a_new_body", "A new body"),  # a council's own code, in words rather than raw
        (None, ""),
    ],
)
def test_agencies_have_the_products_names(key, expected):
    assert agency_label(key) == expected


@pytest.mark.parametrize(
    ("codes", "labels"),
    [(AGENCIES + PANEL_AGENCIES, AGENCY_LABELS), (METHODS, METHOD_LABELS), ((*STAGES, "closed"), STAGE_LABELS),
     (MILESTONES, MILESTONE_LABELS)],
    ids=["agencies", "methods", "stages", "milestones"],
)  # fmt: skip
def test_every_code_the_product_defines_has_its_own_words(codes, labels):
    """No code the product defines falls back to its key in words: each has words written for people."""
    assert [code for code in codes if not labels.get(code)] == []


@pytest.mark.parametrize(
    ("channel", "expected"),
    [("online", "online"), ("email", "by e-mail"), ("in_person", "in person"), ("letter", "by letter")],
)
def test_how_an_application_arrived_reads_after_received(channel, expected):
    assert f"Application received {channel_phrase(channel)}" == f"Application received {expected}"
