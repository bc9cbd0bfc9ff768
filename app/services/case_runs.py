"""Running a case's workflow and writing what happened into the case's rows, in one transaction.

Every operation on a case goes through ``run_case``: load the workflow under the case's council
calendar and the app clock, do the operation, then write the workflow, tasks, deadlines,
milestones, history, agencies and next timer. The caller commits; a concurrent change to the
same case makes that commit fail (optimistic version), and nothing is half-applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain import actions
from app.domain.deadlines import is_window
from app.engine.runtime import CaseRun, Effects, Snapshot
from app.extensions import db
from app.models import (
    Case,
    CaseAgency,
    CaseStatus,
    CaseTask,
    Deadline,
    Milestone,
    TaskStatus,
    appended,
)
from app.models.case import HistoryItem, add_history_entry
from app.services import council_settings
from app.services.letters import issue_letters
from app.services.processes import parsed


def new_run(case: Case, now: datetime | None = None) -> CaseRun:
    council = council_settings.settings_for_case(case)
    instant = now or clock.now()
    return CaseRun(
        parsed=parsed(case.process_version),
        calendar=council.calendar,
        now=instant,
        today=instant.astimezone(LOCAL_TIMEZONE).date(),
        handler_context={
            "council": council,
            "case_reference": case.reference,
            "action_plan": case.action_plan,
        },
    )


def run_case(
    case: Case, actor: str, operation: Callable[[CaseRun, Any], None], now: datetime | None = None
) -> Snapshot:
    """Load the case's workflow, apply ``operation(run, workflow)``, and write the result."""
    run = new_run(case, now)
    workflow = run.load(case.workflow)
    operation(run, workflow)
    snapshot = run.snapshot(workflow)
    case.workflow = run.dump(workflow)
    apply_run(case, run.effects, snapshot, actor, run.now)
    return snapshot


def apply_run(case: Case, effects: Effects, snapshot: Snapshot, actor: str, now: datetime) -> None:
    with db.session.no_autoflush:  # one flush at commit, not one per query
        _apply_run(case, effects, snapshot, actor, now)


def _apply_run(case: Case, effects: Effects, snapshot: Snapshot, actor: str, now: datetime) -> None:
    case.updated_at = now
    data = snapshot.data
    if data.get("clock_started_on"):
        case.clock_started_on = date.fromisoformat(str(data["clock_started_on"])[:10])
    _sync_deadlines(case, snapshot)
    _apply_effects(case, effects, actor, now)
    _sync_tasks(case, snapshot, now)
    # After the deadlines, so a letter can quote the window the run just opened (review, appeal).
    issue_letters(case, effects.letters, now)
    if isinstance(data.get("threshold"), dict):
        case.threshold = data["threshold"]
    if snapshot.completed:
        case.status, case.stage, case.closed_at, case.next_timer_at = CaseStatus.CLOSED, "closed", now, None
    else:
        case.stage = snapshot.stage or case.stage
        case.next_timer_at = snapshot.next_timer_at
    db.session.add(case)


def _apply_effects(case: Case, effects: Effects, actor: str, now) -> None:
    for key, on, element in effects.milestones:
        row = {
            "case_id": case.id,
            "council_id": case.council_id,
            "key": key,
            "on": on,
            "at": now,
            "element": element,
        }
        appended.append_row(Milestone.__table__, row)
        if "milestones" not in inspect(case).unloaded:  # shown with the case, not read to be added to
            case.milestones.append(Milestone(**row))
        add_history(case, actor, "milestone", key.replace("_", " "), now)
    done = dict(effects.deadlines_done)
    if done:
        for deadline in case.deadlines:
            if deadline.key in done and deadline.done_on is None:
                deadline.done_on = done[deadline.key]
    for event, detail in effects.history:
        add_history(case, actor, event, detail, now)
    if effects.actions_added:
        # An upheld appeal's further actions join the plan; their owners see the case as the
        # review's actions' owners do (app/services/tasks.py _record_outcome).
        case.action_plan = [*(case.action_plan or []), *effects.actions_added]
        add_agencies(case, actions.partners_to_bring_in(effects.actions_added))
    escalated = {spiff_id: (role, agency) for spiff_id, role, agency in effects.escalations}
    for task in case.tasks:
        if task.spiff_id in escalated and task.escalated_at is None:
            task.escalated_at = now
            task.escalated_to, task.escalated_agency = escalated[task.spiff_id]


def _sync_tasks(case: Case, snapshot: Snapshot, now) -> None:
    known = {t.spiff_id: t for t in case.tasks}
    open_ids = {t.spiff_id for t in snapshot.open_tasks}
    for task in case.tasks:
        if task.status == TaskStatus.OPEN and task.spiff_id not in open_ids:
            task.status = TaskStatus.CANCELLED  # the workflow moved on without it
    for open_task in snapshot.open_tasks:
        if open_task.spiff_id in known:
            # Its due date moves with what it is computed from (the clock's start).
            row = known[open_task.spiff_id]
            if row.status == TaskStatus.OPEN and row.due_on != open_task.due_on:
                row.due_on = open_task.due_on
            continue
        row = CaseTask(
            case_id=case.id,
            council_id=case.council_id,
            spiff_id=open_task.spiff_id,
            element=open_task.element,
            form_key=open_task.form_key,
            name=open_task.name,
            role=open_task.role,
            agency=open_task.agency,
            stage=open_task.stage,
            deadline=open_task.deadline,
            status=TaskStatus.OPEN,
            due_on=open_task.due_on,
            created_at=now,
        )
        case.tasks.append(row)
        db.session.add(row)


def _sync_deadlines(case: Case, snapshot: Snapshot) -> None:
    """Write the snapshot's pending deadlines: add new ones, move the due date of those not yet
    met when what it is computed from moved (the clock started on consent), and drop those not
    yet met that no step ahead can meet any more and whose step never opened (a case review
    listed from the clock's start, on a case refused at the threshold). A met deadline, a
    window, and one whose task opened stay as they were: they are the case's record."""
    rows = {d.key: d for d in case.deadlines}
    for pending in snapshot.pending_deadlines:
        row = rows.get(pending.key)
        if row is None:
            row = Deadline(case_id=case.id, key=pending.key, label=pending.label, due_on=pending.due_on)
            case.deadlines.append(row)
            db.session.add(row)
            rows[pending.key] = row
        elif row.done_on is None and row.due_on != pending.due_on:
            row.due_on = pending.due_on
    listed = {p.key for p in snapshot.pending_deadlines}
    opened = {t.deadline for t in case.tasks if t.deadline}
    for row in list(case.deadlines):
        moot = row.key not in listed and (snapshot.completed or row.key not in snapshot.reachable_deadlines)
        if row.done_on is None and moot and row.key not in opened and not is_window(row.key):
            case.deadlines.remove(row)
            db.session.delete(row)


def add_history(case: Case, actor: str, event: str, detail: str = "", at=None) -> None:
    add_history_entry(case, HistoryItem(at or clock.now(), actor, event, detail))


def add_agencies(case: Case, agencies: Iterable[str]) -> None:
    have = {a.agency for a in case.agencies}
    for agency in agencies:
        if agency not in have:
            row = CaseAgency(case_id=case.id, agency=agency)
            case.agencies.append(row)
            db.session.add(row)
            have.add(agency)
