"""The package's public API, and what holds for every form: the minimum body loads into
JSON-friendly task data, each required field is required, unknown fields and wrong types are refused,
dates of things done are neither in the future nor before the application was received."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import pytest

from forms import FORMS, FormContext, FormError, form_keys, load_form
from forms.screening import AcknowledgeForm
from tests.forms.bodies import (
    CONTEXT,
    DAY_BEFORE_RECEIVED,
    DONE_DATES,
    MINIMUM_BODIES,
    MINIMUM_FIELDS,
    MINIMUM_RESULTS,
    RECEIVED_ON,
    TODAY,
    TOMORROW,
    body,
    errors,
)

SHARED_KEYS = [
    "acknowledge",
    "verify_consent",
    "screen_eligibility",
    "confirm_reports",
    "threshold_decision",
    "request_information",
    "return_information",
    "contact_victim",
    "case_review",
    "notify_outcome",
    "decide_appeal",
]
REQUIRED = [(key, name) for key in SHARED_KEYS for name in sorted(MINIMUM_FIELDS[key][0])]


def test_the_registry_holds_the_shared_form_keys_in_lifecycle_order():
    # A variant's own forms (forms/east_herts.py) come after the shared ones.
    assert form_keys()[: len(SHARED_KEYS)] == SHARED_KEYS
    assert list(FORMS)[: len(SHARED_KEYS)] == SHARED_KEYS


def test_form_keys_is_a_copy():
    form_keys().append("tampered")
    assert "tampered" not in form_keys()


@pytest.mark.parametrize("key", ["nope", "", "Acknowledge", None, 3], ids=repr)
def test_an_unknown_form_key_is_a_value_error_not_a_key_error(key):
    with pytest.raises(ValueError, match="Unknown form key") as caught:
        load_form(key, {}, CONTEXT)
    assert not isinstance(caught.value, FormError | KeyError)


@pytest.mark.parametrize("key", SHARED_KEYS)
def test_the_minimum_body_loads_into_json_friendly_data(key):
    result = load_form(key, body(key), CONTEXT)
    assert result == MINIMUM_RESULTS[key]
    assert json.loads(json.dumps(result)) == result


@pytest.mark.parametrize("key", SHARED_KEYS)
def test_loading_does_not_change_the_body(key):
    data = body(key)
    load_form(key, data, CONTEXT)
    assert data == MINIMUM_BODIES[key]


@pytest.mark.parametrize(("key", "field"), REQUIRED, ids=[f"{k}.{f}" for k, f in REQUIRED])
def test_each_required_field_is_required(key, field):
    assert errors(key, body(key, **{field: ...})) == {field: ["Missing data for required field."]}


@pytest.mark.parametrize("key", SHARED_KEYS)
def test_an_unknown_field_is_refused(key):
    assert errors(key, body(key, colour="blue")) == {"colour": ["Unknown field."]}


@pytest.mark.parametrize(
    "data",
    [None, [], "method=post", 42, [{"method": "post"}]],
    ids=["null", "empty list", "a string", "a number", "a list of objects"],
)
def test_a_body_that_is_not_an_object_is_refused(data):
    assert errors("acknowledge", data) == {"_schema": ["Invalid input type."]}


@pytest.mark.parametrize(
    ("key", "field", "value"),
    [
        # 2026-11-02 written without quotes is the number 2013.
        ("acknowledge", "sent_on", 2026 - 11 - 2),
        ("contact_victim", "contacted_on", "05/11/2026"),
        ("contact_victim", "contacted_on", "2026-11-05T10:00:00"),
        ("contact_victim", "contacted_on", "2026-11-31"),
        ("contact_victim", "contacted_on", "2026-W45-4"),
        ("screen_eligibility", "eligible", "yes"),
        ("screen_eligibility", "eligible", "true"),
        ("verify_consent", "consent_received", 1),
        ("contact_victim", "victim_will_attend", None),
        ("case_review", "victim_attended", "false"),
        ("threshold_decision", "reasons", 42),
        ("threshold_decision", "threshold_met", "met"),
        ("return_information", "summary", ["a", "b"]),
        ("request_information", "agencies", "police"),
        ("request_information", "agencies", {"police": True}),
        ("case_review", "panel", {"agency": "police", "name": "Jo", "role": "Inspector"}),
        ("case_review", "chair", "Chris Lee"),
        ("case_review", "recommendations", None),
        ("decide_appeal", "upheld", "no"),
        ("decide_appeal", "further_actions", "none"),
        ("notify_outcome", "method", ["letter"]),
        ("acknowledge", "notes", 7),
    ],
    ids=[
        "unquoted date",
        "dd/mm/yyyy",
        "date and time",
        "31 November",
        "week date",
        "yes for a bool",
        "true as a string",
        "1 for a bool",
        "null for a bool",
        "false as a string",
        "number for text",
        "text for a bool",
        "list for text",
        "string for a list",
        "object for a list",
        "object for a list of objects",
        "string for an object",
        "null for a list",
        "no for a bool",
        "string for an optional list",
        "list for a choice",
        "number for notes",
    ],
)
def test_a_value_of_the_wrong_type_is_refused_at_its_field(key, field, value):
    problems = errors(key, body(key, **{field: value}))
    assert list(problems) == [field]


@pytest.mark.parametrize(("key", "field"), DONE_DATES, ids=[f"{k}.{f}" for k, f in DONE_DATES])
@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (TOMORROW, "Must be today or in the past."),
        ("2027-11-20", "Must be today or in the past."),
        (DAY_BEFORE_RECEIVED, "Must not be before 2 November 2026, when the application was received."),
        ("2020-01-01", "Must not be before 2 November 2026, when the application was received."),
    ],
    ids=["tomorrow", "next year", "the day before the application", "years before"],
)
def test_a_date_of_something_done_is_between_receipt_and_today(key, field, value, problem):
    assert errors(key, body(key, **{field: value})) == {field: [problem]}


@pytest.mark.parametrize(("key", "field"), DONE_DATES, ids=[f"{k}.{f}" for k, f in DONE_DATES])
@pytest.mark.parametrize("value", [TODAY, RECEIVED_ON], ids=["today", "the day the application was received"])
def test_a_date_of_something_done_may_be_today_or_the_day_of_receipt(key, field, value):
    assert load_form(key, body(key, **{field: value.isoformat()}), CONTEXT)[field] == value.isoformat()


def test_the_dates_are_judged_against_the_context_given():
    data = body("notify_outcome", notified_on="2026-11-23")
    assert errors("notify_outcome", data) == {"notified_on": ["Must be today or in the past."]}
    later = FormContext(today=date(2026, 11, 23), received_on=RECEIVED_ON)
    assert load_form("notify_outcome", data, later)["notified_on"] == "2026-11-23"


def test_every_problem_is_reported_at_once_with_nested_paths():
    data = {
        "held_on": TOMORROW,
        "panel": [
            {"agency": "police", "name": "Jo Green", "role": "Inspector"},
            {"agency": "fire_brigade", "name": "Al", "role": "Officer"},
            {"agency": "council", "name": "", "role": "Officer", "email": "x@example.org"},
        ],
        "chair": {"name": "Chris Lee", "independent": "yes"},
        "victim_attended": "yes",
        "findings": "   ",
        "recommendations": [{"action": "Visit", "owner_agency": "police"}],
        "minutes": "attached",
    }
    assert set(errors("case_review", data)) == {
        "held_on",
        "panel.1.agency",
        "panel.2.name",
        "panel.2.email",
        "chair.organisation",
        "chair.independent",
        "victim_attended",
        "findings",
        "recommendations.0.due_on",
        "minutes",
    }


def test_form_error_keeps_marshmallow_style_nested_messages():
    with pytest.raises(FormError) as caught:
        load_form("request_information", {"agencies": ["police", "nhs"]}, CONTEXT)
    error = caught.value
    assert error.key == "request_information"
    assert error.messages == {"agencies": {1: ["Must be one of: " + _request_agencies() + "."]}}
    assert error.by_path() == {"agencies.1": error.messages["agencies"][1]}
    assert isinstance(error, ValueError)


def _request_agencies() -> str:
    return "council, police, housing_provider, icb, youth_offending, other"


@pytest.mark.parametrize(
    ("today", "received_on"),
    [
        (datetime(2026, 11, 20, 9, 0), RECEIVED_ON),
        (TODAY, datetime(2026, 11, 2, 9, 0)),
        ("2026-11-20", RECEIVED_ON),
        (TODAY, None),
    ],
    ids=["today a datetime", "received_on a datetime", "today a string", "received_on missing"],
)
def test_the_context_takes_dates_only(today, received_on):
    with pytest.raises(TypeError):
        FormContext(today=today, received_on=received_on)


def test_load_form_needs_a_form_context():
    with pytest.raises(TypeError):
        load_form("acknowledge", body("acknowledge"), {"today": TODAY, "received_on": RECEIVED_ON})


def test_a_form_schema_without_its_context_refuses_to_load():
    # Loading without a context would let any date through.
    with pytest.raises(TypeError, match="FormContext"):
        AcknowledgeForm().load({"method": "post"})


def test_concurrent_loads_each_use_their_own_context():
    days = [TODAY - timedelta(days=n) for n in range(10)]

    def acknowledge_on(today: date) -> str:
        context = FormContext(today=today, received_on=RECEIVED_ON)
        return load_form("acknowledge", {"method": "email"}, context)["sent_on"]

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(acknowledge_on, days * 20))
    assert results == [day.isoformat() for day in days * 20]
