"""The settings page's values in words and each version's changes, a dotted key at a time
(app/presenters/council_settings.py, issue 16)."""

from __future__ import annotations

import pytest

from app.presenters.council_settings import ChangedValue, changed_values, shown_value


@pytest.mark.parametrize(
    ("value", "key", "shown"),
    [
        (None, "appeal.within_days", "Not set"),
        (True, "appeal.lodge_directly", "Yes"),
        (False, "appeal.lodge_directly", "No"),
        (28, "appeal.within_days", "28 days"),
        (1, "consent.follow_up_days", "1 day"),
        (3, "x.count", "3"),
        ("01279 655261", "contacts.phone", "01279 655261"),
        ("", "letters.appeal_body", "None"),
        ("2026-12-24", "some.day", "24 December 2026"),
        ("2026-13-45", "some.day", "2026-13-45"),
        ({"months": 1}, "threshold.report_within", "1 month"),
        ({"days": 30}, "threshold.report_within", "30 days"),
        ({"website": "https://x.example", "phone": "01632 960000"}, "appeal.contact",
         "website: https://x.example; phone: 01632 960000"),
        ({"a": {"months": 2}, "b": False}, "x", "a: 2 months; b: No"),
        ([], "closures", "None"),
        (["2026-12-24 Christmas Eve", "12-29"], "closures", "24 December 2026 (Christmas Eve); 29 December, every year"),
        (["police", "council"], "threshold.eligible_agencies", "The police, the council"),
        (["police_inspector"], "threshold.discretionary_roles", "Police Inspector"),
        (["a", "b"], "x", "a, b"),
    ],
    ids=[
        "nothing is not set", "true is yes", "false is no", "days", "one day", "a number as written", "text as written",
        "empty text is none", "a date as GOV.UK writes it", "not a date after all", "one month", "days",
        "an object as key and value", "nested values in words too", "no closures", "closure days in words",
        "agencies by their labels", "roles by their labels", "a list joined",
    ],
)  # fmt: skip
def test_values_are_shown_in_words_never_as_python(value, key, shown):
    assert shown_value(value, key) == shown
    assert "{" not in shown and "[" not in shown and "True" not in shown


@pytest.mark.parametrize(
    ("before", "after", "key", "changes"),
    [
        ("01279 655261", "01279 000000", "contacts.phone", [("contacts.phone", "01279 655261", "01279 000000")]),
        ({"phone": "1", "team": "T"}, {"phone": "2", "team": "T"}, "contacts", [("contacts.phone", "1", "2")]),
        ({"within_days": 28, "body": "B"}, {"within_days": 21, "body": "C"}, "appeal",
         [("appeal.within_days", "28 days", "21 days"), ("appeal.body", "B", "C")]),
        ({"body": "B"}, {"body": "B", "contact": {"website": "https://x.example"}}, "appeal",
         [("appeal.contact.website", "Not set", "https://x.example")]),
        ({"report_within": {"days": 30}, "min_qualifying": 3}, {"report_within": {"months": 1}, "min_qualifying": 3},
         "threshold", [("threshold.report_within", "30 days", "1 month")]),
        (["12-24"], ["12-24", "2026-12-31 New Year's Eve"], "closures",
         [("closures", "24 December, every year", "24 December, every year; 31 December 2026 (New Year's Eve)")]),
        ({"offered": True, "within_days": 28}, {"offered": True}, "not_met_review",
         [("not_met_review.within_days", "28 days", "Not set")]),
        (6, 7, "retention_years", [("retention_years", "6", "7")]),
        ({"a": 1}, {"a": 1}, "x", []),
        (None, {"phone": "1", "team": "T"}, "contacts", [("contacts.phone", "Not set", "1"), ("contacts.team", "Not set", "T")]),
    ],
    ids=[
        "a plain value", "only the key that changed", "each key that changed, in order", "a key added deep down",
        "a time limit is one value", "a list whole", "a key taken away", "a section that is one value",
        "nothing changed", "everything from nothing",
    ],
)  # fmt: skip
def test_a_change_is_shown_a_dotted_key_at_a_time(before, after, key, changes):
    assert changed_values(before, after, key) == [ChangedValue(*change) for change in changes]
