"""Recommended actions: the review's action plan and an appeal's further actions."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import fields, validate

from app.domain.calendar import format_date
from app.schemas.common import BaseSchema, IsoDate, text
from forms.base import NOTE_LENGTH, choice
from forms.choices import PANEL_AGENCIES, PANEL_AGENCY_LABELS

MAX_ACTIONS = 50


class ActionSchema(BaseSchema):
    action = text(NOTE_LENGTH, required=True, metadata={"title": "What needs to be done?"})
    owner_agency = choice(
        PANEL_AGENCIES, PANEL_AGENCY_LABELS, required=True, metadata={"title": "Which agency will do it?"}
    )
    # May be in the future (it usually is); the form checks it is not before its meeting or decision.
    due_on = IsoDate(required=True, metadata={"title": "When is it due?"})


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
