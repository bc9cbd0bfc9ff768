"""Documents of a case (letters) and their e-mail state, as the API shows them."""

from __future__ import annotations

from typing import Any

from flask import url_for
from marshmallow import Schema, fields, pre_dump, validate

from app.models import Document, EmailStatus, Recipient
from app.schemas.common import BaseSchema, PageQuerySchema, PageSchema

FORMATS = ("html", "pdf")


class DocumentEmailSchema(Schema):
    status = fields.String(
        metadata={
            "enum": [s.value for s in EmailStatus],
            "description": "pending: waiting to be sent; sent; failed: the last attempt failed "
            "(retried at next_attempt_at, or given up when that is null: post the letter); "
            "no_address: the recipient has no e-mail address; not_configured: no SMTP server was "
            "set up when the letter was issued",
        },
    )
    to = fields.String(allow_none=True)
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    sent_at = fields.DateTime(allow_none=True)


class DocumentLinksSchema(Schema):
    html = fields.String()
    pdf = fields.String()


class DocumentSchema(Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String(
        metadata={"description": "CT1, CT2, CT3, CT4, ineligible, review_outcome, outcome, appeal_outcome"}
    )
    title = fields.String()
    recipient = fields.String(metadata={"enum": [r.value for r in Recipient]})
    issued_on = fields.Date()
    created_at = fields.DateTime()
    email = fields.Nested(DocumentEmailSchema)
    links = fields.Nested(DocumentLinksSchema)

    @pre_dump
    def _shape(self, document: Document, **kwargs: Any) -> dict[str, Any]:
        return {
            "id": document.id,
            "case_id": document.case_id,
            "kind": document.kind,
            "title": document.title,
            "recipient": document.recipient,
            "issued_on": document.issued_on,
            "created_at": document.created_at,
            "email": {
                "status": document.email_status,
                "to": document.email_to,
                "attempts": document.email_attempts,
                "last_error": document.email_last_error,
                "next_attempt_at": document.email_next_attempt_at,
                "sent_at": document.email_sent_at,
            },
            "links": {
                fmt: url_for("api.get_document", document_id=document.id, format=fmt) for fmt in FORMATS
            },
        }


class DocumentPageSchema(PageSchema):
    items = fields.List(fields.Nested(DocumentSchema))


class DocumentQuerySchema(BaseSchema):
    format = fields.String(load_default="html", validate=validate.OneOf(FORMATS))


class DocumentListQuerySchema(PageQuerySchema):
    pass
