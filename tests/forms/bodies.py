"""Shared data for the form tests: the context, LIFECYCLE.md's minimum fields written out
independently of the code, and a minimum valid body per form."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from forms import FormContext, FormError, load_form

TODAY = date(2026, 11, 20)  # a Friday
RECEIVED_ON = date(2026, 11, 2)
CONTEXT = FormContext(today=TODAY, received_on=RECEIVED_ON)
TOMORROW = "2026-11-21"
DAY_BEFORE_RECEIVED = "2026-11-01"

# LIFECYCLE.md "Forms: minimum fields": (required, optional). sent_on has a default (today) and
# evidence and reason are required only in some cases, so they are listed as optional here.
MINIMUM_FIELDS: dict[str, tuple[set[str], set[str]]] = {
    "acknowledge": ({"method"}, {"sent_on", "notes"}),
    "verify_consent": (
        {"consent_received"},
        {"evidence", "consent_received_on", "close_without_consent", "notes"},
    ),
    "screen_eligibility": ({"eligible"}, {"reason", "notes"}),
    # A relevant body's records check (issue 11, item 2): one answer per report made to it.
    "confirm_reports": ({"reports"}, {"notes"}),
    "threshold_decision": ({"threshold_met", "reasons"}, {"route", "bodies"}),
    "request_information": ({"agencies"}, set()),
    "return_information": ({"summary", "actions_taken"}, set()),
    "contact_victim": ({"contacted_on", "victim_will_attend"}, {"impact_statement"}),
    "case_review": (
        {"held_on", "panel", "chair", "victim_attended", "findings", "recommendations"},
        set(),
    ),
    "notify_outcome": ({"notified_on", "method"}, set()),
    "decide_appeal": ({"decided_on", "upheld", "reasons"}, {"further_actions"}),
}

PANEL = [
    {"agency": "council", "name": "Sam Patel", "role": "ASB Coordinator"},
    {"agency": "police", "name": "Jo Green", "role": "Inspector"},
    {"agency": "housing_provider", "name": "Ali Khan", "role": "Tenancy Officer"},
]
CHAIR = {"name": "Chris Lee", "organisation": "Neighbouring council", "independent": True}
ACTION = {
    "action": "Install a CCTV camera on the stairwell.",
    "owner_agency": "council",
    "due_on": "2027-01-15",
}

MINIMUM_BODIES: dict[str, dict[str, Any]] = {
    "acknowledge": {"method": "post"},
    "verify_consent": {"consent_received": True, "evidence": "written_consent"},
    "screen_eligibility": {"eligible": True},
    "confirm_reports": {"reports": [{"report": "a/1", "confirmed": True}]},
    "threshold_decision": {"threshold_met": True, "reasons": "Three qualifying complaints in six months."},
    "request_information": {"agencies": ["police"]},
    "return_information": {"summary": "Four reports since June.", "actions_taken": "Warning letter sent."},
    "contact_victim": {"contacted_on": "2026-11-05", "victim_will_attend": True},
    "case_review": {
        "held_on": "2026-11-18",
        "panel": PANEL,
        "chair": CHAIR,
        "victim_attended": False,
        "findings": "Reports were not shared between agencies.",
        "recommendations": [],
    },
    "notify_outcome": {"notified_on": "2026-11-19", "method": "letter"},
    "decide_appeal": {"decided_on": "2026-11-20", "upheld": False, "reasons": "The review was thorough."},
}

# What load_form returns for each minimum body: dates as strings, defaults filled in.
MINIMUM_RESULTS: dict[str, dict[str, Any]] = {
    "acknowledge": {"sent_on": "2026-11-20", "method": "post", "notes": ""},
    "verify_consent": {
        "consent_received": True,
        "evidence": "written_consent",
        "notes": "",
        "consent_received_on": "2026-11-20",
        "close_without_consent": False,
    },
    "screen_eligibility": {"eligible": True, "reason": None, "notes": ""},
    "confirm_reports": {"reports": [{"report": "a/1", "confirmed": True}], "notes": ""},
    "threshold_decision": {"threshold_met": True, "reasons": "Three qualifying complaints in six months."},
    "request_information": {"agencies": ["police"]},
    "return_information": {"summary": "Four reports since June.", "actions_taken": "Warning letter sent."},
    "contact_victim": {"contacted_on": "2026-11-05", "victim_will_attend": True, "impact_statement": ""},
    "case_review": MINIMUM_BODIES["case_review"],
    "notify_outcome": {"notified_on": "2026-11-19", "method": "letter"},
    "decide_appeal": {
        "decided_on": "2026-11-20",
        "upheld": False,
        "reasons": "The review was thorough.",
        "further_actions": [],
    },
}

# Dates that record something done: (form, field).
DONE_DATES = [
    ("acknowledge", "sent_on"),
    ("contact_victim", "contacted_on"),
    ("case_review", "held_on"),
    ("notify_outcome", "notified_on"),
    ("decide_appeal", "decided_on"),
]


def body(key: str, **changes: Any) -> dict[str, Any]:
    """The minimum body of ``key`` with ``changes``; a change to ``...`` (Ellipsis) removes the field."""
    data = copy.deepcopy(MINIMUM_BODIES[key])
    for name, value in changes.items():
        if value is ...:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def errors(key: str, data: Any, context: FormContext = CONTEXT) -> dict[str, list[str]]:
    """The problems with ``data`` by dotted path; fails the test if it loads."""
    with pytest.raises(FormError) as caught:
        load_form(key, data, context)
    return caught.value.by_path()
