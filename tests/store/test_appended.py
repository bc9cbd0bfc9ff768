"""A case's milestones and letters are only ever appended: a run writes each table's new rows in
one INSERT of many rows at the commit (app/models/appended.py), not one INSERT ... RETURNING
each through the unit of work, and the response shows them all the same. Rows added in a
savepoint that rolled back are never written."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from app import clock as app_clock
from app.extensions import db
from app.models import Case, Document, Milestone, appended
from tests.factories.cases import application, third_party_application
from tests.store.test_cases import OPENED, counted_statements


def rows(model, case_id: int) -> list:
    return list(db.session.scalars(select(model).where(model.case_id == case_id).order_by(model.id)))


def test_a_runs_milestones_and_letters_are_written_in_one_insert_each(app, derby, clock):
    clock.freeze(OPENED)
    case = derby.open_case(third_party_application())  # acknowledged to the victim and the applicant
    with app.app_context():
        letters_before = len(rows(Document, case["id"]))
    with app.app_context(), counted_statements() as statements:
        done = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    inserts = [s.split("(")[0].split()[-1] for s in statements if s.startswith("INSERT")]
    assert inserts.count("milestone") == 1 and inserts.count("document") == 1
    assert not any(
        "RETURNING" in s
        for s in statements
        if s.startswith(("INSERT INTO milestone", "INSERT INTO document"))
    )
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
