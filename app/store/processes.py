"""Queries on process versions and which version each council uses."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import CouncilProcess, ProcessAudit, ProcessVersion


def get_version(version_id: int) -> ProcessVersion | None:
    return db.session.get(ProcessVersion, version_id)


def get_version_by_number(process_key: str, number: int) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion).where(
            ProcessVersion.process_key == process_key, ProcessVersion.number == number
        )
    )


def latest_version(process_key: str) -> ProcessVersion | None:
    return db.session.scalar(
        select(ProcessVersion)
        .where(ProcessVersion.process_key == process_key)
        .order_by(ProcessVersion.number.desc())
    )


def next_version_number(process_key: str) -> int:
    current = db.session.scalar(
        select(func.max(ProcessVersion.number)).where(ProcessVersion.process_key == process_key)
    )
    return (current or 0) + 1


def active_version_for(council_id: str) -> ProcessVersion | None:
    binding = db.session.get(CouncilProcess, council_id)
    return binding.version if binding else None


def active_versions(council_ids: list[str]) -> dict[str, ProcessVersion]:
    rows = db.session.scalars(select(CouncilProcess).where(CouncilProcess.council_id.in_(council_ids)))
    return {row.council_id: row.version for row in rows}


def versions_of(process_key: str) -> list[ProcessVersion]:
    return list(
        db.session.scalars(
            select(ProcessVersion)
            .where(ProcessVersion.process_key == process_key)
            .order_by(ProcessVersion.number)
        )
    )


def audit_of(process_key: str) -> list[ProcessAudit]:
    return list(
        db.session.scalars(
            select(ProcessAudit).where(ProcessAudit.process_key == process_key).order_by(ProcessAudit.id)
        )
    )
