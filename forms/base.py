"""What every task form shares: the context a completion is checked against, the form schema
base class, dates of things done, and fields that apply only when another field has a value.

The context (today, and the day the application was received) is given to each schema
instance (``Form(context=...)``), and ``load_form`` makes a new instance per call, so two
completions checked at once never see each other's context.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates_schema

from app.domain.calendar import format_date
from app.schemas.common import BaseSchema, IsoDate

# Lengths of free text, in characters.
NAME_LENGTH = 200  # a person's name, a role, an organisation
NOTE_LENGTH = 2000  # notes, one recommended action
LONG_TEXT_LENGTH = 10_000  # reasons, findings, summaries, an impact statement

__all__ = [
    "LONG_TEXT_LENGTH",
    "NAME_LENGTH",
    "NOTE_LENGTH",
    "DoneDate",
    "FormContext",
    "FormError",
    "FormSchema",
    "OnlyWhen",
    "choice",
]


@dataclass(frozen=True)
class FormContext:
    """What a completion is checked against."""

    today: date  # the app clock's today (Europe/London)
    received_on: date  # the case's application date
    under_18_involved: bool = False  # the application says a person under 18 is involved

    def __post_init__(self) -> None:
        for name in ("today", "received_on"):
            value = getattr(self, name)
            # A datetime is a date too, but comparing one with a date raises TypeError.
            if not isinstance(value, date) or isinstance(value, datetime):
                raise TypeError(f"FormContext.{name} must be a date, got {value!r}")


class FormError(ValueError):
    """A completion that does not fit its form; ``messages`` lists every problem.

    ``messages`` is marshmallow's: field name -> list of messages, nested for nested fields
    (``{"panel": {1: {"agency": [...]}}}``), ``"_schema"`` when the body is not an object.
    """

    def __init__(self, key: str, messages: dict[str, Any]) -> None:
        self.key = key
        self.messages = messages
        super().__init__(f"The {key} form has errors: {messages}")

    def by_path(self) -> dict[str, list[str]]:
        """The messages keyed by dotted path (``"panel.1.agency"``), e.g. for an error summary.

        A nested object's own problem (``{"chair": {"_schema": [...]}}``) is at the object's path.
        """
        flat: dict[str, list[str]] = {}
        _flatten(self.messages, "", flat)
        return flat


def _flatten(messages: Any, prefix: str, into: dict[str, list[str]]) -> None:
    if isinstance(messages, Mapping):
        for name, value in messages.items():
            # A nested object's own problem ("Invalid input type.") belongs to the object's path.
            if name == "_schema" and prefix:
                path = prefix
            else:
                path = f"{prefix}.{name}" if prefix else str(name)
            _flatten(value, path, into)
    else:
        into.setdefault(prefix, []).extend(messages if isinstance(messages, list) else [messages])


@dataclass(frozen=True)
class OnlyWhen:
    """``field`` may be given only when the boolean ``depends_on`` is ``value``, and then it is
    required unless ``required`` is False. Null counts as not given.

    One declaration drives both the validation and the JSON Schema (``if``/``then`` and the
    ``x-show-when`` hint), so the two cannot disagree.
    """

    field: str
    depends_on: str
    value: bool
    required_message: str = "Enter a value."
    forbidden_message: str = "Leave this out."
    required: bool = True


def choice(values: Iterable[str], labels: Mapping[str, str] | None = None, **kwargs: Any) -> fields.String:
    """A string that must be one of ``values``; ``labels`` gives each its label on the page
    (every value needs one: a missing label fails at import, not on the page)."""
    values = list(values)
    metadata = dict(kwargs.pop("metadata", {}))
    if labels is not None:
        metadata.setdefault("x-labels", {value: labels[value] for value in values})
    error = "Must be one of: {choices}."
    return fields.String(validate=validate.OneOf(values, error=error), metadata=metadata, **kwargs)


class DoneDate(IsoDate):
    """The date something was done: today or earlier, and not before the application was received.

    Only for fields of a ``FormSchema`` itself (not of a nested schema), whose context it reads.
    With ``default_today=True`` the field may be left out and the form fills in today.
    """

    default_error_messages = {
        "future": "Must be today or in the past.",
        "before_received": "Must not be before {received}, when the application was received.",
    }

    def __init__(self, *, default_today: bool = False, **kwargs: Any) -> None:
        self.default_today = default_today
        if default_today:
            kwargs.setdefault("allow_none", True)  # null, like leaving it out, means today
            metadata = dict(kwargs.pop("metadata", {}))
            metadata.setdefault("x-default", "today")
            kwargs["metadata"] = metadata
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> date:
        parsed = super()._deserialize(value, attr, data, **kwargs)
        context = _context_of(self.root)
        if parsed > context.today:
            raise self.make_error("future")
        if parsed < context.received_on:
            raise self.make_error("before_received", received=format_date(context.received_on))
        return parsed


def _context_of(schema: Any) -> FormContext:
    context = getattr(schema, "form_context", None)
    if context is None:
        raise TypeError(f"{type(schema).__name__} needs a FormContext: construct it with context=...")
    return context


class FormSchema(BaseSchema):
    """A task form. Construct with the context: ``AcknowledgeForm(context=FormContext(...))``.

    Subclasses set ``form_title`` (the page heading), optionally ``form_description``, and
    ``conditions`` for fields that apply only when another field has a given value.
    """

    form_title: ClassVar[str] = ""
    form_description: ClassVar[str | None] = None
    conditions: ClassVar[tuple[OnlyWhen, ...]] = ()

    def __init__(self, *, context: FormContext | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.form_context = context

    @pre_load
    def _require_context(self, data: Any, **kwargs: Any) -> Any:
        # A form checked without its context would let future dates through; fail loudly.
        _context_of(self)
        return data

    # skip_on_field_errors=False: every problem is reported at once, so the cross-field
    # checks run even when another field is wrong (each one skips what it cannot judge).
    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _check_conditions(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        if not isinstance(original, Mapping):
            return
        errors: dict[str, list[str]] = {}
        for condition in self.conditions:
            if condition.depends_on not in data:
                continue  # missing or invalid: that error is reported already
            given = original.get(condition.field) is not None
            if data[condition.depends_on] is condition.value:
                if condition.required and not given:
                    errors[condition.field] = [condition.required_message]
            elif given:
                errors[condition.field] = [condition.forbidden_message]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _fill_today(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        for name, field in self.load_fields.items():
            if isinstance(field, DoneDate) and field.default_today and data.get(name) is None:
                data[name] = _context_of(self).today
        return data
