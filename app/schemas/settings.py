"""GET and PATCH /api/v1/councils/{council}/settings (issue 16).

The sections are checked by the council file's own schema (app.councils.SettingsSchema) once
merged over the settings in force, so a value is refused with the same message as in
councils.toml; here only the envelope of a change is read.
"""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from app.councils import DOTTED_KEY_RE
from app.schemas.common import BaseSchema, IsoDate, StrictBoolean, text

SECTION_DESCRIPTION = (
    "merged key by key over the section in force (null takes a key back to its default); "
    "checked as councils.toml is"
)


class SettingsChangeSchema(BaseSchema):
    reason = text(
        max_length=2000,
        required=True,
        metadata={"description": "why: kept with the version and in the audit list"},
    )
    effective_from = IsoDate(
        metadata={
            "description": "default today; applications received from this day follow the change; closures apply from today"
        }
    )
    dry_run = StrictBoolean(
        load_default=False,
        metadata={"description": "check and show the effect (due dates moved), save nothing"},
    )
    closures = fields.List(
        fields.Raw(),
        metadata={
            "description": '"MM-DD" every year or "YYYY-MM-DD" once, then a label if you like '
            '("2026-12-24 Christmas Eve"); replaces the list'
        },
    )
    contacts = fields.Dict(metadata={"description": SECTION_DESCRIPTION})
    threshold = fields.Dict(
        metadata={"description": SECTION_DESCRIPTION + "; never above the Act (s.104(4), (11))"}
    )
    appeal = fields.Dict(metadata={"description": SECTION_DESCRIPTION})
    not_met_review = fields.Dict(metadata={"description": SECTION_DESCRIPTION})
    letters = fields.Dict(
        metadata={
            "description": "support_services, appeal_body, signature, privacy_notice: plain text with {placeholders}"
        }
    )
    retention_years = fields.Raw(metadata={"description": "whole years, 1 to 100"})
    confirm = fields.List(
        fields.String(
            validate=validate.Regexp(DOTTED_KEY_RE, error='Not a dotted key such as "appeal.within_days".')
        ),
        load_default=list,
        metadata={"description": "assumed values (to_confirm keys) the council confirms as they are"},
    )


class SourceSchema(Schema):
    file = fields.String()
    line = fields.Integer(allow_none=True)


class ToConfirmSchema(Schema):
    key = fields.String()
    section = fields.String()
    value = fields.Raw(allow_none=True)
    reason = fields.String()
    source = fields.Nested(SourceSchema, allow_none=True)
    may_confirm = fields.Boolean()


class DueDateMoveSchema(Schema):
    case_id = fields.Integer()
    reference = fields.String()
    kind = fields.String(
        metadata={"description": "task (an open task) or deadline (a statutory deadline not yet met)"}
    )
    id = fields.Integer()
    what = fields.String(metadata={"description": "the task's name or the deadline's label"})
    before = fields.Date()
    after = fields.Date()


def _section(description: str) -> fields.Dict:
    return fields.Dict(
        metadata={"description": description + '; "confirmed": {key: false} lists its assumed values'}
    )


class CouncilSettingsSchema(Schema):
    council = fields.String()
    version = fields.Integer(
        allow_none=True, metadata={"description": "null until the settings are imported"}
    )
    effective_from = fields.Date(allow_none=True)
    changed_at = fields.DateTime(allow_none=True)
    changed_by = fields.String(allow_none=True)
    reason = fields.String(allow_none=True)
    editable = fields.List(fields.String(), metadata={"description": "the sections the caller may change"})
    closures = fields.List(
        fields.String(),
        metadata={"description": '"MM-DD" every year or "YYYY-MM-DD" once, and its label if any'},
    )
    contacts = _section("team, email, phone, address, website")
    threshold = _section("RULES.md section 2")
    appeal = _section("body, within_days, lodge_directly, contact, third_party_consent")
    not_met_review = _section("offered, within_days, reviewer")
    letters = _section("support_services, appeal_body, signature, privacy_notice")
    retention_years = fields.Integer()
    to_confirm = fields.List(fields.Nested(ToConfirmSchema))


class SettingsChangedSchema(CouncilSettingsSchema):
    dry_run = fields.Boolean()
    version_created = fields.Integer(allow_none=True, metadata={"description": "null when nothing changed"})
    moved_due_dates = fields.List(fields.Nested(DueDateMoveSchema))
