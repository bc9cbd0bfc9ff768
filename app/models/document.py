"""A document of a case: a letter as it was issued, and the outbox state of its e-mail.

The letter is kept as issued: ``data`` is the snapshot of the facts it was written from
(council, recipient, decision...) and ``html`` the letter rendered from it at that moment, so
a later change to the case, the council's configuration or the templates never rewrites a
letter that has gone out. The PDF is made from ``html`` when it is asked for.

The ``email_*`` columns are an outbox: a letter whose recipient has an e-mail address is
``pending`` when the case's transaction commits, and the mailer (``app.services.mail``) sends
it afterwards, never inside the workflow run, retrying with backoff (``failed`` with
``email_next_attempt_at`` set) until it is ``sent`` or given up (``failed``, no next attempt).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime


class Recipient(StrEnum):
    APPLICANT = "applicant"  # the victim, who applied themselves
    VICTIM = "victim"  # the victim, when someone else applied for them
    THIRD_PARTY = "third_party"  # the person or agency who applied on the victim's behalf


class EmailStatus(StrEnum):
    PENDING = "pending"  # waiting for the mailer
    SENT = "sent"
    FAILED = "failed"  # the last attempt failed; retried at email_next_attempt_at, or given up if null
    NO_ADDRESS = "no_address"  # the recipient gave no e-mail address: the letter goes by post
    NOT_CONFIGURED = "not_configured"  # no SMTP server was configured when the letter was issued


def _in_check(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class Document(db.Model):
    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint(_in_check("recipient", Recipient), name="recipient_known"),
        CheckConstraint(_in_check("email_status", EmailStatus), name="email_status_known"),
        # The mailer's query: what is waiting, soonest first.
        Index("ix_document_outbox", "email_status", "email_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # the diagram's letter: CT1 ... appeal_outcome
    title: Mapped[str] = mapped_column(String(300))
    recipient: Mapped[str] = mapped_column(String(16))
    element: Mapped[str] = mapped_column(String(100))  # the diagram element that issued it
    issued_on: Mapped[date] = mapped_column(Date)  # the date printed on the letter
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Deferred: listing a case's documents never needs the letters themselves.
    html: Mapped[str] = mapped_column(Text, deferred=True)

    email_to: Mapped[str | None] = mapped_column(String(254))
    email_status: Mapped[str] = mapped_column(String(16))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_last_error: Mapped[str | None] = mapped_column(Text)
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case = relationship("Case")

    def __repr__(self) -> str:
        return f"<Document {self.id} {self.kind} to {self.recipient}>"
