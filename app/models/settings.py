"""A council's settings, kept as numbered versions (issue 16).

Each version holds the sections it changed (``changes``: section -> value, in the shape of
``app.councils.SettingsSchema``) and the day they apply from; what applies on a day is the
sections of every version effective by then, folded in number order
(``app.services.council_settings``). Versions are never changed once written.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class CouncilSettingsVersion(db.Model):
    __tablename__ = "council_settings_version"
    __table_args__ = (UniqueConstraint("council_id", "number", name="uq_council_settings_version_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(254))  # an e-mail address, or "cli"
    reason: Mapped[str] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)

    def __repr__(self) -> str:
        return f"<CouncilSettingsVersion {self.council_id} {self.number}>"
