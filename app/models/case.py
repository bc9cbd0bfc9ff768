"""A case: its workflow (serialized SpiffWorkflow state) and the rows the product queries.

Tasks, deadlines, milestones, history and agencies are written from the workflow after every
step, in the same transaction, so the inbox and the reports never deserialize a workflow.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    Index,
    Integer,
    Select,
    String,
    Text,
    UniqueConstraint,
    bindparam,
    event,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.search import TERM_LENGTH
from app.extensions import db
from app.models import appended
from app.models.types import UTCDateTime


class CaseStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class TaskStatus(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Case(db.Model):
    __tablename__ = "case_file"  # "case" is an SQL keyword
    # The ctflow_cases metric counts cases by council and stage at every scrape: from this index
    # alone (an index-only scan on PostgreSQL), not the table; it serves lookups by council too.
    __table_args__ = (Index("ix_case_file_council_stage", "council_id", "stage"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"))
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    process_version_id: Mapped[int] = mapped_column(ForeignKey("process_version.id"))
    status: Mapped[str] = mapped_column(String(16), default=CaseStatus.OPEN, index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    # When the statutory clock started: receipt, or the day the victim's consent was recorded
    # where the council counts its limits from the completed application (RULES.md §3).
    clock_started_on: Mapped[date | None] = mapped_column(Date)
    # The council's settings version in force at receipt (app/services/council_settings.py): the
    # policy the case is evaluated under. None: opened before settings were versioned.
    settings_version: Mapped[int | None] = mapped_column(Integer)
    application: Mapped[dict[str, Any]] = mapped_column(JSON)
    # Deferred: only running the case needs it, not listing or showing it.
    workflow: Mapped[str] = mapped_column(Text, deferred=True)
    threshold: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The review's actions and how each stands (app/domain/actions.py); null until a review.
    action_plan: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    # When the workflow's earliest timer is due; the sweep looks only at cases due by now.
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When its personal data was replaced (app/services/anonymise.py); None: never. Its dates,
    # deadlines, milestones and figures stay, so the reports count it as before.
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    # A write that raced another one fails with StaleDataError instead of overwriting it.
    __mapper_args__ = {"version_id_col": version}

    process_version = relationship("ProcessVersion")
    tasks: Mapped[list[CaseTask]] = relationship(back_populates="case", order_by="CaseTask.id")
    deadlines: Mapped[list[Deadline]] = relationship(order_by="(Deadline.due_on, Deadline.id)")
    # Only ever appended to, and written in bulk (app/models/appended.py), never by the unit of
    # work: a milestone appended here is shown, not saved.
    milestones: Mapped[list[Milestone]] = relationship(order_by="(Milestone.on, Milestone.id)", viewonly=True)
    agencies: Mapped[list[CaseAgency]] = relationship(order_by="CaseAgency.agency")
    appeals: Mapped[list[Appeal]] = relationship(order_by="Appeal.id")
    restrictions: Mapped[list[CaseRestriction]] = relationship(order_by="CaseRestriction.id")

    @property
    def history(self) -> list[HistoryItem]:
        """The case's history, oldest first, as plain rows rather than mapped objects: it is only
        ever appended to, and an old case's runs to hundreds of entries, which as ORM rows cost
        more to load than the rest of the case (bench/bench_case.py). Read once per case object
        (app/store/cases.py loads it with the case's collections); forgotten whenever the case's
        attributes expire (a rollback), so it never outlives what the database holds."""
        loaded = self.__dict__.get(_HISTORY)
        if loaded is None:
            loaded = self.__dict__[_HISTORY] = history_of(self.id) if self.id is not None else []
        return loaded


class CaseTask(db.Model):
    """A user task of a case, as the inbox sees it."""

    __tablename__ = "case_task"
    __table_args__ = (
        UniqueConstraint("case_id", "spiff_id", name="uq_case_task_case_spiff"),
        # The inbox: open tasks of a council, by role, soonest due first.
        Index("ix_case_task_inbox", "council_id", "status", "role", "due_on"),
        Index("ix_case_task_assignee", "assignee_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"))
    spiff_id: Mapped[str] = mapped_column(String(36))
    element: Mapped[str] = mapped_column(String(100))
    form_key: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(32))  # partner tasks: the agency asked
    stage: Mapped[str] = mapped_column(String(32))
    deadline: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default=TaskStatus.OPEN)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    due_on: Mapped[date | None] = mapped_column(Date)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Whom the escalation reached: the role it named (its holders at the council) and, for an
    # overdue action, the owning agency (its partner managers).
    escalated_to: Mapped[str | None] = mapped_column(String(40))
    escalated_agency: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[Case] = relationship(back_populates="tasks")
    assignee = relationship("User", foreign_keys=[assignee_id])


class CaseSearchTerm(db.Model):
    """A word staff find the case by (app/domain/search.py), lower-case. The (council, term) index
    serves prefix searches as ranges; byte order on PostgreSQL makes a prefix one range there as
    on SQLite, whatever the database's locale."""

    __tablename__ = "case_search_term"
    __table_args__ = (Index("ix_case_search_term_council_term", "council_id", "term"),)

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    term: Mapped[str] = mapped_column(
        String(TERM_LENGTH).with_variant(String(TERM_LENGTH, collation="C"), "postgresql"), primary_key=True
    )
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"))


class Deadline(db.Model):
    __tablename__ = "deadline"
    __table_args__ = (UniqueConstraint("case_id", "key", name="uq_deadline_case_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    done_on: Mapped[date | None] = mapped_column(Date)


class Milestone(db.Model):
    __tablename__ = "milestone"
    __table_args__ = (Index("ix_milestone_report", "council_id", "key", "on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"))
    key: Mapped[str] = mapped_column(String(64))
    on: Mapped[date] = mapped_column(Date)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    element: Mapped[str] = mapped_column(String(100))


class HistoryEntry(db.Model):
    __tablename__ = "history_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(254))
    event: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


class HistoryItem(NamedTuple):
    """One entry of a case's history as the case shows it (``Case.history``)."""

    at: datetime
    actor: str
    event: str
    detail: str


# Where a case object keeps its history once read (not a mapped attribute).
_HISTORY = "_history_items"
_HISTORY_COLUMNS = (HistoryEntry.at, HistoryEntry.actor, HistoryEntry.event, HistoryEntry.detail)


@cache
def _history_query() -> Select:
    # Built once: building a statement and its cache key costs more than running it on SQLite.
    return (
        select(*_HISTORY_COLUMNS)
        .where(HistoryEntry.case_id == bindparam("case_id"))
        .order_by(HistoryEntry.id)
    )


def history_of(case_id: int) -> list:
    """A case's history, oldest first: one plain query, and what this transaction added and has
    not written yet."""
    # The rows as they come (named tuples, as HistoryItem is), not converted one by one.
    return _with_unwritten(case_id, list(db.session.execute(_history_query(), {"case_id": case_id})))


def remember_history(case: Case, written: list) -> None:
    """The case's history as a query that read the case with it found it written (oldest first),
    unless the case holds its history already."""
    if _HISTORY not in case.__dict__:
        case.__dict__[_HISTORY] = _with_unwritten(case.id, written)


def _with_unwritten(case_id: int, written: list) -> list:
    history = HistoryEntry.__table__
    return written + [
        HistoryItem(r["at"], r["actor"], r["event"], r["detail"])
        for _t, table, r in appended.queued()
        if table is history and r["case_id"] == case_id
    ]


def add_history_entry(case: Case, item: HistoryItem) -> None:
    """Append an entry to a case's history in the current transaction, written with the other
    entries the transaction adds in one INSERT of many rows (app/models/appended.py): a
    completion adds four. The case's history, if it has been read, is kept in step."""
    appended.append_row(HistoryEntry.__table__, {"case_id": case.id, **item._asdict()})
    loaded = case.__dict__.get(_HISTORY)
    if loaded is not None:
        loaded.append(item)


def forget_loaded_history(case: Case) -> None:
    """Read the case's history again next time (after entries were changed in the database)."""
    case.__dict__.pop(_HISTORY, None)


@event.listens_for(Case, "expire")
@event.listens_for(Case, "refresh")
def _forget_history(case: Case | None, *args) -> None:
    if case is not None:  # None: the object was garbage-collected (a rollback expires what it held)
        case.__dict__.pop(_HISTORY, None)


class CaseAgency(db.Model):
    """An agency asked for information on a case; its partner users may see the case."""

    __tablename__ = "case_agency"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    agency: Mapped[str] = mapped_column(String(32), primary_key=True)


class Appeal(db.Model):
    __tablename__ = "appeal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # review_request (of "not met") | appeal (of the outcome)
    received_on: Mapped[date] = mapped_column(Date)
    grounds: Mapped[str] = mapped_column(Text)
    lodged_at: Mapped[datetime] = mapped_column(UTCDateTime())
    lodged_by: Mapped[str] = mapped_column(String(254))
    decided_on: Mapped[date | None] = mapped_column(Date)
    upheld: Mapped[bool | None] = mapped_column()
    reasons: Mapped[str | None] = mapped_column(Text)


class CaseRestriction(db.Model):
    """A person's data restricted on a case (UK GDPR Art. 18), at a data protection officer's
    request: only the case's officers and managers see it (app/services/restrictions.py). Lifting
    it keeps the row, with who lifted it and why."""

    __tablename__ = "case_restriction"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    # Whose data: "applicant", or "victim-N" (the N-th of the application's victims, from 1).
    person: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    restricted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    restricted_by: Mapped[str] = mapped_column(String(254))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    lifted_by: Mapped[str | None] = mapped_column(String(254))
    lift_reason: Mapped[str | None] = mapped_column(Text)


class ReferenceCounter(db.Model):
    """The last case number given out per council and year (DER-2026-0017)."""

    __tablename__ = "reference_counter"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer, default=0)


# What a run rewrites: on PostgreSQL its changes and new rows are written in one statement with
# the rows the transaction appends (app/models/appended.py), not one UPDATE or INSERT each.
appended.write_with_appended(Case, CaseTask, Deadline)
