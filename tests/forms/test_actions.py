"""Issue 15: each recommendation is an action agreed with the victim, and the owning agency's
report on one action (form ``report_action``)."""

from __future__ import annotations

import pytest

from forms import FormContext, form_json_schema, load_form
from forms.actions import MAX_ACTIONS
from tests.forms.bodies import ACTION, CONTEXT, TOMORROW, body, errors

# --- the plan, on the case review form ----------------------------------------------------------


def review(*actions):
    return body("case_review", recommendations=list(actions))


def test_an_action_records_whether_it_was_agreed_with_the_victim():
    loaded = load_form("case_review", review({**ACTION, "agreed_with_victim": True}, ACTION), CONTEXT)
    assert [a["agreed_with_victim"] for a in loaded["recommendations"]] == [True, False]
    # The minimum set of LIFECYCLE.md is enough: left out, it is not agreed.
    assert load_form("case_review", review(ACTION), CONTEXT)["recommendations"] == [
        {**ACTION, "agreed_with_victim": False}
    ]


@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_agreed_with_the_victim_is_a_plain_yes_or_no(value):
    assert errors("case_review", review({**ACTION, "agreed_with_victim": value})) == {
        "recommendations.0.agreed_with_victim": ["Must be true or false."]
    }


def test_a_due_date_before_the_meeting_is_refused_naming_the_action():
    early = {**ACTION, "due_on": "2026-11-17"}  # the meeting was held on 18 November
    assert errors("case_review", review(ACTION, early)) == {
        "recommendations.1.due_on": ["Must not be before 18 November 2026, the date of the meeting."]
    }
    # On the day of the meeting is fine.
    load_form("case_review", review({**ACTION, "due_on": "2026-11-18"}), CONTEXT)


def test_at_most_the_limit_of_actions():
    load_form("case_review", review(*[ACTION] * MAX_ACTIONS), CONTEXT)
    assert errors("case_review", review(*[ACTION] * (MAX_ACTIONS + 1))) == {
        "recommendations": [f"Must have at most {MAX_ACTIONS} actions."]
    }


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"owner_agency": "mi5"}, "owner_agency"),
        ({"action": ""}, "action"),
        ({"due_on": "15/01/2027"}, "due_on"),
        ({"due_on": ...}, "due_on"),
        ({"who": "Mr X"}, "who"),
    ],
)
def test_each_action_needs_what_who_owns_it_and_when(change, problem):
    action = {k: v for k, v in {**ACTION, **change}.items() if v is not ...}
    assert set(errors("case_review", review(action))) == {f"recommendations.0.{problem}"}


def test_the_form_shows_the_question_to_the_page():
    item = form_json_schema("case_review")["properties"]["recommendations"]["items"]
    assert item["properties"]["agreed_with_victim"]["type"] == "boolean"
    assert "agreed_with_victim" not in item.get("required", [])


# --- a report on one action -----------------------------------------------------------------------


def test_progress_needs_only_a_note():
    assert load_form("report_action", {"done": False, "note": "Contractor booked."}, CONTEXT) == {
        "done": False,
        "done_on": None,
        "note": "Contractor booked.",
    }


def test_done_says_when():
    assert errors("report_action", {"done": True, "note": "Fitted."}) == {
        "done_on": ["Enter the date the action was done."]
    }
    loaded = load_form("report_action", {"done": True, "done_on": "2026-11-20", "note": "Fitted."}, CONTEXT)
    assert loaded["done_on"] == "2026-11-20"


@pytest.mark.parametrize(
    ("report", "problems"),
    [
        (
            {"done": False, "done_on": "2026-11-19", "note": "x"},
            {"done_on": ["Leave this out until the action is done."]},
        ),
        ({"done": True, "done_on": TOMORROW, "note": "x"}, {"done_on": ["Must be today or in the past."]}),
        ({"done": True, "done_on": "2026-11-19"}, {"note": ["Missing data for required field."]}),
        ({"done": "yes", "note": "x"}, {"done": ["Must be true or false."]}),
        # Closing an action undone is a manager's (POST .../actions/{n}/close), not a partner's.
        ({"done": False, "note": "x", "closed": True}, {"closed": ["Unknown field."]}),
    ],
)
def test_a_report_is_checked(report, problems):
    assert errors("report_action", report) == problems


def test_a_done_date_before_the_application_is_refused():
    context = FormContext(today=CONTEXT.today, received_on=CONTEXT.received_on)
    with pytest.raises(Exception) as raised:
        load_form("report_action", {"done": True, "done_on": "2026-10-01", "note": "x"}, context)
    assert "when the application was received" in str(raised.value)
