"""Queries on documents and their e-mail outbox. Lookups are scoped by council, as cases are."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Document, EmailStatus

# The statuses the mailer still has work for.
OUTBOX_STATUSES = (EmailStatus.PENDING, EmailStatus.FAILED)


def documents_of_case_query(case_id: int) -> Select:
    return select(Document).where(Document.case_id == case_id).order_by(Document.id)


def get_document_in(document_id: int, council_ids: Iterable[str]) -> Document | None:
    return db.session.scalar(
        select(Document)
        .where(Document.id == document_id, Document.council_id.in_(list(council_ids)))
        .options(undefer(Document.html))
    )


def get_document_to_send(document_id: int) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.id == document_id).options(undefer(Document.html))
    )


def documents_due_for_email(now: datetime, limit: int) -> list[int]:
    """Letters waiting to be e-mailed whose (next) attempt is due, oldest first."""
    query = (
        select(Document.id)
        .where(
            Document.email_status.in_(OUTBOX_STATUSES),
            Document.email_next_attempt_at.is_not(None),
            Document.email_next_attempt_at <= now,
        )
        .order_by(Document.email_next_attempt_at, Document.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def claim_for_email(document_id: int, now: datetime, lease_until: datetime) -> bool:
    """Take a due letter for one attempt: count the attempt and push its next attempt to
    ``lease_until``, in one conditional UPDATE, so two mailers never send the same letter at
    once and a mailer that dies mid-send leaves it to be retried when the lease runs out."""
    result = db.session.execute(
        update(Document)
        .where(
            Document.id == document_id,
            Document.email_status.in_(OUTBOX_STATUSES),
            Document.email_next_attempt_at.is_not(None),
            Document.email_next_attempt_at <= now,
        )
        .values(email_attempts=Document.email_attempts + 1, email_next_attempt_at=lease_until)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
