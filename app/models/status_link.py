"""A recipient's private link to their case's status page: only the token's hash is kept, with
the nonce the token is derived from (``app.services.status_links``)."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.case import Case
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


class LiveLink(NamedTuple):
    """What a live link's token is worked out from (``app.services.status_links``)."""

    recipient: str | None
    nonce: str | None
    token_hash: str


# Where a case object keeps its live links once read with it (app/store/cases.py reads them in
# the whole-case query: an acknowledgement letter prints one), until its attributes expire or a
# link of it changes (forget_live_links).
_LIVE_LINKS = "_live_status_links"


def remember_live_links(case: Case, links: list[LiveLink]) -> None:
    case.__dict__[_LIVE_LINKS] = links


def live_links_held(case: Case) -> list[LiveLink] | None:
    """The case's live links, oldest first, if read with it; None if not."""
    return case.__dict__.get(_LIVE_LINKS)


def forget_live_links(case: Case) -> None:
    case.__dict__.pop(_LIVE_LINKS, None)


@event.listens_for(Case, "expire")
@event.listens_for(Case, "refresh")
def _forget_live_links(case: Case | None, *args) -> None:
    if case is not None:  # None: the object was garbage-collected
        forget_live_links(case)
