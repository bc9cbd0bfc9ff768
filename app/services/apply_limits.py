"""Limits per source address on the public form: how many applications one address may start
(drafts) and send (cases) in a sliding window.

Every case sent opens statutory deadlines for the council and its partners, and every draft is
a row on the server, so one client must not be able to open them without end (issue 13). The
limits are generous for a household, a support worker or a library's shared connection:
``APPLY_CASES_PER_SOURCE`` and ``APPLY_DRAFTS_PER_SOURCE`` in ``app.config``. The address is the
client's network as sign-in throttles it (``app.services.throttle.client_network``: an IPv6
/64 counts as one). Unlike sign-in's fixed window, the window here slides: a burst at the end
of one window and the start of the next cannot double the limit.

The window is a log of the last hits per address and kind, one row each (``ApplySource``). A
hit locks that row (PostgreSQL: ``SELECT ... FOR UPDATE`` after an insert that does nothing
when the row exists; SQLite: the insert takes the database's write lock first), then prunes,
counts and appends in the same transaction, so concurrent requests from several processes
cannot get past the count.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError

from app import clock
from app.extensions import db
from app.models import ApplySource

DRAFT = "draft"
CASE = "case"
_SETTINGS = {DRAFT: "APPLY_DRAFTS_PER_SOURCE", CASE: "APPLY_CASES_PER_SOURCE"}


@dataclass(frozen=True)
class Refused:
    """A hit past the limit: how many were allowed in how long, and when the next one is."""

    kind: str
    limit: int
    window_seconds: int
    retry_after_seconds: int


def _source_hash(address: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, b"apply source " + address.encode("utf-8"), hashlib.sha256).hexdigest()


def _lock_row(source_hash: str, kind: str, now: datetime) -> ApplySource:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(ApplySource)
        .values(source_hash=source_hash, kind=kind, hits=[], last_at=now)
        .on_conflict_do_nothing()
    )
    query = select(ApplySource).filter_by(source_hash=source_hash, kind=kind).with_for_update()
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def take(address: str | None, kind: str, now: datetime | None = None) -> Refused | None:
    """Count one hit of ``kind`` from ``address``; a ``Refused`` (and nothing counted) when the
    address has had its limit inside the window. Commits, in a transaction of its own: the
    caller's pending changes are committed first."""
    limit, window_seconds = current_app.config[_SETTINGS[kind]]
    db.session.commit()  # SQLite: a read begun earlier would hold a snapshot the write cannot use
    now = now or clock.now()
    now_seconds = now.timestamp()
    row = _lock_row(_source_hash(address or "unknown"), kind, now)
    hits = [t for t in row.hits if t > now_seconds - window_seconds]
    if len(hits) >= limit:
        db.session.rollback()
        retry = math.ceil(hits[0] + window_seconds - now_seconds)
        return Refused(kind, limit, window_seconds, max(retry, 1))
    row.hits, row.last_at = [*hits, now_seconds], now
    db.session.commit()
    _forget_quiet_addresses(now)
    return None


def _forget_quiet_addresses(now: datetime) -> None:
    longest = max(current_app.config[setting][1] for setting in _SETTINGS.values())
    try:
        db.session.execute(delete(ApplySource).where(ApplySource.last_at < now - timedelta(seconds=longest)))
        db.session.commit()
    except DBAPIError:  # another request pruning the same rows: they will go next time
        db.session.rollback()
