from marshmallow import Schema, fields, validate

from app.schemas.common import BaseSchema


class TokenRequestSchema(BaseSchema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class TokenSchema(Schema):
    token = fields.String()
    expires_at = fields.AwareDateTime(format="iso")


class MembershipSchema(Schema):
    council = fields.String(attribute="council_id")
    role = fields.String()


class MeSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    name = fields.String()
    agency = fields.String(allow_none=True)
    memberships = fields.List(fields.Nested(MembershipSchema))
    service_admin = fields.Boolean(
        metadata={"description": "an administrator of the whole service: the people of every council"}
    )
