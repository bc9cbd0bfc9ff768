"""The audit list of a council (issue 16): who changed which setting, person or role, when and why.

``record`` is how every service writes an entry: it adds the row to the current session and the
caller commits it together with the change it describes, so an entry exists exactly when its
change does. ``entries`` reads a council's list, newest first, filtered; ``readable_council``
says who may read it (the council's administrators and community safety managers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, or_, select

from app import clock
from app.extensions import db
from app.models import AuditEntry, Role, User
from app.models.user import normalise_email
from app.services import councils

READ_ROLES = {Role.ADMIN, Role.COMMUNITY_SAFETY_MANAGER}
# Actors that are not people: the command line, and the app itself (timers, seeding).
SYSTEM_ACTORS = ("system", "cli")


class AuditNotFound(Exception):
    """No such council among the caller's (never revealed to exist)."""


class AuditForbidden(Exception):
    pass


def record(
    *,
    council_id: str | None,
    actor: str,
    action: str,
    subject: str,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Add an entry to the session; the caller's commit writes it with the change it records."""
    entry = AuditEntry(
        council_id=council_id,
        at=clock.now(),
        actor=actor if actor in SYSTEM_ACTORS else normalise_email(actor),
        action=action,
        subject=subject,
        reason=reason,
        details=details,
    )
    db.session.add(entry)
    return entry


def may_read(user: User, council_id: str) -> bool:
    return councils.reads(user, council_id, READ_ROLES)


def readable_council(user: User, council_id: str) -> str:
    """The council id if ``user`` may read its audit list (its administrators, app/services/councils.py,
    and its managers); AuditNotFound when it is not theirs (or does not exist), AuditForbidden
    when they hold no admin or manager role there."""
    if councils.reachable_council(user, council_id) is None:
        raise AuditNotFound(council_id)
    if not may_read(user, council_id):
        raise AuditForbidden("Only the council's admins and community safety managers see its audit list.")
    return council_id


def readable_councils(user: User) -> list[str]:
    """The councils whose audit list ``user`` may read, by name."""
    return [c.id for c in councils.reachable_councils(user) if may_read(user, c.id)]


@dataclass(frozen=True)
class AuditFilters:
    """What a list is narrowed to. ``action``: an action ("settings.changed") or a dotted prefix
    of actions ("settings"); ``since``/``until``: days in England and Wales, both included."""

    action: str | None = None
    actor: str | None = None
    since: date | None = None
    until: date | None = None


def entries(
    council_id: str, filters: AuditFilters = AuditFilters(), *, page: int = 1, per_page: int = 25
) -> tuple[list[AuditEntry], int]:
    """A page of the council's entries, newest first, and how many match in all."""
    from app.store.cases import page_of

    query = _filtered(select(AuditEntry).where(AuditEntry.council_id == council_id), filters)
    return page_of(query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()), page, per_page)


def actions_of(council_id: str) -> list[str]:
    """The actions the council's list holds, for a filter's choices."""
    return list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.council_id == council_id)
            .distinct()
            .order_by(AuditEntry.action)
        )
    )


def _filtered(query: Select, filters: AuditFilters) -> Select:
    if filters.action:
        query = query.where(
            or_(
                AuditEntry.action == filters.action,
                AuditEntry.action.startswith(f"{filters.action}.", autoescape=True),
            )
        )
    if filters.actor:
        actor = filters.actor if filters.actor in SYSTEM_ACTORS else normalise_email(filters.actor)
        query = query.where(AuditEntry.actor == actor)
    if filters.since:
        query = query.where(AuditEntry.at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEntry.at < _start_of(filters.until + timedelta(days=1)))
    return query


def _start_of(day: date) -> datetime:
    """The instant a day begins in England and Wales."""
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TIMEZONE)
