"""Process diagrams, their versions, and which version each council's new cases use."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime


class ProcessVersion(db.Model):
    """One saved version of a diagram. Versions are never changed once written."""

    __tablename__ = "process_version"
    __table_args__ = (UniqueConstraint("process_key", "number", name="uq_process_version_key_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    number: Mapped[int] = mapped_column(Integer)
    xml: Mapped[str] = mapped_column(Text, deferred=True)  # parsed once per checksum, then cached
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(500), default="")


class CouncilProcess(db.Model):
    """The version a council's new cases start on. Running cases keep the version they started with."""

    __tablename__ = "council_process"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), primary_key=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    activated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    version: Mapped[ProcessVersion] = relationship(lazy="selectin")


class ProcessAudit(db.Model):
    """Who changed a process and when: every version saved and every activation."""

    __tablename__ = "process_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(32))  # version_saved | activated
    process_key: Mapped[str] = mapped_column(String(100), index=True)
    version_number: Mapped[int] = mapped_column(Integer)
    council_id: Mapped[str | None] = mapped_column(ForeignKey("council.id"))
