"""The appeal (review request) against the outcome (LIFECYCLE.md stage 9)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, validates_schema

from app.schemas.common import StrictBoolean, text
from forms.actions import actions_field, check_due_dates
from forms.base import LONG_TEXT_LENGTH, DoneDate, FormSchema


class DecideAppealForm(FormSchema):
    form_title = "Decide the appeal"
    form_description = "The appeal body's decision on the victim's request to review the outcome."

    decided_on = DoneDate(required=True, metadata={"title": "When was the appeal decided?"})
    upheld = StrictBoolean(required=True, metadata={"title": "Is the appeal upheld?"})
    reasons = text(
        LONG_TEXT_LENGTH,
        required=True,
        metadata={"title": "Why?", "description": "Quoted in the letter to the victim."},
    )
    further_actions = actions_field(
        load_default=list,
        title="What further actions are needed? (optional)",
        description="Each action with the agency that will do it and a due date, which cannot be "
        "before the decision.",
    )

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_due_dates(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        given = original.get("further_actions") if isinstance(original, dict) else None
        errors = check_due_dates(data.get("further_actions"), given, data.get("decided_on"), "decision")
        if errors:
            raise ValidationError({"further_actions": errors})
