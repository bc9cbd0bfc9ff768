"""The access log (issue 17): every view or export of a case's personal data, by staff or partners.

``record_case_access`` is called wherever a case's personal data is handed to a reader: the case
(its page and the API, staff's and partners' views), a task (page and API), a letter (HTML and
PDF) and a subject access export. It runs no SQL, and writing the entry costs no transaction of
its own on the request path:

- The entry joins this process's pending entries.
- The next transaction any session of the process commits anyway writes every pending entry
  with the rows that transaction appends (app/models/appended.py: on PostgreSQL in the same
  statement as its history and letters): the entries of reads ride along with the next write of
  the process (a task completed, a web session's periodic touch, the timer loop of ``ctflow serve``).
- A request that commits nothing (most GETs) adds no commit and no round trip: once the oldest
  pending entry has waited ``ACCESS_LOG_FLUSH_SECONDS`` with nothing committed, or
  ``ACCESS_LOG_BATCH`` entries are pending, the process's writer thread writes them in one INSERT
  and one commit per batch, which no request waits for. A transaction that fails leaves its
  entries pending for the next; what is pending is written when the process exits.

The price: a process killed outright (SIGKILL, out of memory) loses the entries still pending,
those of its reads of at most the last ``ACCESS_LOG_FLUSH_SECONDS``. Reading a case's log shows
this process's pending entries with the written ones.

The log keeps ``ACCESS_LOG_RETENTION_DAYS`` (``CTFLOW_ACCESS_LOG_RETENTION_DAYS``, default 730):
``prune`` removes older entries; the worker runs it daily, ``ctflow access-log prune`` on demand.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import delete, event, func, insert, select
from sqlalchemy.orm import Session, SessionTransaction

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.extensions import db
from app.models import AccessKind, Case, CaseAccess, CaseTask, Document, Role, User, appended
from app.services import scheduled_jobs
from app.services.cases import CaseForbidden, visible_case

logger = logging.getLogger(__name__)

# Who may read a case's log: its council's managers and data protection staff.
READER_ROLES = {Role.COMMUNITY_SAFETY_MANAGER, Role.DATA_PROTECTION}
# The worker's daily claim of the pruning (app/services/scheduled_jobs.py).
PRUNE_JOB = "access_log_prune"

_EXTENSION = "ctflow.access_log"
# What a committing session took from the pending entries, until its transaction ends.
_TAKEN = "ctflow.access_taken"


class AccessItem(NamedTuple):
    """One entry of a case's log as it is shown."""

    at: datetime
    actor: str
    route: str
    kind: str
    target: str


class AccessLogForbidden(CaseForbidden):
    """The user sees the case but may not read its log."""


class PendingAccess:
    """One process's entries not written yet, for one app, and its writer thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._condition = threading.Condition()
        self._entries: list[dict[str, Any]] = []
        self._oldest = 0.0  # time.monotonic() of the oldest pending entry
        self._writer_pid: int | None = None

    @property
    def flush_seconds(self) -> float:
        return float(self.app.config["ACCESS_LOG_FLUSH_SECONDS"])

    def add(self, entry: dict[str, Any]) -> None:
        with self._condition:
            if not self._entries:
                self._oldest = time.monotonic()
            self._entries.append(entry)
            # The writer sleeps until there is something to write, then until it is due.
            if len(self._entries) in (1, self.app.config["ACCESS_LOG_BATCH"]):
                self._condition.notify()
        if self.app.config["ACCESS_LOG_WRITER"] and self._writer_pid != os.getpid():
            self._start_writer()

    def take(self) -> list[dict[str, Any]]:
        with self._condition:
            taken, self._entries = self._entries, []
            return taken

    def put_back(self, entries: list[dict[str, Any]]) -> None:
        with self._condition:
            if not self._entries:
                self._oldest = time.monotonic()
            self._entries[:0] = entries
            self._condition.notify()

    def of_case(self, case_id: int) -> list[dict[str, Any]]:
        with self._condition:
            return [e for e in self._entries if e["case_id"] == case_id]

    def _start_writer(self) -> None:
        # Started by the first entry of each process (after gunicorn's fork, each worker its own),
        # never at import or in create_app: a process that shows no case runs no thread.
        with self._condition:
            if self._writer_pid == os.getpid():
                return
            self._writer_pid = os.getpid()
        threading.Thread(target=self._write_when_due, name="ctflow-access-log", daemon=True).start()
        atexit.register(self._write_at_exit)

    def _seconds_until_due(self) -> float | None:
        """None: nothing pending; 0: due now."""
        if not self._entries:
            return None
        if len(self._entries) >= self.app.config["ACCESS_LOG_BATCH"]:
            return 0.0
        return max(0.0, self._oldest + self.flush_seconds - time.monotonic())

    def _write_when_due(self) -> None:
        while True:
            with self._condition:
                while (wait := self._seconds_until_due()) != 0.0:
                    self._condition.wait(wait)
            try:
                write_pending(self.app)
            except Exception:  # the entries stay pending; the next try is a flush period away
                logger.exception("the access log's pending entries could not be written")
                time.sleep(self.flush_seconds)

    def _write_at_exit(self) -> None:
        write_pending_at_exit(self.app)


def pending_access(app: Flask | None = None) -> PendingAccess:
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    pending = app.extensions.get(_EXTENSION)
    if pending is None:
        pending = app.extensions.setdefault(_EXTENSION, PendingAccess(app))
    return pending


def record_case_access(
    user: User, case_id: int, council_id: str, *, kind: AccessKind = AccessKind.VIEW, target: str = ""
) -> None:
    """Log that ``user`` was shown (or exported) the personal data of a case, through the route of
    the current request. Once per case and target in a request, however often it is asked."""
    route = f"{request.method} {request.url_rule.rule}" if has_request_context() and request.url_rule else "-"
    if has_request_context():
        seen = g.setdefault("access_logged", set())
        if (case_id, kind, target) in seen:
            return
        seen.add((case_id, kind, target))
    pending_access().add(
        {
            "case_id": case_id,
            "council_id": council_id,
            "at": clock.now(),
            "user_id": user.id,
            "actor": user.email,
            "route": route[:255],
            "kind": str(kind),
            "target": target,
        }
    )


def record_task_access(user: User, task: CaseTask) -> None:
    record_case_access(user, task.case_id, task.council_id, target=f"task {task.id}")


def record_document_access(user: User, document: Document) -> None:
    record_case_access(user, document.case_id, document.council_id, target=f"document {document.id}")


def write_pending(app: Flask | None = None) -> int:
    """Write this process's pending entries now, in a transaction of their own: the writer thread,
    the process's exit, and tests. Returns how many."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    pending = pending_access(app)
    taken = pending.take()
    if not taken:
        return 0
    try:
        with app.app_context(), db.engine.begin() as connection:
            connection.execute(insert(CaseAccess.__table__), taken)
    except Exception:
        pending.put_back(taken)
        raise
    return len(taken)


