"""A case read whole in one query (app/store/cases.py): its row, process version, collections and
history, as separate queries would read them; nothing of a case the caller may not read."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import UTC, date

from sqlalchemy import event, select

from app.extensions import db
from app.models import Appeal, CaseAgency, CaseRestriction, CaseTask, Deadline, HistoryEntry, Milestone
from app.store import cases as case_store
from tests.factories.cases import application

OPENED = "2026-12-14T09:00:00+00:00"


@contextmanager
def counted_statements():
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)


def acknowledged_case(derby) -> dict:
    """A case a step in: open tasks and a completed one, deadlines (one met), milestones, history."""
    case = derby.open_case(application())
    return derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


def ids(model, case_id: int, *order) -> list[int]:
    return list(db.session.scalars(select(model.id).where(model.case_id == case_id).order_by(*order)))


def test_a_tasks_case_is_read_whole_in_one_query(app, derby, clock):
    clock.freeze(OPENED)
    case_id = acknowledged_case(derby)["id"]
    with app.app_context():
        task_id = ids(CaseTask, case_id, CaseTask.id)[-1]
        db.session.add(
            Appeal(case_id=case_id, kind="appeal", received_on=date(2026, 12, 14), grounds="Late.",
                   lodged_at=clock.now(), lodged_by="victim")
        )  # fmt: skip
        db.session.add(
            CaseRestriction(case_id=case_id, person="applicant", reason="Asked.", restricted_at=clock.now(),
                            restricted_by="dpo@example.org")
        )  # fmt: skip
        db.session.commit()
        db.session.expunge_all()
        with counted_statements() as statements:
            case = case_store.get_case_of_task(task_id, ["derby-city"])
        assert len(statements) == 1
        with counted_statements() as statements:
            loaded = {
                "tasks": [t.id for t in case.tasks],
                "deadlines": [d.id for d in case.deadlines],
                "milestones": [m.id for m in case.milestones],
                "appeals": [a.id for a in case.appeals],
                "restrictions": [r.id for r in case.restrictions],
                "history": [tuple(h) for h in case.history],
            }
            assert case.workflow and case.process_version.process_key
            assert all(t.case is case for t in case.tasks)
        assert statements == []
        assert loaded == {
            "tasks": ids(CaseTask, case_id, CaseTask.id),
            "deadlines": ids(Deadline, case_id, Deadline.due_on, Deadline.id),
            "milestones": ids(Milestone, case_id, Milestone.on, Milestone.id),
            "appeals": ids(Appeal, case_id, Appeal.id),
            "restrictions": ids(CaseRestriction, case_id, CaseRestriction.id),
            "history": [  # read as the ORM reads them: instants aware, in UTC
                tuple(row)
                for row in db.session.execute(
                    select(HistoryEntry.at, HistoryEntry.actor, HistoryEntry.event, HistoryEntry.detail)
                    .where(HistoryEntry.case_id == case_id)
                    .order_by(HistoryEntry.id)
                )
            ],
        }
        assert all(loaded.values())
        assert all(h.at.tzinfo is UTC for h in case.history)


def test_another_councils_case_or_no_case_is_not_read(app, derby, clock):
    clock.freeze(OPENED)
    case_id = acknowledged_case(derby)["id"]
    with app.app_context():
        task_id = ids(CaseTask, case_id, CaseTask.id)[-1]
        db.session.add(CaseAgency(case_id=case_id, agency="police"))  # asked for information
        db.session.commit()
        db.session.expunge_all()
        assert case_store.get_case_of_task(task_id, ["amber-valley"]) is None
        assert case_store.get_case_of_task(task_id + 1000, ["derby-city"]) is None
        assert case_store.get_case_in(case_id, ["amber-valley"]) is None
        assert case_store.get_case_for_agency(case_id, ["derby-city"], "icb") is None
        assert case_store.get_case_for_agency(case_id, ["derby-city"], "police").id == case_id


def statement_kind(statement: str) -> str:
    """'SELECT user_account', 'SELECT whole_case' (its main SELECT, after any WITH query),
    'UPDATE case_file', 'INSERT INTO case_task', or for a WITH of INSERTs 'WITH milestone, ...'
    (the tables it writes, sorted)."""
    words = statement.replace("(", " ").split()
    written = sorted(set(re.findall(r"(?:INSERT INTO|UPDATE) (\w+)", statement)))
    if words[0] == "WITH" and written:
        return "WITH " + ", ".join(written)
    if words[0] == "WITH":  # a read with a WITH query: named by its main SELECT
        words = ["SELECT", re.search(r"\)\s+SELECT (\w+)\.", statement)[1]]
    if words[0] == "SELECT":
        return f"SELECT {words[1].split('.')[0]}"
    return " ".join(words[:3] if words[0] == "INSERT" else words[:2])


def test_a_completion_sends_these_statements_and_no_more(app, derby, clock):
    """The statements of a task completion through the API (bench/bench_engine.py --only-completion
    --show-sql prints them): the token's user with their memberships; the whole case, with its
    live status links (the acknowledgement letter prints one); the rows it appends, with the
    access log's pending entries, in one statement on PostgreSQL; and the unit of work's changes.
    A regression that adds a read or a write fails here."""
    clock.freeze(OPENED)
    case = derby.open_case(application())
    derby.case(case["id"])  # a read, whose access-log entry is written with the completion
    with app.app_context(), counted_statements() as statements:
        derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    if app.config["BACKEND"] == "postgresql":
        writes = [
            # The rows appended; the case, the completed task and the deadline met, changed; and
            # the next task, its id read back.
            "WITH case_access, case_file, case_task, deadline, document, history_entry, milestone",
        ]
    else:
        writes = [
            "INSERT INTO milestone",
            "INSERT INTO history_entry",
            "INSERT INTO document",
            "INSERT INTO case_access",
            "UPDATE case_file",
            "UPDATE case_task",
            "INSERT INTO case_task",
            "UPDATE deadline",
        ]
    assert [statement_kind(s) for s in statements] == ["SELECT user_account", "SELECT whole_case", *writes]
