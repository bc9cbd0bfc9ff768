"""Request information from the agencies, an agency's return, contact with the victim."""

from __future__ import annotations

import pytest

from forms import load_form
from tests.forms.bodies import CONTEXT, body, errors

REQUEST_AGENCIES = ["police", "housing_provider", "icb", "council", "youth_offending", "other"]


@pytest.mark.parametrize("agency", REQUEST_AGENCIES)
def test_each_agency_may_be_asked(agency):
    assert load_form("request_information", {"agencies": [agency]}, CONTEXT) == {"agencies": [agency]}


def test_all_the_agencies_may_be_asked_at_once_in_the_order_given():
    result = load_form("request_information", {"agencies": REQUEST_AGENCIES}, CONTEXT)
    assert result == {"agencies": REQUEST_AGENCIES}


@pytest.mark.parametrize(
    ("agencies", "problems"),
    [
        ([], {"agencies": ["Select between 1 and 6 agencies."]}),
        (
            ["police", "council", "police"],
            {"agencies": ["Select each agency once; listed more than once: police."]},
        ),
        (
            ["icb", "icb", "other", "other"],
            {"agencies": ["Select each agency once; listed more than once: icb, other."]},
        ),
        (
            [*REQUEST_AGENCIES, "police"],
            {
                "agencies": [
                    "Select between 1 and 6 agencies.",
                    "Select each agency once; listed more than once: police.",
                ]
            },
        ),
        (
            ["police", "nhs_trust"],
            {
                "agencies.1": [
                    "Must be one of: council, police, housing_provider, icb, youth_offending, other."
                ]
            },
        ),
        (["police", None], {"agencies.1": ["Field may not be null."]}),
        (
            ["Police"],
            {
                "agencies.0": [
                    "Must be one of: council, police, housing_provider, icb, youth_offending, other."
                ]
            },
        ),
        (None, {"agencies": ["Field may not be null."]}),
    ],
    ids=[
        "none",
        "a duplicate",
        "two duplicates",
        "seven with a duplicate",
        "an unknown agency",
        "a null agency",
        "capitalised",
        "null",
    ],
)
def test_agencies_are_a_non_empty_list_of_known_agencies_without_duplicates(agencies, problems):
    assert errors("request_information", {"agencies": agencies}) == problems


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"summary": ""}, {"summary": ["Must not be blank."]}),
        ({"actions_taken": "   "}, {"actions_taken": ["Must not be blank."]}),
        ({"summary": "x" * 10_001}, {"summary": ["Longer than maximum length 10000."]}),
        (
            {"summary": None, "actions_taken": None},
            {"summary": ["Field may not be null."], "actions_taken": ["Field may not be null."]},
        ),
    ],
    ids=["empty summary", "blank actions", "summary too long", "both null"],
)
def test_an_agency_return_needs_its_summary_and_actions(changes, problems):
    assert errors("return_information", body("return_information", **changes)) == problems


def test_the_victims_impact_statement_is_optional_and_kept():
    data = body("contact_victim", victim_will_attend=False, impact_statement="I cannot sleep.")
    assert load_form("contact_victim", data, CONTEXT) == {
        "contacted_on": "2026-11-05",
        "victim_will_attend": False,
        "impact_statement": "I cannot sleep.",
    }


def test_an_impact_statement_is_at_most_10000_characters():
    data = body("contact_victim", impact_statement="x" * 10_001)
    assert errors("contact_victim", data) == {"impact_statement": ["Longer than maximum length 10000."]}
