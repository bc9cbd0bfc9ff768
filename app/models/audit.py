"""One audit list per council (issue 16): every change to its settings, people and roles.

Written only through ``app.services.audit.record`` so that every entry has the same shape; the
diagram history (saved versions, activations) stays in ``process_audit``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class AuditEntry(db.Model):
    __tablename__ = "council_audit"
    __table_args__ = (Index("ix_council_audit_council_at", "council_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: a service-wide event (a council created, a user of no council yet).
    council_id: Mapped[str | None] = mapped_column(ForeignKey("council.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(254))  # an e-mail, or "system" / "cli"
    action: Mapped[str] = mapped_column(String(64))  # dotted: "settings.changed", "user.invited"
    subject: Mapped[str] = mapped_column(String(254))  # what changed: a settings section, an e-mail
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # e.g. {"before": ..., "after": ...}

    def __repr__(self) -> str:
        return f"<AuditEntry {self.council_id} {self.action} {self.subject}>"
