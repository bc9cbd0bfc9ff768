"""A case's history: plain rows (Case.history), entries written together at the flush or the
commit, and none of those added in a transaction or savepoint that rolled back."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Case
from app.services.case_runs import add_history
from tests.factories.cases import application

OPENED = "2026-12-14T09:00:00+00:00"


def events(app, case_id: int) -> list[str]:
    with app.app_context():
        return [h.event for h in db.session.get(Case, case_id).history]


def test_entries_are_written_at_the_commit_and_read_before_it(app, derby, clock):
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    before = events(app, case_id)
    with app.app_context():
        case = db.session.get(Case, case_id)
        add_history(case, "officer@example.org", "note_one", "first")
        add_history(case, "officer@example.org", "note_two", "second")
        fresh = db.session.get(Case, case_id)  # the same object: the history as it now stands
        assert [h.event for h in fresh.history][-2:] == ["note_one", "note_two"]
        db.session.commit()
    assert events(app, case_id) == [*before, "note_one", "note_two"]


def test_a_history_read_before_the_entries_are_written_includes_them(app, derby, clock):
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        add_history(case, "officer@example.org", "note", "not read before")
        db.session.expire(case)  # the history is read again, from the database and the queue
        assert case.history[-1].event == "note"
        db.session.commit()
    assert events(app, case_id)[-1] == "note"


def test_entries_of_a_rolled_back_savepoint_or_transaction_are_never_written(app, derby, clock):
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    before = events(app, case_id)
    with app.app_context():
        case = db.session.get(Case, case_id)
        add_history(case, "timer", "kept_before", "")
        savepoint = db.session.begin_nested()
        add_history(case, "timer", "dropped", "")
        savepoint.rollback()
        with db.session.begin_nested():
            add_history(case, "timer", "kept_after", "")
        db.session.commit()

        case = db.session.get(Case, case_id)
        add_history(case, "timer", "rolled_back", "")
        db.session.rollback()
        db.session.commit()
    assert events(app, case_id) == [*before, "kept_before", "kept_after"]


def test_entries_of_a_session_closed_without_a_commit_are_never_written(app, derby, clock):
    clock.freeze(OPENED)
    case_id = derby.open_case(application())["id"]
    before = events(app, case_id)
    with app.app_context():
        add_history(db.session.get(Case, case_id), "timer", "closed_unwritten", "")
        db.session.close()
        db.session.execute(select(1))  # the session's next transaction
        db.session.commit()
    assert events(app, case_id) == before
