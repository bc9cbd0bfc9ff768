"""Queries on cases and their rows. Every lookup is scoped by council, so another council's case
and a missing case take the same path (None, then 404)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import cache

from sqlalchemy import (
    JSON,
    Column,
    ColumnElement,
    Integer,
    Select,
    bindparam,
    cast,
    delete,
    func,
    inspect,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import NoResultFound
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.functions import FunctionElement

from app.domain.search import case_terms, search_words
from app.extensions import db
from app.models import (
    Appeal,
    Case,
    CaseAgency,
    CaseRestriction,
    CaseSearchTerm,
    CaseTask,
    Council,
    Deadline,
    HistoryEntry,
    Milestone,
    ProcessVersion,
    ReferenceCounter,
    StatusLink,
    TaskStatus,
)
from app.models.case import HistoryItem, remember_history
from app.models.status_link import LiveLink, remember_live_links
from app.store import councils as council_store

# What a case shows and a run rewrites, besides its row and its process version: its
# COLLECTIONS and its history. Not its agencies: only a run that asks agencies for information
# reads them (case_runs.add_agencies), and loads them then.
COLLECTIONS = ("tasks", "deadlines", "milestones", "appeals", "restrictions")
_COLLECTION_MODELS = (CaseTask, Deadline, Milestone, Appeal, CaseRestriction)
# A whole-case query's rows: (part, case, process version, one entity per collection, the
# history, the council row's columns); part 0 is the case's row with its history and its
# council's row, 1 to 5 a row of a collection, and the other parts' columns are NULL.
_HISTORY = 3 + len(COLLECTIONS)
_LIVE_LINKS = _HISTORY + 1
_COUNCIL_FIELDS = slice(_LIVE_LINKS + 1, None)


class _json_rows(FunctionElement):
    """An aggregate: the rows of its columns as one JSON array of arrays."""

    type = JSON()
    name = "json_rows"
    inherit_cache = True


@compiles(_json_rows, "postgresql")
def _json_rows_postgresql(element, compiler, **kw) -> str:
    return f"json_agg(json_build_array({compiler.process(element.clauses, **kw)}))"


@compiles(_json_rows, "sqlite")
def _json_rows_sqlite(element, compiler, **kw) -> str:
    return f"json_group_array(json_array({compiler.process(element.clauses, **kw)}))"


def _history_items(rows: list | None) -> list[HistoryItem]:
    """The history from its JSON rows (id, at, actor, event, detail), oldest first: the instants
    as UTCDateTime reads them (SQLite's are naive text, PostgreSQL's carry their offset)."""
    items = []
    for _id, at, actor, event, detail in sorted(rows or ()):
        instant = datetime.fromisoformat(at)
        instant = instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
        items.append(HistoryItem(instant, actor, event, detail))
    return items


def _case_id_of(anchor: str) -> ColumnElement[int]:
    """The id of the case a whole-case query reads, from its parameters: ``case`` the case's id;
    ``case_in`` the case's id if of one of ``council_ids``; ``case_for_agency`` the same, if
    ``agency`` was asked for information on it; ``task_in`` the case of task ``task_id`` if of
    one of ``council_ids``."""
    if anchor == "case":
        return bindparam("case_id", type_=Integer)
    councils = bindparam("council_ids", expanding=True)
    if anchor == "task_in":
        # The task by its primary key, then its case by its own, the council checked on the
        # case's row (with the council checked on the task's row, a generic plan may walk every
        # task of the council through the inbox index).
        task_case = select(CaseTask.case_id).where(CaseTask.id == bindparam("task_id")).scalar_subquery()
        query = select(Case.id).where(Case.id == task_case, Case.council_id.in_(councils))
    else:
        query = select(Case.id).where(Case.id == bindparam("case_id"), Case.council_id.in_(councils))
        if anchor == "case_for_agency":
            query = query.join(CaseAgency, CaseAgency.case_id == Case.id).where(
                CaseAgency.agency == bindparam("agency")
            )
    # Found once, in a WITH query the parts read: where the planner's statistics are thin (a new
    # or unanalysed table) it may look the case up through the council's index rather than the
    # primary key, and it would do so in every part.
    anchor_row = query.cte("anchor")
    return select(anchor_row.c.id).scalar_subquery()


def _loaded_columns(model, undeferred: tuple[str, ...] = ()) -> list[ColumnElement]:
    """The columns the ORM loads of ``model``, with the deferred ones named."""
    return [p.columns[0] for p in model.__mapper__.column_attrs if not p.deferred or p.key in undeferred]


@cache
def _whole_case_query(anchor: str, workflow: bool) -> Select:
    """A case with its process version, its COLLECTIONS, its history, its live status links and
    its council's row (the settings a run or a letter reads: app/store/councils.py), in ONE
    statement: a UNION ALL of one SELECT per part, each on its own index, the other parts' columns
    NULL, mapped to the models through aliases of the union. One round trip instead of nine, and half the work in Python of
    as many ORM queries (bench/bench_engine.py). Built once per shape: building it costs more than
    running it."""
    case_id = _case_id_of(anchor)
    history = HistoryEntry.__table__
    # The history as one value of the case's row: an old case's hundreds of entries as rows of
    # the union cost more to read than the rest of the case (bench/bench_case.py).
    history_rows = (
        select(_json_rows(*(history.c[name] for name in ("id", *HistoryItem._fields))))
        .where(history.c.case_id == Case.id)
        .scalar_subquery()
        .label("history")
    )
    # Its live status links, as one value too (what an acknowledgement letter's link is worked
    # out from: app/services/status_links.py).
    links = StatusLink.__table__
    link_rows = (
        select(_json_rows(*(links.c[name] for name in ("id", *LiveLink._fields))))
        .where(links.c.case_id == Case.id, links.c.revoked_at.is_(None))
        .scalar_subquery()
        .label("live_links")
    )
    extras = [history_rows, link_rows, *council_store.row_columns(Case.council_id)]
    parts = [  # (FROM, columns, which rows), in part order
        (
            council_store.row_from(
                Case.__table__.join(ProcessVersion.__table__).join(Council, Council.id == Case.council_id)
            ),
            [
                *_loaded_columns(Case, ("workflow",) if workflow else ()),
                *_loaded_columns(ProcessVersion),
                *extras,
            ],
            Case.id == case_id,
        ),
        *((m.__table__, _loaded_columns(m), m.case_id == case_id) for m in _COLLECTION_MODELS),
    ]
    # Named by table as well as column: the parts share column names (id, case_id, ...); the
    # history and the council's by their place (subqueries among them).
    extra_names = [f"case_extra_{n}" for n in range(len(extras))]
    named = [
        [(_name_in_union(c), c) for c in columns[: len(columns) - (len(extras) if n == 0 else 0)]]
        for n, (_from, columns, _where) in enumerate(parts)
    ]
    named[0] += list(zip(extra_names, extras, strict=True))
    branches = [
        select(
            literal_column(str(n), Integer).label("part"),
            *(
                column.label(name) if m == n else cast(null(), column.type).label(name)
                for m, columns in enumerate(named)
                for name, column in columns
            ),
        )
        .select_from(from_)
        .where(where)
        for n, (from_, _columns, where) in enumerate(parts)
    ]
    rows = union_all(*branches).subquery("whole_case")
    case = aliased(Case, rows)
    order = [rows.c.part]
    for name in COLLECTIONS:  # each collection in its relationship's order
        order += [rows.corresponding_column(c) for c in Case.__mapper__.relationships[name].order_by]
    query = select(
        rows.c.part,
        case,
        aliased(ProcessVersion, rows),
        *(aliased(m, rows) for m in _COLLECTION_MODELS),
        *(rows.c[name] for name in extra_names),
    ).order_by(*order)
    return query.options(undefer(case.workflow)) if workflow else query


def _name_in_union(column: Column) -> str:
    return f"{column.table.name}_{column.name}"


def _whole_case(anchor: str, params: dict, *, workflow: bool = False) -> Case | None:
    """The case a whole-case query finds (None if none) with its process version, COLLECTIONS and
    history in place, loaded as the ORM loads them, except what a case the session holds has
    loaded already."""
    case = process_version = None
    collections: tuple[list, ...] = tuple([] for _ in COLLECTIONS)
    history: list[HistoryItem] = []
    for row in db.session.execute(_whole_case_query(anchor, workflow), params):
        part = row[0]
        if part == 0:
            case, process_version, history = row[1], row[2], _history_items(row[_HISTORY])
            links = [LiveLink(*link) for _id, *link in sorted(row[_LIVE_LINKS] or ())]
            council_store.remember_row(council_store.row_of(row[_COUNCIL_FIELDS]))
        else:
            collections[part - 1].append(row[part + 2])
    if case is None:
        return None
    unloaded = inspect(case).unloaded
    if "process_version" in unloaded:
        set_committed_value(case, "process_version", process_version)
    for name, rows in zip(COLLECTIONS, collections, strict=True):
        if name in unloaded:
            set_committed_value(case, name, rows)
    for task in case.tasks:  # each task holds its case (the session refers to objects weakly)
        if "case" in inspect(task).unloaded:
            set_committed_value(task, "case", case)
    remember_history(case, history)
    remember_live_links(case, links)
    return case


def get_case_in(case_id: int, council_ids: Iterable[str]) -> Case | None:
    return _whole_case("case_in", {"case_id": case_id, "council_ids": list(council_ids)})


def get_case_of_task(task_id: int, council_ids: Iterable[str]) -> Case | None:
    """The whole case (workflow included) of the task, if of one of the councils: all that
    completing the task reads, in one query."""
    return _whole_case("task_in", {"task_id": task_id, "council_ids": list(council_ids)}, workflow=True)


def get_whole_case(case_id: int) -> Case:
    """A case with everything a run rewrites and a response shows, workflow included; no query
    if the session holds it whole already (a task's case loaded to complete it)."""
    held = db.session.identity_map.get(identity_key(Case, case_id))
    if held is not None and not {"workflow", "process_version", *COLLECTIONS} & inspect(held).unloaded:
        held.history  # noqa: B018  (read now if not yet: Case.history)
        return held
    case = _whole_case("case", {"case_id": case_id}, workflow=True)
    if case is None:
        raise NoResultFound(f"No case {case_id}")
    return case


def lock_whole_case(case_id: int) -> Case | None:
    """The case read afresh with everything ``get_whole_case`` reads; on PostgreSQL its row is
    locked until the transaction ends, so a change that reads it the same way waits its turn
    (on SQLite, which runs one writer at a time, the case's optimistic version catches a race)."""
    held = db.session.identity_map.get(identity_key(Case, case_id))
    if held is not None:
        db.session.expire(held)  # what this session read before the lock is not what it locks
    lock = select(Case.id).where(Case.id == case_id)
    if db.session.get_bind().dialect.name == "postgresql":
        lock = lock.with_for_update()
    if db.session.scalar(lock) is None:
        return None
    return _whole_case("case", {"case_id": case_id}, workflow=True)  # read once the lock is held


def get_case_for_agency(case_id: int, council_ids: Iterable[str], agency: str) -> Case | None:
    """A case a partner agency was asked for information on."""
    return _whole_case(
        "case_for_agency", {"case_id": case_id, "council_ids": list(council_ids), "agency": agency}
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
