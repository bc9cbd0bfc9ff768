"""Recommended actions: the review's action plan and an appeal's further actions, and a partner's
report on one action of the plan (LIFECYCLE.md "The action plan is followed through").

Each recommendation is an action with an owning agency and a timescale, drawn up with the victim:
"where further actions are recommended, an action plan will be drawn up in consultation with the
victim including any timescales" (derbyshire-public-page.txt, line 7). The plan is then monitored
until every action is done: "The case will be added to the East Herts Anti-social Behaviour Action
Group (ASBAG) for onward monitoring" (east-herts-policy.txt, lines 546-549).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import fields, validate

from app.domain.calendar import format_date
from app.schemas.common import BaseSchema, IsoDate, StrictBoolean, text
from forms.base import NOTE_LENGTH, DoneDate, FormSchema, OnlyWhen, choice
from forms.choices import PANEL_AGENCIES, PANEL_AGENCY_LABELS

MAX_ACTIONS = 50


class ActionSchema(BaseSchema):
    action = text(NOTE_LENGTH, required=True, metadata={"title": "What needs to be done?"})
    owner_agency = choice(
        PANEL_AGENCIES, PANEL_AGENCY_LABELS, required=True, metadata={"title": "Which agency will do it?"}
    )
    # May be in the future (it usually is); the form checks it is not before its meeting or decision.
    due_on = IsoDate(required=True, metadata={"title": "When is it due?"})
    # Optional (LIFECYCLE.md: fields beyond the minimum set must be): not said is not agreed.
    agreed_with_victim = StrictBoolean(
        load_default=False,
        metadata={
            "title": "Was it agreed with the victim? (optional)",
            "description": "The plan is drawn up in consultation with the victim "
            "(Derbyshire's public page). Left out, it counts as not agreed.",
        },
    )


def actions_field(*, title: str, description: str, **kwargs: Any) -> fields.List:
    metadata = {"title": title, "description": description, "x-item-title": "Action"}
    if kwargs.get("load_default") is list:
        metadata["default"] = []  # apispec does not call a callable default to show it
    return fields.List(
        fields.Nested(ActionSchema),
        validate=validate.Length(max=MAX_ACTIONS, error="Must have at most {max} actions."),
        metadata=metadata,
        **kwargs,
    )


def check_due_dates(actions: Any, given: Any, start: Any, what: str) -> dict[int, dict[str, list[str]]]:
    """Errors for actions due before ``start`` (the meeting or decision), keyed by position.

    ``actions`` are the loaded actions and ``given`` the list as sent. When an item is invalid,
    marshmallow keeps what it could load of it in its place (``{}`` for one that is not an object),
    so the others are still judged; but a null item is dropped, the positions after it shift, and
    then nothing is judged rather than an error reported against the wrong item.
    """
    if not isinstance(start, date) or not isinstance(actions, list):
        return {}
    if not isinstance(given, list) or len(given) != len(actions):
        return {}
    message = f"Must not be before {format_date(start)}, the date of the {what}."
    return {
        index: {"due_on": [message]}
        for index, action in enumerate(actions)
        if isinstance(action, dict) and isinstance(action.get("due_on"), date) and action["due_on"] < start
    }


class ReportActionForm(FormSchema):
    """The owning agency's report on one action: progress so far, or done (with the day it was)."""

    form_title = "Report on an action of the plan"
    form_description = (
        "Say what has been done towards the action. When it is done, say so and when: the victim "
        "sees each action's progress on their status page."
    )
    conditions = (
        OnlyWhen(
            "done_on",
            "done",
            True,
            required_message="Enter the date the action was done.",
            forbidden_message="Leave this out until the action is done.",
        ),
    )

    done = StrictBoolean(required=True, metadata={"title": "Is the action done?"})
    done_on = DoneDate(allow_none=True, load_default=None, metadata={"title": "When was it done?"})
    note = text(
        NOTE_LENGTH,
        required=True,
        metadata={
            "title": "What has been done?",
            "description": "The victim sees this note. Do not name the people causing the "
            "anti-social behaviour.",
        },
    )
