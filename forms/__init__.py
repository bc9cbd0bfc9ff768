"""Task forms: one marshmallow schema per form key, named by the user tasks of the diagrams.

A form validates a task's completion (``load_form``), and describes itself as JSON Schema for
the API (``form_json_schema``), from the same schema so the two cannot drift. The registry is
explicit: a new form is a schema in a module here plus a line in ``FORMS``.
"""

from __future__ import annotations

import copy
import functools
from datetime import date
from typing import Any

from marshmallow import ValidationError

from forms.actions import ReportActionForm
from forms.appeal import DecideAppealForm
from forms.base import FormContext, FormError, FormSchema
from forms.east_herts import CaseReviewEastHertsForm, CirculateMinutesForm
from forms.json_schema import build_json_schema
from forms.preparation import ContactVictimForm, RequestInformationForm, ReturnInformationForm
from forms.records import ConfirmReportsForm
from forms.review import CaseReviewForm, NotifyOutcomeForm
from forms.screening import AcknowledgeForm, ScreenEligibilityForm, ThresholdDecisionForm, VerifyConsentForm

__all__ = ["FORMS", "FormContext", "FormError", "form_json_schema", "form_keys", "load_form"]

# In the order of the lifecycle (LIFECYCLE.md "Forms: minimum fields").
FORMS: dict[str, type[FormSchema]] = {
    "acknowledge": AcknowledgeForm,
    "verify_consent": VerifyConsentForm,
    "screen_eligibility": ScreenEligibilityForm,
    "confirm_reports": ConfirmReportsForm,
    "threshold_decision": ThresholdDecisionForm,
    "request_information": RequestInformationForm,
    "return_information": ReturnInformationForm,
    "contact_victim": ContactVictimForm,
    "case_review": CaseReviewForm,
    "notify_outcome": NotifyOutcomeForm,
    "decide_appeal": DecideAppealForm,
    "report_action": ReportActionForm,
    # A variant's own forms, after the shared ones (East Herts: east-herts-policy.txt section 12).
    "case_review_east_herts": CaseReviewEastHertsForm,
    "circulate_minutes": CirculateMinutesForm,
}


def form_keys() -> list[str]:
    return list(FORMS)


def load_form(key: str, data: Any, context: FormContext) -> dict[str, Any]:
    """The completion ``data`` checked against form ``key``, as JSON-friendly task data.

    Dates come back as ``YYYY-MM-DD`` strings and defaults are filled in. Raises FormError with
    every problem at once, or ValueError for a form key that does not exist.
    """
    form = _form(key)
    if not isinstance(context, FormContext):
        raise TypeError(f"context must be a FormContext, got {context!r}")
    try:
        # A new instance per call: the context lives on the instance, so concurrent calls never share it.
        loaded = form(context=context).load(data)
    except ValidationError as err:
        raise FormError(key, _without_repeats(err.normalized_messages())) from err
    return _json_friendly(loaded)


def form_json_schema(key: str) -> dict[str, Any]:
    """The form as JSON Schema (draft 2020-12), for ``GET /api/v1/tasks/{id}``. A fresh copy each call."""
    _form(key)  # an unknown (or unhashable) key is a ValueError before the cache sees it
    return copy.deepcopy(_cached_json_schema(key))


@functools.cache
def _cached_json_schema(key: str) -> dict[str, Any]:
    return build_json_schema(key, _form(key))


def _form(key: str) -> type[FormSchema]:
    try:
        return FORMS[key]
    except (KeyError, TypeError):
        raise ValueError(f"Unknown form key {key!r}; expected one of {form_keys()}") from None


def _without_repeats(messages: Any) -> Any:
    # app.schemas.common.text(required=True) says "Must not be blank." twice for "" (its Length(min=1)
    # and its blank check both fire); each message once per field is enough.
    if isinstance(messages, dict):
        return {name: _without_repeats(value) for name, value in messages.items()}
    if isinstance(messages, list) and all(isinstance(message, str) for message in messages):
        return list(dict.fromkeys(messages))
    return messages


def _json_friendly(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {name: _json_friendly(item) for name, item in value.items()}
    if isinstance(value, list):
        return [_json_friendly(item) for item in value]
    return value
