"""The appeal body's decision."""

from __future__ import annotations

import pytest

from forms import load_form
from tests.forms.bodies import ACTION, CONTEXT, body, errors


def test_further_actions_are_kept_with_their_dates():
    actions = [
        {**ACTION, "due_on": "2026-11-20"},
        {**ACTION, "owner_agency": "police", "due_on": "2027-02-01"},
    ]
    data = body("decide_appeal", upheld=True, further_actions=actions)
    assert load_form("decide_appeal", data, CONTEXT) == {
        "decided_on": "2026-11-20",
        "upheld": True,
        "reasons": "The review was thorough.",
        # Not said is not agreed with the victim (issue 15; optional, LIFECYCLE.md).
        "further_actions": [{**action, "agreed_with_victim": False} for action in actions],
    }


def test_a_further_action_due_before_the_decision_is_refused_at_its_path():
    data = body(
        "decide_appeal", decided_on="2026-11-10", further_actions=[{**ACTION, "due_on": "2026-11-09"}]
    )
    assert errors("decide_appeal", data) == {
        "further_actions.0.due_on": ["Must not be before 10 November 2026, the date of the decision."]
    }


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        ({"reasons": "  "}, {"reasons": ["Must not be blank."]}),
        ({"upheld": "yes"}, {"upheld": ["Must be true or false."]}),
        ({"further_actions": None}, {"further_actions": ["Field may not be null."]}),
        ({"further_actions": [{**ACTION, "owner_agency": "pcc"}]}, {"further_actions.0.owner_agency": ...}),
        ({"further_actions": [{**ACTION}] * 51}, {"further_actions": ["Must have at most 50 actions."]}),
    ],
    ids=["blank reasons", "yes for upheld", "null actions", "unknown owner", "51 actions"],
)
def test_appeal_decision_rules(changes, problems):
    found = errors("decide_appeal", body("decide_appeal", **changes))
    assert set(found) == set(problems)
    for path, expected in problems.items():
        if expected is not ...:
            assert found[path] == expected
