"""A council's people (issue 16), and the requests that set a password."""

from marshmallow import Schema, fields, validate

from app.models import PartnerAgency, Role
from app.schemas.common import BaseSchema, PageSchema, text

_ROLES = validate.OneOf([r.value for r in Role], error="Must be one of: {choices}.")
_AGENCIES = validate.OneOf([a.value for a in PartnerAgency], error="Must be one of: {choices}.")


def _password() -> fields.String:
    # Lengths are checked by the password rule itself (app.services.users.check_password), so
    # that the API and the pages say the same; this only bounds what is read.
    return fields.String(required=True, validate=validate.Length(max=10_000))


class InvitationSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    name = fields.String(validate=validate.Length(max=200))
    roles = fields.List(
        fields.String(validate=_ROLES),
        required=True,
        validate=validate.Length(min=1, max=len(Role), error="Choose between {min} and {max} roles."),
    )
    agency = fields.String(allow_none=True, validate=_AGENCIES)
    reason = text(2000)


class RolesChangeSchema(BaseSchema):
    roles = fields.List(
        fields.String(validate=_ROLES),
        required=True,
        validate=validate.Length(max=len(Role), error="Choose at most {max} roles."),
    )
    agency = fields.String(allow_none=True, validate=_AGENCIES)
    reason = text(2000)


class DeactivationSchema(BaseSchema):
    reason = text(2000)


class ReactivationSchema(DeactivationSchema):
    """The same body as a deactivation's: an optional reason, kept in the audit list."""


class CouncilPersonSchema(Schema):
    id = fields.Integer(attribute="user.id")
    email = fields.String(attribute="user.email")
    name = fields.String(attribute="user.name")
    agency = fields.String(attribute="user.agency", allow_none=True)
    roles = fields.List(fields.String(), metadata={"description": "The person's roles at this council"})
    status = fields.String(metadata={"enum": ["invited", "active", "deactivated"]})
    invitation_email = fields.String(
        allow_none=True,
        metadata={
            "enum": ["pending", "sent", "failed"],
            "description": "While invited: how the e-mail stands",
        },
    )
    deactivated_at = fields.AwareDateTime(format="iso", attribute="user.deactivated_at", allow_none=True)


class CouncilPersonPageSchema(PageSchema):
    items = fields.List(fields.Nested(CouncilPersonSchema))


class PasswordResetRequestSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))


class LinkPasswordSchema(BaseSchema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=1000))
    password = _password()


class PasswordChangeSchema(BaseSchema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=10_000))
    new_password = _password()


class AcceptedSchema(Schema):
    message = fields.String()
