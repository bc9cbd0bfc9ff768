"""Fields and base classes every schema uses."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from app.boundary import DATABASE_INTEGER_MAX, DATABASE_INTEGER_MIN

# Dates outside this range are certainly typing mistakes, and keep date arithmetic far from
# datetime.date's limits.
EARLIEST_DATE = date(1900, 1, 1)
LATEST_DATE = date(2199, 12, 31)
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


DATABASE_INTEGER_RANGE = validate.Range(min=DATABASE_INTEGER_MIN, max=DATABASE_INTEGER_MAX)


def _within_database_range(field: fields.Field) -> bool:
    return any(
        isinstance(v, validate.Range)
        and v.min is not None
        and v.max is not None
        and DATABASE_INTEGER_MIN <= v.min
        and v.max <= DATABASE_INTEGER_MAX
        for v in field.validators
    )


class BaseSchema(Schema):
    """Every request schema: unknown fields are refused, and integers fit the database."""

    class Meta:
        unknown = RAISE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        # An integer past the database's range makes the query fail (app/boundary.py). Bounding
        # every integer field here gives each new one the limit, and the OpenAPI document its
        # minimum and maximum; a field's own narrower Range still applies.
        if isinstance(field_obj, fields.Integer) and not _within_database_range(field_obj):
            field_obj.validators = [*field_obj.validators, DATABASE_INTEGER_RANGE]


class IsoDate(fields.Date):
    """A calendar date written exactly ``YYYY-MM-DD`` (no week dates, no times)."""

    default_error_messages = {
        "invalid": "Not a valid date; use YYYY-MM-DD.",
        "range": f"Must be between {EARLIEST_DATE.isoformat()} and {LATEST_DATE.isoformat()}.",
    }

    def _deserialize(self, value: Any, attr, data, **kwargs) -> date:
        if not isinstance(value, str) or not _ISO_DATE.match(value):
            raise self.make_error("invalid")
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if not EARLIEST_DATE <= parsed <= LATEST_DATE:
            raise self.make_error("range")
        return parsed


class StrictBoolean(fields.Boolean):
    """true or false, not "yes", 1 or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def _deserialize(self, value: Any, attr, data, **kwargs) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


def text(max_length: int = 2000, required: bool = False, **kwargs) -> fields.String:
    """A free-text field with a length limit; blank is allowed unless required."""
    validators = [validate.Length(max=max_length)]
    if required:
        # Length gives JSON Schema its minLength; _not_blank catches what is only spaces.
        validators.append(validate.Length(min=1, error="Must not be blank."))
        validators.append(_not_blank)
    return fields.String(required=required, validate=validators, **kwargs)


def _not_blank(value: str) -> None:
    if value and not value.strip():
        raise ValidationError("Must not be blank.")


class PageQuerySchema(BaseSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class PageSchema(Schema):
    page = fields.Integer()
    per_page = fields.Integer()
    total = fields.Integer()


class ErrorBodySchema(Schema):
    code = fields.String()
    message = fields.String()
    fields = fields.Dict(metadata={"description": "field -> list of messages; only on 422"})


class ErrorSchema(Schema):
    error = fields.Nested(ErrorBodySchema)
