"""The access log (issue 17): who saw or exported which case's personal data, when, and through
which route.

Written only through ``app.services.access_log`` (in batches, never by a commit of its own on the
request path), read by a case's managers and data protection staff, and pruned after
``ACCESS_LOG_RETENTION_DAYS``.

No foreign keys, on purpose: an entry may be written seconds after the request that made it, in
whatever transaction of the process commits next (``app.services.access_log``), and must never
make that transaction fail; and the log of who saw a case outlives its user accounts and stays
when a case's personal data is anonymised.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class AccessKind(StrEnum):
    VIEW = "view"  # a page, an API answer or a letter shown
    EXPORT = "export"  # a subject access export that included the case


class CaseAccess(db.Model):
    __tablename__ = "case_access"
    __table_args__ = (
        # A case's log, newest first; pruning by age uses ix_case_access_at.
        Index("ix_case_access_case_at", "case_id", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(Integer)
    council_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(254))  # the user's e-mail at the time
    # "GET /api/v1/cases/<int:case_id>": the method and the URL rule, never the path (a path may
    # carry a token) nor the query string (a search by name).
    route: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    # What on the case was seen, beyond the case itself: "task 12", "document 7"; "" for the case.
    target: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<CaseAccess case {self.case_id} {self.actor} {self.route}>"
