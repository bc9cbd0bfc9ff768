"""Queries on cases and their rows. Every lookup is scoped by council, so another council's case
and a missing case take the same path (None, then 404)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, bindparam, delete, func, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from app.domain.search import case_terms, search_words
from app.extensions import db
from app.models import Case, CaseAgency, CaseSearchTerm, CaseTask, Deadline, ReferenceCounter, TaskStatus

# What a case shows and a run rewrites: its process version, joined to the case's row, and its
# COLLECTIONS. Not its agencies: only a run that asks agencies for information reads them
# (case_runs.add_agencies), and loads them then.
WHOLE_CASE = (joinedload(Case.process_version, innerjoin=True),)
COLLECTIONS = ("tasks", "deadlines", "milestones", "appeals")
# A task with its case, workflow included, in one query, for completing it (``with_collections``
# adds the rest).
TASK_WITH_CASE = joinedload(CaseTask.case, innerjoin=True).options(*WHOLE_CASE, undefer(Case.workflow))


def with_collections(case: Case | None) -> Case | None:
    """The case with its COLLECTIONS in place: one plain query each, in its relationship's order,
    set as loaded, and its history (plain rows, not mapped objects). selectinload issues the same
    queries at about twice the cost in Python, which shows in every request that reads a case
    (bench/bench_engine.py)."""
    if case is None:
        return None
    unloaded = inspect(case).unloaded
    for name in COLLECTIONS:
        if name in unloaded:
            rows = db.session.scalars(_collection_query(name), {"case_id": case.id})
            set_committed_value(case, name, list(rows))
    case.history  # noqa: B018  (read now, as plain rows: Case.history)
    return case


@cache
def _collection_query(name: str) -> Select:
    # Built once: building a statement and its cache key costs more than running it here.
    relationship = Case.__mapper__.relationships[name]
    model = relationship.mapper.class_
    return select(model).where(model.case_id == bindparam("case_id")).order_by(*relationship.order_by)


def get_case_in(case_id: int, council_ids: Iterable[str]) -> Case | None:
    return with_collections(
        db.session.scalar(
            select(Case)
            .where(Case.id == case_id, Case.council_id.in_(list(council_ids)))
            .options(*WHOLE_CASE)
        )
    )


def get_whole_case(case_id: int) -> Case:
    """A case with everything a run rewrites and a response shows, workflow included; no query
    for what the session holds already (a task loaded with its case to complete it)."""
    held = db.session.identity_map.get(identity_key(Case, case_id))
    if held is None or {"workflow", "process_version"} & inspect(held).unloaded:
        held = db.session.scalars(
            select(Case).where(Case.id == case_id).options(*WHOLE_CASE, undefer(Case.workflow))
        ).one()
    return with_collections(held)


def lock_whole_case(case_id: int) -> Case | None:
    """The case read afresh with everything ``get_whole_case`` reads; on PostgreSQL its row is
    locked until the transaction ends, so a change that reads it the same way waits its turn
    (on SQLite, which runs one writer at a time, the case's optimistic version catches a race)."""
    held = db.session.identity_map.get(identity_key(Case, case_id))
    if held is not None:
        db.session.expire(held)  # what this session read before the lock is not what it locks
    query = select(Case).where(Case.id == case_id).options(*WHOLE_CASE, undefer(Case.workflow))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Case)
    return with_collections(db.session.scalar(query))


def get_case_for_agency(case_id: int, council_ids: Iterable[str], agency: str) -> Case | None:
    """A case a partner agency was asked for information on."""
    return with_collections(
        db.session.scalar(
            select(Case)
            .join(CaseAgency, CaseAgency.case_id == Case.id)
            .where(Case.id == case_id, Case.council_id.in_(list(council_ids)), CaseAgency.agency == agency)
            .options(*WHOLE_CASE)
        )
    )


