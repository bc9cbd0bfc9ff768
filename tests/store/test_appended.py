"""A case's milestones and letters are only ever appended: a run writes each table's new rows in
one INSERT of many rows at the commit (app/models/appended.py), not one INSERT ... RETURNING
each through the unit of work, and the response shows them all the same. Rows added in a
savepoint that rolled back are never written."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select, update
from sqlalchemy.orm.exc import StaleDataError

from app import clock as app_clock
from app.extensions import db
from app.models import Case, CaseTask, Document, HistoryEntry, Milestone, appended
from app.services import case_runs
from tests.factories.cases import application, third_party_application
from tests.store.test_cases import OPENED, counted_statements


def rows(model, case_id: int) -> list:
    return list(db.session.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))


def written_tables(statement: str) -> list[str]:
    """The tables an INSERT statement writes (a WITH of INSERTs writes several)."""
    return [part.split("(")[0].split()[0] for part in statement.split("INSERT INTO ")[1:]]


def test_a_runs_milestones_and_letters_are_written_in_one_insert_each(app, derby, clock):
    clock.freeze(OPENED)
    case = derby.open_case(third_party_application())  # acknowledged to the victim and the applicant
    with app.app_context():
        letters_before = len(rows(Document, case["id"]))
    with app.app_context(), counted_statements() as statements:
        done = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    inserts = [s for s in statements if s.startswith(("INSERT", "WITH"))]
    appending = [s for s in inserts if {"milestone", "document", "history_entry"} & set(written_tables(s))]
    # Not through the unit of work, which inserts each row with INSERT ... RETURNING its id.
    assert not any(
        s.startswith(("INSERT INTO milestone", "INSERT INTO document")) and "RETURNING" in s
        for s in statements
    )
    written = [t for s in appending for t in written_tables(s)]
    assert written.count("milestone") == 1 and written.count("document") == 1
    if app.config["BACKEND"] == "postgresql":
        # The rows queued at the commit, of every table, in one statement (each table's as JSON).
        (at_commit,) = [s for s in appending if "document" in written_tables(s)]
        assert {"history_entry", "case_access"} <= set(written_tables(at_commit))
    with app.app_context():
        milestones = [(m.key, m.on.isoformat()) for m in rows(Milestone, case["id"])]
        letters = [(d.kind, d.html) for d in rows(Document, case["id"])[letters_before:]]
    assert [(m["key"], m["on"]) for m in done["milestones"]] == milestones
    assert "acknowledged" in [key for key, _on in milestones]
    assert sorted(kind for kind, _html in letters) == ["CT1", "CT2"]
    assert any("/status/" in html for _kind, html in letters)  # written with the status page's link


def test_rows_of_a_rolled_back_savepoint_are_never_written(app, derby, clock):
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        before = [m.key for m in rows(Milestone, case_id)]
        case = db.session.get(Case, case_id)

        def milestone(key: str) -> dict:
            return {"case_id": case.id, "council_id": case.council_id, "key": key, "on": date(2026, 12, 14),
                    "at": app_clock.now(), "element": "test"}  # fmt: skip

        appended.append_row(Milestone.__table__, milestone("kept_before"))
        savepoint = db.session.begin_nested()
        appended.append_row(Milestone.__table__, milestone("dropped"))
        savepoint.rollback()
        with db.session.begin_nested():
            appended.append_row(Milestone.__table__, milestone("kept_after"))
        db.session.commit()
        assert [m.key for m in rows(Milestone, case_id)] == [*before, "kept_before", "kept_after"]


def test_appended_rows_are_written_as_the_insert_would_write_them(app, derby, clock):
    """Each column as its type reads it, a column left out takes its default, a naive instant is
    refused, on PostgreSQL (the rows as JSON) as on SQLite."""
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        at = datetime(2026, 12, 14, 10, 30, 5, 123456, tzinfo=timezone(timedelta(hours=1)))
        appended.append_row(
            HistoryEntry.__table__, {"case_id": case_id, "at": at, "actor": "a", "event": "e"}
        )
        appended.append_row(
            Document.__table__,
            {"case_id": case_id, "council_id": case.council_id, "kind": "CT1", "title": "Ti’tle \"q\"",
             "recipient": "applicant", "element": "x", "issued_on": date(2026, 12, 14), "created_at": at,
             "data": {"nested": [1, "two", None], "text": "é\n"}, "html": "<p>é</p>", "email_to": None,
             "email_status": "no_address", "email_next_attempt_at": None},
        )  # fmt: skip
        db.session.commit()
        db.session.expunge_all()
        entry = db.session.scalars(select(HistoryEntry).filter_by(case_id=case_id, event="e")).one()
        assert (entry.at, entry.detail) == (at, "")
        assert entry.at.tzinfo is not None
        letter = db.session.scalars(select(Document).filter_by(case_id=case_id, element="x")).one()
        assert (letter.title, letter.issued_on, letter.created_at) == ('Ti’tle "q"', date(2026, 12, 14), at)
        assert (letter.data, letter.html, letter.email_to, letter.email_attempts) == (
            {"nested": [1, "two", None], "text": "é\n"}, "<p>é</p>", None, 0,
        )  # fmt: skip

        naive = {"case_id": case_id, "at": datetime(2026, 12, 14, 10, 30), "actor": "a", "event": "naive"}
        appended.append_row(HistoryEntry.__table__, naive)
        with pytest.raises(Exception, match="naive datetime"):
            db.session.commit()
        db.session.rollback()
        assert db.session.scalars(select(HistoryEntry).filter_by(event="naive")).all() == []


def test_a_case_changed_since_it_was_read_is_not_overwritten_and_nothing_is_written(app, derby, clock):
    """The case's row is updated only at the version it was read at (on PostgreSQL in the
    statement that writes the appended rows and the task's change): else StaleDataError, which a
    completion answers with 409, and nothing of the transaction is written."""
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        task, history = case.tasks[0], len(case.history)
        with db.engine.begin() as other:  # another writer moves the case on meanwhile
            other.execute(update(Case.__table__).where(Case.id == case_id).values(version=Case.version + 1))
        case.stage, task.name = "changed", "Changed"
        case_runs.add_history(case, "a@example.org", "test", "never written")
        with pytest.raises(StaleDataError):
            db.session.commit()
        db.session.rollback()
        db.session.expunge_all()
        case = db.session.get(Case, case_id)
        assert (case.stage, case.tasks[0].name) != ("changed", "Changed")
        assert len(case.history) == history


def new_task(case: Case, spiff_id: str, **columns) -> CaseTask:
    return CaseTask(case_id=case.id, council_id=case.council_id, spiff_id=spiff_id, element="e",
                    form_key="acknowledge", name=f"Task {spiff_id}", role="community_safety_officer",
                    stage="acknowledgement", created_at=app_clock.now(), **columns)  # fmt: skip


def test_new_tasks_get_the_ids_the_database_gave_them_in_the_order_they_were_added(app, derby, clock):
    """A run's new tasks are inserted with the rest of its writes (on PostgreSQL in the one
    statement, their ids read back; on SQLite by the unit of work), each object then holding its
    own row's id and every column as written, with nothing left to insert."""
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        added = [new_task(case, f"new-{n}", due_on=date(2026, 12, 20 + n)) for n in range(3)]
        for task in added:
            case.tasks.append(task)
            db.session.add(task)
        case.stage = "acknowledgement"
        with counted_statements() as statements:
            db.session.commit()
        if app.config["BACKEND"] == "postgresql":
            assert len(statements) == 1 and statements[0].startswith("WITH")
        assert not db.session.new and not db.session.dirty
        with counted_statements() as read:
            shown = [(t.id, t.spiff_id, t.status, t.due_on, t.completed_at) for t in added]
        assert read == []  # every column held, none to be read again
        db.session.expunge_all()
        stored = db.session.execute(
            select(CaseTask.id, CaseTask.spiff_id, CaseTask.status, CaseTask.due_on, CaseTask.completed_at)
            .where(CaseTask.spiff_id.like("new-%"))
            .order_by(CaseTask.id)
        ).all()
    assert [tuple(row) for row in stored] == shown
    assert [status for _id, _s, status, _d, _c in shown] == ["open"] * 3  # the column's default


