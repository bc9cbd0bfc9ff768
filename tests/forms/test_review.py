"""The case review meeting and telling the victim the outcome."""

from __future__ import annotations

import pytest

from forms import load_form
from tests.forms.bodies import ACTION, CHAIR, CONTEXT, PANEL, body, errors

PANEL_AGENCIES = [
    "police",
    "housing_provider",
    "icb",
    "council",
    "youth_offending",
    "other",
    "victim_support",
    "mental_health",
    "probation",
    "fire_and_rescue",
    "health",
    "education",
    "social_care",
    "independent",
]


def member(agency: str, name: str = "A Person", role: str = "Officer") -> dict[str, str]:
    return {"agency": agency, "name": name, "role": role}


def action(due_on: str, **changes: str) -> dict[str, str]:
    return {**ACTION, "due_on": due_on, **changes}


# --- the panel ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "panel",
    [
        [member("council"), member("police"), member("housing_provider")],
        [member("police"), member("police", "B"), member("council"), member("icb")],
        [member("independent"), member("mental_health"), member("social_care")],
        [member(agency) for agency in PANEL_AGENCIES],
    ],
    ids=["three agencies", "four people from three agencies", "other bodies", "every agency"],
)
def test_a_panel_of_at_least_three_different_agencies(panel):
    assert load_form("case_review", body("case_review", panel=panel), CONTEXT)["panel"] == panel


@pytest.mark.parametrize(
    ("panel", "given"),
    [
        ([member("police"), member("police", "B"), member("council")], "2 given: police, council"),
        ([member("police", n) for n in "ABCDE"], "1 given: police"),
        ([member("other"), member("other", "B"), member("council", "C")], "2 given: other, council"),
        ([member("council"), member("police")], "2 given: council, police"),
        ([], "0 given: none"),
    ],
    ids=[
        "three people from two agencies",
        "five from one agency",
        "two 'other' count once",
        "two people",
        "nobody",
    ],
)
def test_a_panel_of_fewer_than_three_different_agencies_is_refused(panel, given):
    assert errors("case_review", body("case_review", panel=panel)) == {
        "panel": [f"The panel must include at least 3 different agencies ({given})."]
    }


def test_a_panel_is_at_most_30_people():
    panel = [member(PANEL_AGENCIES[n % 3], f"Person {n}") for n in range(31)]
    assert errors("case_review", body("case_review", panel=panel)) == {
        "panel": ["Must have at most 30 panel members."]
    }


@pytest.mark.parametrize(
    ("index", "changes", "path", "problem"),
    [
        (1, {"agency": "fire_brigade"}, "panel.1.agency", "Must be one of: "),
        (2, {"name": ""}, "panel.2.name", "Must not be blank."),
        (0, {"role": None}, "panel.0.role", "Field may not be null."),
        (0, {"email": "jo@example.org"}, "panel.0.email", "Unknown field."),
        (1, {"name": "x" * 201}, "panel.1.name", "Longer than maximum length 200."),
    ],
    ids=["unknown agency", "blank name", "null role", "unknown field", "name too long"],
)
def test_a_panel_members_problem_is_reported_at_its_path(index, changes, path, problem):
    panel = [dict(person) for person in PANEL]
    panel[index].update(changes)
    problems = errors("case_review", body("case_review", panel=panel))
    assert list(problems) == [path]
    assert problems[path][0].startswith(problem)


def test_a_panel_member_without_an_agency():
    panel = [dict(person) for person in PANEL]
    del panel[1]["agency"]
    assert errors("case_review", body("case_review", panel=panel)) == {
        "panel.1.agency": ["Missing data for required field."]
    }


# --- the chair ---------------------------------------------------------------------------------


@pytest.mark.parametrize("independent", [True, False])
def test_the_chair_may_or_may_not_be_independent(independent):
    chair = {**CHAIR, "independent": independent}
    assert load_form("case_review", body("case_review", chair=chair), CONTEXT)["chair"] == chair


@pytest.mark.parametrize(
    ("chair", "problems"),
    [
        (
            {"name": "Chris Lee", "organisation": "Council"},
            {"chair.independent": ["Missing data for required field."]},
        ),
        ({**CHAIR, "independent": "yes"}, {"chair.independent": ["Must be true or false."]}),
        ({**CHAIR, "organisation": " "}, {"chair.organisation": ["Must not be blank."]}),
        ({**CHAIR, "phone": "01234"}, {"chair.phone": ["Unknown field."]}),
        (
            {},
            {
                "chair.name": ["Missing data for required field."],
                "chair.organisation": ["Missing data for required field."],
                "chair.independent": ["Missing data for required field."],
            },
        ),
        (["Chris Lee"], {"chair": ["Invalid input type."]}),
        (None, {"chair": ["Field may not be null."]}),
    ],
    ids=[
        "no independent",
        "yes for independent",
        "blank organisation",
        "unknown field",
        "empty",
        "a list",
        "null",
    ],
)
def test_the_chair_needs_name_organisation_and_independence(chair, problems):
    assert errors("case_review", body("case_review", chair=chair)) == problems