def cases_query(
    council_ids: Iterable[str],
    *,
    status: str | None = None,
    stage: str | None = None,
    overdue_on: date | None = None,
    agency: str | None = None,
    q: str | None = None,
    with_deadlines: bool = False,
) -> Select:
    """Cases of the councils, newest first; ``q`` keeps those whose reference, people's names,
    e-mail addresses or postcodes begin with each of its words (app/domain/search.py)."""
    council_ids = list(council_ids)
    query = select(Case).where(Case.council_id.in_(council_ids))
    for word in search_words(q or ""):
        query = query.where(Case.id.in_(_cases_with_term(council_ids, word)))
    if with_deadlines:
        query = query.options(selectinload(Case.deadlines))
    if agency is not None:
        query = query.join(CaseAgency, CaseAgency.case_id == Case.id).where(CaseAgency.agency == agency)
    if status:
        query = query.where(Case.status == status)
    if stage:
        query = query.where(Case.stage == stage)
    if overdue_on is not None:
        overdue = select(Deadline.case_id).where(Deadline.done_on.is_(None), Deadline.due_on < overdue_on)
        query = query.where(Case.status == "open", Case.id.in_(overdue))
    return query.order_by(Case.received_on.desc(), Case.id.desc())


# Above every character, so [word, word + _LAST) holds exactly the terms beginning with word.
_LAST = "\U0010ffff"


def _cases_with_term(council_ids: list[str], prefix: str) -> Select:
    """A range on the (council, term) index: the same plan on PostgreSQL and SQLite, unlike LIKE,
    which uses an index there only under particular collations."""
    return select(CaseSearchTerm.case_id).where(
        CaseSearchTerm.council_id.in_(council_ids),
        CaseSearchTerm.term >= prefix,
        CaseSearchTerm.term < prefix + _LAST,
    )


def index_case_for_search(case: Case) -> None:
    """(Re)write the terms a case is found by; call it whenever its application changes."""
    db.session.execute(delete(CaseSearchTerm).where(CaseSearchTerm.case_id == case.id))
    # An anonymised case is found by its reference alone: no name of it is left to find.
    application = {} if case.anonymised_at else case.application or {}
    db.session.add_all(
        CaseSearchTerm(case_id=case.id, council_id=case.council_id, term=term)
        for term in sorted(case_terms(case.reference, application))
    )


def page_of(query: Select, page: int, per_page: int) -> tuple[list, int]:
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return list(items), total or 0


def next_case_number(council_id: str, year: int) -> int:
    """Atomically take the next number of a council's year (INSERT ... ON CONFLICT ... RETURNING)."""
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(ReferenceCounter)
        .values(council_id=council_id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=[ReferenceCounter.council_id, ReferenceCounter.year],
            set_={"last_number": ReferenceCounter.last_number + 1},
        )
        .returning(ReferenceCounter.last_number)
    )
    return db.session.execute(statement).scalar_one()


def open_tasks_of(case_id: int) -> list[CaseTask]:
    return list(
        db.session.scalars(
            select(CaseTask)
            .where(CaseTask.case_id == case_id, CaseTask.status == TaskStatus.OPEN)
            .order_by(CaseTask.id)
        )
    )


def closed_cases_to_anonymise(council_id: str, closed_before: datetime) -> list[int]:
    """The ids of the council's closed cases, not anonymised yet, closed before the instant."""
    query = (
        select(Case.id)
        .where(
            Case.council_id == council_id,
            Case.status == "closed",
            Case.anonymised_at.is_(None),
            Case.closed_at < closed_before,
        )
        .order_by(Case.closed_at, Case.id)
    )
    return list(db.session.scalars(query))


def cases_with_timers_due(now: datetime, limit: int) -> list[int]:
    query = (
        select(Case.id)
        .where(Case.next_timer_at.is_not(None), Case.next_timer_at <= now, Case.status == "open")
        .order_by(Case.next_timer_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def lock_case_with_timer_due(case_id: int, now: datetime) -> Case | None:
    """The case, if its timer is still due; on PostgreSQL also locked, skipping a case another
    sweep holds. (SQLite has no row locks: the case's optimistic version makes the slower sweep fail.)"""
    query = (
        select(Case)
        .where(Case.id == case_id, Case.next_timer_at <= now, Case.status == "open")
        # What a timer run rewrites; history and milestones are only appended to, so not loaded.
        .options(
            joinedload(Case.process_version, innerjoin=True),
            selectinload(Case.tasks),
            selectinload(Case.deadlines),
            undefer(Case.workflow),
        )
    )
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=Case)
    return db.session.scalar(query)
