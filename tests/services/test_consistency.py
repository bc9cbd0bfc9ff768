"""`ctflow check`: every case's rows against its stored workflow, and each kind of damage found."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest
from sqlalchemy import delete, select, update

from app.extensions import db
from app.models import Case, CaseTask, Council, Deadline, Milestone, TaskStatus
from app.services.consistency import check_cases, run_check
from tests.factories.cases import application


@pytest.fixture
def case_id(derby, clock):
    """A Derby case at screening: records checks open, deadlines pending, a milestone recorded."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    return case["id"]


def check(runner, *args: str):
    return runner.invoke(args=["check", *args])


def test_a_case_just_written_is_clean(runner, case_id):
    result = check(runner)
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Checked 1 case: rows agree with the workflows."


def _open_task(app, case_id, form) -> CaseTask:
    query = select(CaseTask).where(
        CaseTask.case_id == case_id, CaseTask.status == TaskStatus.OPEN, CaseTask.form_key == form
    )
    return db.session.scalars(query.order_by(CaseTask.id)).first()


def _damage_task_row_deleted(app, case_id):
    task = _open_task(app, case_id, "screen_eligibility")
    db.session.delete(task)
    return f"open task screen_eligibility {task.spiff_id}: expected a row with status open, found no row"


def _damage_due_date_changed(app, case_id):
    task = _open_task(app, case_id, "confirm_reports")
    task.due_on = date(2026, 12, 24)
    return f"open task {task.element} {task.spiff_id} due date: expected 2026-12-21, found 2026-12-24"


def _damage_task_left_open(app, case_id):
    task = db.session.scalars(
        select(CaseTask).where(CaseTask.case_id == case_id, CaseTask.element == "acknowledge")
    ).one()
    task.status = TaskStatus.OPEN
    return (
        f"task acknowledge {task.spiff_id}: expected not open (the workflow does not wait for it), found open"
    )


def _damage_stage_changed(app, case_id):
    db.session.execute(update(Case).where(Case.id == case_id).values(stage="review"))
    return "stage: expected threshold, found review"


def _damage_status_changed(app, case_id):
    db.session.execute(update(Case).where(Case.id == case_id).values(status="closed"))
    return "status: expected open, found closed"


def _damage_next_timer_changed(app, case_id):
    case = db.session.get(Case, case_id)
    due = case.next_timer_at
    moved = datetime(2027, 3, 1, 9, 0, tzinfo=due.tzinfo)
    db.session.execute(update(Case).where(Case.id == case_id).values(next_timer_at=moved))
    return f"next_timer_at: expected {due.isoformat()}, found {moved.isoformat()}"


def _damage_deadline_removed(app, case_id):
    db.session.execute(
        delete(Deadline).where(Deadline.case_id == case_id, Deadline.key == "threshold_decision")
    )
    return "deadline threshold_decision: expected pending, due 2027-01-07, found no row"


def _damage_deadline_moved(app, case_id):
    db.session.execute(
        update(Deadline)
        .where(Deadline.case_id == case_id, Deadline.key == "case_review")
        .values(due_on=date(2027, 2, 1))
    )
    return "deadline case_review due date: expected 2027-02-11, found 2027-02-01"


def _damage_milestone_removed(app, case_id):
    db.session.execute(delete(Milestone).where(Milestone.case_id == case_id, Milestone.key == "acknowledged"))
    return "milestone acknowledged (acknowledge): expected 1 row(s), found 0"


@pytest.mark.parametrize(
    "damage",
    [
        _damage_task_row_deleted,
        _damage_due_date_changed,
        _damage_task_left_open,
        _damage_stage_changed,
        _damage_status_changed,
        _damage_next_timer_changed,
        _damage_deadline_removed,
        _damage_deadline_moved,
        _damage_milestone_removed,
    ],
)
def test_each_kind_of_damage_is_reported_and_exits_1(app, runner, case_id, damage):
    with app.app_context():
        reference = db.session.get(Case, case_id).reference
        expected = damage(app, case_id)
        db.session.commit()
    result = check(runner)
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"{reference}: {expected}"]
    assert "Checked 1 case: 1 inconsistency." in result.stderr


def test_a_workflow_that_does_not_load_is_reported(app, runner, case_id):
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(workflow="{not json"))
        db.session.commit()
    result = check(runner)
    assert result.exit_code == 1
    assert "DER-2026-0001: workflow: expected a workflow that loads, found JSONDecodeError" in result.output


def test_a_case_of_a_council_no_longer_configured_is_reported(app, runner, case_id, monkeypatch):
    # A row written before migration 0021, never imported since, of a council the file no longer has.
    registry = app.extensions["ctflow.councils_file"]
    others = {k: v for k, v in registry.councils.items() if k != "derby-city"}
    monkeypatch.setitem(app.extensions, "ctflow.councils_file", replace(registry, councils=others))
    with app.app_context():
        db.session.execute(update(Council).where(Council.id == "derby-city").values(process_key=None))
        db.session.commit()
    result = check(runner)
    assert result.exit_code == 1
    assert result.stdout == "DER-2026-0001: council: expected a council with its settings, found derby-city\n"


def test_only_the_case_asked_for_and_an_unknown_id(app, runner, derby, case_id):
    other = derby.open_case(application())
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == other["id"]).values(stage="review"))
        db.session.commit()
    assert check(runner, "--case", str(case_id)).exit_code == 0
    assert check(runner, "--case", str(other["id"])).exit_code == 1
    unknown = check(runner, "--case", "999999")
    assert unknown.exit_code == 2
    assert "Invalid value for --case: No case with id 999999." in unknown.output
    assert (
        "Invalid value for '--case': 'DER-1' is not a valid integer"
        in check(runner, "--case", "DER-1").output
    )


def test_cases_are_read_in_batches_and_read_only(app, derby, case_id):
    for _ in range(4):
        derby.open_case(application())
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == case_id).values(stage="review"))
        db.session.commit()
        before = db.session.scalar(select(Case.version).where(Case.id == case_id))
        db.session.rollback()
        progress = [item for item in check_cases(batch_size=2) if isinstance(item, int)]
        assert progress == [2, 4, 5]
        report = run_check()
        assert not db.session().in_transaction()
        assert report.cases == 5 and [f.what for f in report.findings] == ["stage"]
        assert db.session.scalar(select(Case.version).where(Case.id == case_id)) == before