def test_a_new_task_of_a_case_not_written_yet_is_left_to_the_unit_of_work(app, derby, clock):
    """Its case's id is known only once the unit of work has inserted the case."""
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        task = new_task(case, "through-the-relationship")
        task.case_id = None
        task.case = case  # the key filled by the unit of work from the relationship
        db.session.add(task)
        db.session.commit()
        assert task.id is not None and task.case_id == case_id
        assert db.session.get(CaseTask, task.id).spiff_id == "through-the-relationship"


def test_a_new_task_written_in_a_savepoint_that_rolls_back_is_transient_again(app, derby, clock):
    """As the unit of work's inserts: the row is gone, so the object is no longer the session's
    (the timer sweep fires each case in a savepoint of its own: app/services/timers.py)."""
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        kept = new_task(case, "kept")
        db.session.add(kept)
        db.session.flush()
        savepoint = db.session.begin_nested()
        dropped = new_task(case, "dropped")
        db.session.add(dropped)
        db.session.flush()
        assert dropped.id is not None and inspect(dropped).persistent
        savepoint.rollback()
        assert inspect(dropped).transient and inspect(kept).persistent
        db.session.commit()
        assert inspect(kept).persistent
        assert [t.spiff_id for t in rows(CaseTask, case_id) if t.spiff_id in ("kept", "dropped")] == ["kept"]

        also_dropped = new_task(db.session.get(Case, case_id), "also dropped")
        with db.session.begin_nested():  # released, then the whole transaction rolls back
            db.session.add(also_dropped)
            db.session.flush()
        assert inspect(also_dropped).persistent
        db.session.rollback()
        assert inspect(also_dropped).transient
