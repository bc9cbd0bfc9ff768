"""East Herts' own forms (forms/east_herts.py, east-herts-policy.txt section 12): the case review
with its panel of relevant bodies and its independent chair, and circulating the minutes."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from forms import FORMS, form_json_schema, form_keys, load_form
from forms.review import CaseReviewForm
from tests.forms.bodies import (
    CHAIR,
    CONTEXT,
    DAY_BEFORE_RECEIVED,
    MINIMUM_BODIES,
    MINIMUM_FIELDS,
    RECEIVED_ON,
    TODAY,
    TOMORROW,
    errors,
)
from tests.forms.json_schema_check import structure_problems, validation_errors

# The shared forms, with the action report of issue 15 (tests/forms/test_actions.py) after them.
SHARED_KEYS = [*MINIMUM_FIELDS, "report_action"]
REVIEW = "case_review_east_herts"
MINUTES = "circulate_minutes"
NOT_INDEPENDENT = {"name": "R. Patel", "organisation": "East Herts Council", "independent": False}
REASON = "No officer of a neighbouring authority was free within the 40 working days."
CHAIR_MESSAGE = (
    "The chair should be independent, from a neighbouring local authority. Say why that was not practicable."
)
MINUTES_BODY = {
    "circulated_on": "2026-11-19",
    "recipients": ["council", "police"],
    "action_plan_attached": True,
}


def review(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(MINIMUM_BODIES["case_review"])
    body.update(changes)
    return body


def minutes(**changes: Any) -> dict[str, Any]:
    body = copy.deepcopy(MINUTES_BODY)
    for name, value in changes.items():
        if value is ...:
            body.pop(name, None)
        else:
            body[name] = value
    return body


def member(agency: str, name: str = "A Person") -> dict[str, str]:
    return {"agency": agency, "name": name, "role": "Officer"}


def test_the_east_herts_forms_are_registered_after_the_shared_ones():
    assert form_keys() == [*SHARED_KEYS, REVIEW, MINUTES]
    assert issubclass(FORMS[REVIEW], CaseReviewForm)


# --- the case review -----------------------------------------------------------------------------


def test_the_shared_minimum_body_with_an_independent_chair_loads():
    loaded = load_form(REVIEW, review(), CONTEXT)
    assert loaded == {**MINIMUM_BODIES["case_review"], "chair": {**CHAIR, "not_independent_reason": None}}


@pytest.mark.parametrize(
    "agencies",
    [
        ["council", "police", "housing_provider"],
        ["police", "housing_provider", "icb"],
        ["council", "icb", "housing_provider", "victim_support", "mental_health"],
        ["council", "council", "police", "icb"],
    ],
    ids=["council police housing", "without the council", "with other bodies", "two from the council"],
)
def test_the_panel_includes_three_of_the_relevant_bodies(agencies):
    panel = [member(agency, f"Person {n}") for n, agency in enumerate(agencies)]
    assert load_form(REVIEW, review(panel=panel), CONTEXT)["panel"] == panel


@pytest.mark.parametrize(
    ("agencies", "given"),
    [
        (["council", "police", "victim_support"], "2 given: The council, The police"),
        (["police", "independent", "mental_health", "fire_and_rescue"], "1 given: The police"),
        (["victim_support", "mental_health", "probation"], "0 given: none"),
    ],
    ids=["two and an advocate", "police and others", "none of them"],
)
def test_a_panel_of_fewer_than_three_relevant_bodies_is_refused(agencies, given):
    panel = [member(agency) for agency in agencies]
    assert errors(REVIEW, review(panel=panel)) == {
        "panel": [
            "The panel must include at least 3 of: The council, The police, A housing provider (landlord), "
            f"The NHS (integrated care board) ({given})."
        ]
    }


def test_the_shared_panel_rule_still_applies_first():
    panel = [member("police"), member("police", "B"), member("council")]
    assert errors(REVIEW, review(panel=panel)) == {
        "panel": ["The panel must include at least 3 different agencies (2 given: police, council)."]
    }


def test_a_chair_who_is_not_independent_needs_the_reason():
    assert errors(REVIEW, review(chair=NOT_INDEPENDENT)) == {"chair.not_independent_reason": [CHAIR_MESSAGE]}
    for blank in ("", "   ", None):
        chair = {**NOT_INDEPENDENT, "not_independent_reason": blank}
        assert errors(REVIEW, review(chair=chair)) == {"chair.not_independent_reason": [CHAIR_MESSAGE]}


def test_a_chair_who_is_not_independent_with_the_reason_is_accepted():
    chair = {**NOT_INDEPENDENT, "not_independent_reason": REASON}
    assert load_form(REVIEW, review(chair=chair), CONTEXT)["chair"] == chair


def test_an_independent_chair_takes_no_reason():
    chair = {**CHAIR, "not_independent_reason": REASON}
    assert errors(REVIEW, review(chair=chair)) == {
        "chair.not_independent_reason": ["Leave this out when the chair is independent."]
    }


def test_the_chair_reason_check_waits_for_a_valid_answer_on_independence():
    chair = {"name": "C", "organisation": "O", "independent": "no"}
    assert errors(REVIEW, review(chair=chair)) == {"chair.independent": ["Must be true or false."]}


def test_the_case_review_rules_of_the_shared_form_still_apply():
    assert errors(REVIEW, review(held_on=TOMORROW)) == {"held_on": ["Must be today or in the past."]}
    assert set(errors(REVIEW, review(held_on=DAY_BEFORE_RECEIVED))) == {"held_on"}
    assert set(errors(REVIEW, review(unknown=1))) == {"unknown"}
    body = review()
    del body["findings"]
    assert errors(REVIEW, body) == {"findings": ["Missing data for required field."]}


def test_the_case_review_schema_describes_the_chairs_reason():
    schema = form_json_schema(REVIEW)
    assert structure_problems(schema) == []
    assert schema["x-form-key"] == REVIEW
    assert sorted(schema["required"]) == sorted(MINIMUM_FIELDS["case_review"][0])
    chair = schema["properties"]["chair"]
    assert chair["additionalProperties"] is False
    assert sorted(chair["required"]) == ["independent", "name", "organisation"]
    assert chair["properties"]["not_independent_reason"]["type"] == ["string", "null"]
    assert validation_errors(schema, review()) == []
    assert (
        validation_errors(schema, review(chair={**NOT_INDEPENDENT, "not_independent_reason": REASON})) == []
    )


# --- circulating the minutes and action plan -------------------------------------------------


def test_the_minutes_form_loads_with_its_defaults():
    assert load_form(MINUTES, minutes(), CONTEXT) == {
        **MINUTES_BODY,
        "added_to_asbag": False,
        "notes": "",
    }
    loaded = load_form(MINUTES, minutes(added_to_asbag=True, notes="Sent by e-mail."), CONTEXT)
    assert (loaded["added_to_asbag"], loaded["notes"]) == (True, "Sent by e-mail.")


@pytest.mark.parametrize("field", ["circulated_on", "recipients", "action_plan_attached"])
def test_each_required_minutes_field_is_required(field):
    assert errors(MINUTES, minutes(**{field: ...})) == {field: ["Missing data for required field."]}


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (TOMORROW, "Must be today or in the past."),
        (DAY_BEFORE_RECEIVED, "Must not be before 2 November 2026, when the application was received."),
        ("19/11/2026", "Not a valid date; use YYYY-MM-DD."),
    ],
)
def test_the_minutes_date_is_a_date_between_receipt_and_today(value, problem):
    assert errors(MINUTES, minutes(circulated_on=value)) == {"circulated_on": [problem]}


@pytest.mark.parametrize("value", [TODAY.isoformat(), RECEIVED_ON.isoformat()])
def test_the_minutes_may_go_out_today_or_on_the_day_of_receipt(value):
    assert load_form(MINUTES, minutes(circulated_on=value), CONTEXT)["circulated_on"] == value


@pytest.mark.parametrize(
    ("recipients", "problem"),
    [
        ([], "Select between 1 and 14 agencies."),
        (["police", "council", "police"], "Select each agency once; listed more than once: police."),
    ],
)
def test_the_minutes_go_to_at_least_one_agency_each_once(recipients, problem):
    assert errors(MINUTES, minutes(recipients=recipients)) == {"recipients": [problem]}


def test_an_unknown_recipient_or_field_is_refused():
    assert set(errors(MINUTES, minutes(recipients=["council", "nobody"]))) == {"recipients.1"}
    assert errors(MINUTES, minutes(action_plan_attached="yes")) == {
        "action_plan_attached": ["Must be true or false."]
    }
    assert errors(MINUTES, minutes(sent_on="2026-11-19")) == {"sent_on": ["Unknown field."]}


def test_the_minutes_schema_is_closed_and_requires_the_minimum():
    schema = form_json_schema(MINUTES)
    assert structure_problems(schema) == []
    assert (schema["title"], schema["x-form-key"]) == ("Circulate the minutes and action plan", MINUTES)
    assert schema["additionalProperties"] is False
    assert sorted(schema["required"]) == ["action_plan_attached", "circulated_on", "recipients"]
    assert schema["properties"]["circulated_on"]["format"] == "date"
    recipients = schema["properties"]["recipients"]
    assert (recipients["minItems"], recipients["uniqueItems"], recipients["x-widget"]) == (
        1,
        True,
        "checkboxes",
    )
    assert validation_errors(schema, minutes()) == []
    assert validation_errors(schema, minutes(recipients=[])) != []
