"""A recipient's private link to their case's status page: only the token's hash is kept, with
the nonce the token is derived from (``app.services.status_links``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime


class StatusLink(db.Model):
    __tablename__ = "status_link"
    __table_args__ = (Index("ix_status_link_case_recipient", "case_id", "recipient"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex of the token
    # Whose link it is (a Recipient value): the page shows only the letters addressed to them.
    # None on links issued before links were per recipient: the person who applied.
    recipient: Mapped[str | None] = mapped_column(String(16))
    # Random; the token is an HMAC of it under the secret key, so a letter issued later can
    # print the same link the confirmation page gave, while the database alone cannot.
    nonce: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    case = relationship("Case")
