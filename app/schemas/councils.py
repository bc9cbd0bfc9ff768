from marshmallow import Schema, fields, validate

from app.councils import REFERENCE_PREFIX_RE, SLUG_MESSAGE, SLUG_RE, ContactsSchema
from app.domain.calendar import NATIONS
from app.schemas.common import BaseSchema, PageSchema, text
from app.schemas.people import CouncilPersonSchema


class ProcessRefSchema(Schema):
    key = fields.String()
    version = fields.Integer(allow_none=True, metadata={"description": "null until a diagram is loaded"})


class CouncilSchema(Schema):
    id = fields.String()
    name = fields.String()
    nation = fields.String()
    county = fields.String()
    process = fields.Nested(ProcessRefSchema, metadata={"description": "the version new cases start on"})


class CouncilPageSchema(PageSchema):
    items = fields.List(fields.Nested(CouncilSchema))


class FiguresPublicationSchema(Schema):
    """A council's figures for a year, published (issue 15)."""

    council = fields.String(attribute="council_id")
    year = fields.Integer()
    published_at = fields.DateTime()
    published_by = fields.String()


class NewCouncilOwnerSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    name = fields.String(validate=validate.Length(max=200))


class NewCouncilSchema(BaseSchema):
    """POST /api/v1/councils: an administrator of the service adds a council (issue 16)."""

    id = fields.String(
        required=True,
        validate=[validate.Length(max=64), validate.Regexp(SLUG_RE, error=SLUG_MESSAGE)],
        metadata={
            "description": "the council's id in addresses, e.g. newtown; never changes",
            "example": "newtown",
        },
    )
    name = text(200, required=True, metadata={"example": "Newtown Borough Council"})
    nation = fields.String(
        required=True, validate=validate.OneOf(NATIONS, error="Must be one of: {choices}."),
        metadata={"description": "its bank holidays: england or wales"},
    )  # fmt: skip
    county = fields.String(
        required=True,
        validate=[validate.Length(max=64), validate.Regexp(SLUG_RE, error=SLUG_MESSAGE)],
        metadata={
            "description": "a county's id (GET /api/v1/councils lists them), or a new one with county_name"
        },
    )
    county_name = text(200, metadata={"description": "only for a new county: its name"})
    reference_prefix = fields.String(
        required=True,
        validate=validate.Regexp(REFERENCE_PREFIX_RE, error="Must be 2 to 6 capital letters."),
        metadata={"description": "its case references read NEW-2026-0001; unique", "example": "NEW"},
    )
    contacts = fields.Nested(
        ContactsSchema, required=True, metadata={"description": "printed on its letters"}
    )
    diagram_from = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "a council whose live diagram it starts from; left out: the base diagram"},
    )
    process_owner = fields.Nested(
        NewCouncilOwnerSchema,
        required=True,
        metadata={"description": "invited by e-mail as its first process owner"},
    )
    reason = text(2000, metadata={"description": "kept in its audit list"})


class AddedCouncilSchema(Schema):
    """The council added: what GET /api/v1/councils lists, and what was set up with it."""

    id = fields.String(attribute="council.id")
    name = fields.String(attribute="council.name")
    nation = fields.String(attribute="council.nation")
    county = fields.String(attribute="council.county")
    reference_prefix = fields.String(attribute="council.reference_prefix")
    process = fields.Nested(
        ProcessRefSchema,
        attribute="live_process",
        metadata={"description": "its own process; version null until one is put live"},
    )
    process_version = fields.Integer(
        attribute="process.number", metadata={"description": "the version copied, ready to put live"}
    )
    started_from = fields.Nested(
        ProcessRefSchema,
        attribute="started_from_ref",
        metadata={"description": "the version it was copied from"},
    )
    settings_version = fields.Integer(attribute="council.settings_version")
    to_confirm = fields.List(
        fields.String(),
        attribute="council.to_confirm",
        metadata={"description": "its values assumed until it confirms them (its settings page)"},
    )
    process_owner = fields.Nested(CouncilPersonSchema)
