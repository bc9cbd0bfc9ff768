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


def documents_of_case_query(case_id: int, without: Iterable[str] = ()) -> Select:
    """The case's documents, oldest first; ``without``: but those to these recipients."""
    query = select(Document).where(Document.case_id == case_id)
    if without:
        query = query.where(Document.recipient.not_in(list(without)))
    return query.order_by(Document.id)


def letters_in_outbox(case_id: int) -> list[Document]:
    """The case's letters the mailer still has an attempt planned for (waiting, being sent, or
    to be retried)."""
    return list(
        db.session.scalars(
            select(Document)
            .where(
                Document.case_id == case_id,
                Document.email_status.in_(OUTBOX_STATUSES),
                Document.email_next_attempt_at.is_not(None),
            )
            .order_by(Document.id)
        )
    )


def documents_with_letters(case_id: int) -> list[Document]:
    """Every document of the case with its letter (HTML), oldest first."""
    return list(db.session.scalars(documents_of_case_query(case_id).options(undefer(Document.html))))


def get_document_in(document_id: int, council_ids: Iterable[str]) -> Document | None:
    return db.session.scalar(
        select(Document)
        .where(Document.id == document_id, Document.council_id.in_(list(council_ids)))
        .options(undefer(Document.html))
    )


def get_document_to_send(document_id: int, lock: bool = False) -> Document | None:
    """The letter with its HTML; ``lock``: held until the transaction ends (PostgreSQL), so two
    mailers recording the same letter's result take turns."""
    query = select(Document).where(Document.id == document_id).options(undefer(Document.html))
    if lock and db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Document)
    return db.session.scalar(query)


def _due_for_email(now: datetime):
    return (
        Document.email_status.in_(OUTBOX_STATUSES),
        Document.email_next_attempt_at.is_not(None),
        Document.email_next_attempt_at <= now,
    )


def claim_next_for_email(now: datetime, lease_until: datetime) -> int | None:
    """Take the letter waiting longest whose (next) attempt is due, for one attempt: count the
    attempt and push its next attempt to ``lease_until``, in one UPDATE. On PostgreSQL the letter
    is picked with FOR UPDATE SKIP LOCKED, so mailers running at once each take a different letter
    without waiting for each other; a letter another mailer has just claimed is no longer due when
    its row is re-read under the lock. (SQLite runs one writer at a time.) A mailer that dies
    mid-send leaves the letter to be retried when the lease runs out. The id, or None."""
    pick = (
        select(Document.id)
        .where(*_due_for_email(now))
        .order_by(Document.email_next_attempt_at, Document.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    return db.session.scalar(
        update(Document)
        .where(Document.id == pick.scalar_subquery(), *_due_for_email(now))
        .values(email_attempts=Document.email_attempts + 1, email_next_attempt_at=lease_until)
        .returning(Document.id)
        .execution_options(synchronize_session=False)
    )