# --- recommendations ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "recommendations",
    [
        [],
        [action("2026-11-18")],
        [action("2027-06-30"), action("2026-12-01", owner_agency="probation")],
    ],
    ids=["none", "due on the day of the meeting", "due in the future"],
)
def test_recommendations_may_be_empty_and_may_be_due_in_the_future(recommendations):
    data = body("case_review", recommendations=recommendations)
    loaded = load_form("case_review", data, CONTEXT)["recommendations"]
    assert loaded == [{**action, "agreed_with_victim": False} for action in recommendations]


def test_a_recommendation_due_before_the_meeting_is_refused_at_its_path():
    recommendations = [action("2026-12-01"), action("2026-11-17"), action("2026-11-03")]
    assert errors("case_review", body("case_review", recommendations=recommendations)) == {
        "recommendations.1.due_on": ["Must not be before 18 November 2026, the date of the meeting."],
        "recommendations.2.due_on": ["Must not be before 18 November 2026, the date of the meeting."],
    }


def test_due_dates_are_not_judged_against_an_invalid_meeting_date():
    data = body("case_review", held_on="2026-11-31", recommendations=[action("2026-11-03")])
    assert errors("case_review", data) == {"held_on": ["Not a valid date; use YYYY-MM-DD."]}


@pytest.mark.parametrize(
    "recommendations",
    [[action("2026-11-03"), action("soon")], [action("soon"), action("2026-11-03")]],
    ids=["invalid item second", "invalid item first"],
)
def test_due_dates_are_judged_even_when_another_recommendation_is_invalid(recommendations):
    problems = errors("case_review", body("case_review", recommendations=recommendations))
    bad = [item["due_on"] for item in recommendations].index("soon")
    early = 1 - bad
    assert problems == {
        f"recommendations.{bad}.due_on": ["Not a valid date; use YYYY-MM-DD."],
        f"recommendations.{early}.due_on": ["Must not be before 18 November 2026, the date of the meeting."],
    }


def test_due_dates_are_judged_when_an_item_is_not_an_object():
    data = body("case_review", recommendations=["Install CCTV", action("2026-11-03")])
    assert errors("case_review", data) == {
        "recommendations.0": ["Invalid input type."],
        "recommendations.1.due_on": ["Must not be before 18 November 2026, the date of the meeting."],
    }


def test_due_dates_are_not_judged_when_an_item_is_null():
    # marshmallow drops a null item, so the positions after it would name the wrong items.
    data = body("case_review", recommendations=[None, action("2026-11-03")])
    assert errors("case_review", data) == {"recommendations.0": ["Field may not be null."]}


@pytest.mark.parametrize(
    ("item", "path", "problem"),
    [
        (action("2027-01-01", owner_agency="pcc"), "recommendations.0.owner_agency", "Must be one of: "),
        ({"action": "Visit", "owner_agency": "police"}, "recommendations.0.due_on", "Missing data"),
        (action("15/01/2027"), "recommendations.0.due_on", "Not a valid date"),
        (action("2027-01-01", action=""), "recommendations.0.action", "Must not be blank."),
        ({**ACTION, "done": False}, "recommendations.0.done", "Unknown field."),
    ],
    ids=["unknown owner", "no due date", "dd/mm/yyyy due date", "blank action", "unknown field"],
)
def test_a_recommendations_problem_is_reported_at_its_path(item, path, problem):
    problems = errors("case_review", body("case_review", recommendations=[item]))
    assert list(problems) == [path]
    assert problems[path][0].startswith(problem)


def test_at_most_50_recommendations():
    data = body("case_review", recommendations=[action("2027-01-01")] * 51)
    assert errors("case_review", data) == {"recommendations": ["Must have at most 50 actions."]}


def test_findings_are_required_text():
    assert errors("case_review", body("case_review", findings="")) == {"findings": ["Must not be blank."]}


# --- notify_outcome ----------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["phone_and_letter", "letter", "email"])
def test_the_outcome_methods(method):
    assert load_form("notify_outcome", body("notify_outcome", method=method), CONTEXT)["method"] == method


@pytest.mark.parametrize("method", ["phone", "post", "text_message", None])
def test_another_outcome_method_is_refused(method):
    assert list(errors("notify_outcome", body("notify_outcome", method=method))) == ["method"]
