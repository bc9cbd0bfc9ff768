"""Requests of the council's data protection staff on a case (issue 17): anonymising a closed case,
restricting a person's data on an open one."""

from __future__ import annotations

from app.schemas.common import BaseSchema, text

REASON_LENGTH = 2000


class AnonymiseRequestSchema(BaseSchema):
    reason = text(
        REASON_LENGTH,
        required=True,
        metadata={
            "description": "Why the case is anonymised now (the erasure request and its date, say); "
            "kept in the case's history, the council's audit list and on each letter"
        },
    )