def write_pending_at_exit(app: Flask) -> None:
    """The process is ending (atexit, gunicorn's worker_exit): write what is pending, or say what is lost."""
    try:
        write_pending(app)
    except Exception:
        logger.exception("the access log's pending entries could not be written at exit")


def discard_pending(app: Flask) -> None:
    """Forget this process's pending entries (tests, between two of them: their tables are emptied)."""
    pending_access(app).take()


@appended.before_commit_write
def _write_with_the_commit(session: Session) -> None:
    """The pending entries join the rows the committing transaction appends (one statement with
    them on PostgreSQL: app/models/appended.py)."""
    if not has_app_context():
        return
    pending = current_app.extensions.get(_EXTENSION)
    taken = pending.take() if pending is not None else None
    if taken:
        session.info.setdefault(_TAKEN, []).extend(taken)
        appended.append_rows(session, CaseAccess.__table__, taken)


@event.listens_for(Session, "after_commit")
def _written(session: Session) -> None:
    session.info.pop(_TAKEN, None)


@event.listens_for(Session, "after_transaction_end")
def _not_written(session: Session, ended: SessionTransaction) -> None:
    """A transaction that took entries and did not commit leaves them pending again."""
    if ended.parent is None and _TAKEN in session.info and has_app_context():
        pending = current_app.extensions.get(_EXTENSION)
        taken = session.info.pop(_TAKEN)
        if pending is not None:
            pending.put_back(taken)


def readable_case(user: User, case_id: int) -> Case:
    """The case whose log ``user`` asks for: CaseNotFound when they may not see the case (another
    council's, or a partner's case it was not asked about), AccessLogForbidden when they see it
    without a manager's or data protection role at its council."""
    case = db.session.get(Case, case_id)
    if case is not None and user.roles_in(case.council_id) & READER_ROLES:
        return case
    visible_case(user, case_id)  # raises CaseNotFound
    raise AccessLogForbidden(
        "Only the council's community safety managers and data protection staff see who viewed a case."
    )


def may_read(user: User, case: Case) -> bool:
    return bool(user.roles_in(case.council_id) & READER_ROLES)


_COLUMNS = (CaseAccess.at, CaseAccess.actor, CaseAccess.route, CaseAccess.kind, CaseAccess.target)


def entries_of_case(case_id: int, page: int, per_page: int) -> tuple[list[AccessItem], int]:
    """A page of a case's log, newest first, and its total: the written entries and this
    process's pending ones (the newest)."""
    pending = sorted(pending_access().of_case(case_id), key=lambda e: e["at"], reverse=True)
    written = db.session.scalar(select(func.count()).where(CaseAccess.case_id == case_id)) or 0
    start = (page - 1) * per_page
    items = [AccessItem(*(e[c.key] for c in _COLUMNS)) for e in pending[start : start + per_page]]
    if len(items) < per_page:
        rows = db.session.execute(
            select(*_COLUMNS)
            .where(CaseAccess.case_id == case_id)
            .order_by(CaseAccess.at.desc(), CaseAccess.id.desc())
            .offset(max(0, start - len(pending)))
            .limit(per_page - len(items))
        )
        items += [AccessItem(*row) for row in rows]
    return items, written + len(pending)


def retention_days() -> int:
    return int(current_app.config["ACCESS_LOG_RETENTION_DAYS"])


def retention_cutoff(now: datetime) -> datetime:
    return now - timedelta(days=retention_days())


def prune(now: datetime | None = None) -> int:
    """Remove the entries older than the log's retention period; commits. Returns how many."""
    cutoff = retention_cutoff(now or clock.now())
    removed = db.session.execute(delete(CaseAccess).where(CaseAccess.at < cutoff)).rowcount
    db.session.commit()
    return removed or 0


def prune_daily(now: datetime | None = None) -> int | None:
    """The worker's pass: ``prune`` once a day, by whichever worker claims the day's run (as the
    retention run is claimed: app/services/scheduled_jobs.py); None when another has it or it is
    done today."""
    instant = now or clock.now()
    today = instant.astimezone(LOCAL_TIMEZONE).date()
    if not scheduled_jobs.claim_daily(PRUNE_JOB, today, instant):
        return None
    removed = prune(instant)
    scheduled_jobs.finish_daily(PRUNE_JOB, today)
    return removed
