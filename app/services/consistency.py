"""Checking that every case's rows agree with its stored workflow (``ctflow check``).

After each step ``case_runs.apply_run`` writes the workflow's snapshot into rows (open tasks,
deadlines, milestones, stage, status, next timer) in the same transaction as the workflow. If
that ever went wrong (a crash, a bug, a hand edit), the inbox, the reports and the timer sweep
would act on rows the workflow contradicts. This module recomputes what the rows should say
from the workflow, read-only, and lists every disagreement.

What is compared, per case:
- open tasks: the workflow's ready user tasks against the ``case_task`` rows with status open
  (spiff id, element, role, due date);
- deadlines: every pending deadline of the snapshot has a row with that due date (unless met);
  a row not yet met that the workflow no longer lists must still be reachable, a window, or the
  deadline of a task that opened (the rules of ``case_runs._sync_deadlines``);
- milestones: every completed element of the workflow that records a milestone has its row
  (key and element). The workflow keeps no date for a milestone, so the dates are not checked;
  rows beyond the workflow's are allowed (a window reopened for a late appeal resets the branch
  that closed the case, and its milestones stay on the record);
- stage (when the workflow says one; otherwise the row keeps the last stage and is not judged),
  status (closed exactly when the workflow has finished) and ``next_timer_at``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload, undefer

from app.domain.deadlines import is_window
from app.engine.properties import task_properties
from app.extensions import db
from app.models import Case, CaseStatus, TaskStatus
from app.services import councils
from app.services.case_runs import new_run

BATCH_SIZE = 200


@dataclass(frozen=True)
class Finding:
    """One disagreement between a case's rows and its workflow."""

    case_id: int
    reference: str
    what: str
    expected: str
    found: str

    def line(self) -> str:
        return f"{self.reference}: {self.what}: expected {self.expected}, found {self.found}"


@dataclass
class CheckReport:
    cases: int = 0
    findings: list[Finding] | None = None

    def __post_init__(self) -> None:
        self.findings = self.findings or []


class UnknownCase(LookupError):
    pass


def check_cases(case_id: int | None = None, batch_size: int = BATCH_SIZE) -> Iterator[Finding | int]:
    """Check every case (or the case ``case_id``), yielding each finding as it is found and, after
    each batch, the number of cases checked so far. Reads only; the transaction is rolled back.

    The whole check reads one snapshot of the database (REPEATABLE READ on PostgreSQL, one read
    transaction on SQLite), so a completion committed while it runs is seen whole or not at all.
    It needs a session with no transaction open: it starts its own, and detaches what it read.
    """
    if db.session().in_transaction():
        raise RuntimeError("check_cases starts its own read-only transaction; commit or roll back first")
    _begin_snapshot()
    try:
        if case_id is not None and db.session.scalar(select(func.count()).where(Case.id == case_id)) == 0:
            raise UnknownCase(f"No case with id {case_id}.")
        checked = 0
        after = 0
        while True:
            query = (
                select(Case)
                .where(Case.id > after)
                .order_by(Case.id)
                .limit(batch_size)
                .options(
                    selectinload(Case.tasks),
                    selectinload(Case.deadlines),
                    selectinload(Case.milestones),
                    selectinload(Case.process_version),
                    undefer(Case.workflow),
                )
            )
            if case_id is not None:
                query = query.where(Case.id == case_id)
            batch = db.session.scalars(query).all()
            if not batch:
                break
            for case in batch:
                yield from check_case(case)
            checked += len(batch)
            after = batch[-1].id
            yield checked
            # Keep memory flat over thousands of cases: this batch's rows are done with.
            db.session.expunge_all()
    finally:
        db.session.rollback()


def run_check(case_id: int | None = None) -> CheckReport:
    report = CheckReport()
    for item in check_cases(case_id):
        if isinstance(item, Finding):
            report.findings.append(item)
        else:
            report.cases = item
    return report


def check_case(case: Case) -> list[Finding]:
    def finding(what: str, expected: Any, found: Any) -> Finding:
        return Finding(case.id, case.reference, what, _show(expected), _show(found))

    if councils.policy_for(case.council_id) is None:
        return [finding("council", "a council with its settings", case.council_id)]
    # The snapshot as the last write computed it: dates relative to "today" come out the same.
    run = new_run(case, now=case.updated_at)
    try:
        workflow = run.load(case.workflow)
        snapshot = run.snapshot(workflow)
    except Exception as exc:  # noqa: BLE001 - any failure to read the workflow is itself the finding
        return [finding("workflow", "a workflow that loads", f"{type(exc).__name__}: {exc}")]

    findings: list[Finding] = []
    findings.extend(_check_tasks(case, snapshot, finding))
    findings.extend(_check_deadlines(case, snapshot, finding))
    findings.extend(_check_milestones(case, workflow, finding))

    if snapshot.completed:
        expected_status, expected_stage, expected_timer = CaseStatus.CLOSED, "closed", None
    else:
        expected_status, expected_stage, expected_timer = (
            CaseStatus.OPEN,
            snapshot.stage,
            snapshot.next_timer_at,
        )
    if case.status != expected_status:
        findings.append(finding("status", str(expected_status), case.status))
    if expected_stage and case.stage != expected_stage:
        findings.append(finding("stage", expected_stage, case.stage))
    if _utc(case.next_timer_at) != _utc(expected_timer):
        findings.append(finding("next_timer_at", expected_timer, case.next_timer_at))
    return findings


def _check_tasks(case: Case, snapshot, finding) -> list[Finding]:
    found: list[Finding] = []
    expected = {t.spiff_id: t for t in snapshot.open_tasks}
    rows = {t.spiff_id: t for t in case.tasks}
    for spiff_id, task in expected.items():
        row = rows.get(spiff_id)
        label = f"open task {task.element} {spiff_id}"
        if row is None:
            found.append(finding(label, "a row with status open", "no row"))
            continue
        if row.status != TaskStatus.OPEN:
            found.append(finding(f"{label} status", "open", row.status))
            continue
        for field, want, have in (
            ("element", task.element, row.element),
            ("role", task.role, row.role),
            ("due date", task.due_on, row.due_on),
        ):
            if want != have:
                found.append(finding(f"{label} {field}", want, have))
    for row in case.tasks:
        if row.status == TaskStatus.OPEN and row.spiff_id not in expected:
            found.append(
                finding(
                    f"task {row.element} {row.spiff_id}",
                    "not open (the workflow does not wait for it)",
                    "open",
                )
            )
    return found


def _check_deadlines(case: Case, snapshot, finding) -> list[Finding]:
    found: list[Finding] = []
    rows = {d.key: d for d in case.deadlines}
    for pending in snapshot.pending_deadlines:
        row = rows.get(pending.key)
        if row is None:
            found.append(finding(f"deadline {pending.key}", f"pending, due {pending.due_on}", "no row"))
        elif row.done_on is None and row.due_on != pending.due_on:
            found.append(finding(f"deadline {pending.key} due date", pending.due_on, row.due_on))
    listed = {p.key for p in snapshot.pending_deadlines}
    opened = {t.deadline for t in case.tasks if t.deadline}
    for row in case.deadlines:
        if row.done_on is not None or row.key in listed or row.key in opened or is_window(row.key):
            continue
        if snapshot.completed or row.key not in snapshot.reachable_deadlines:
            found.append(
                finding(
                    f"deadline {row.key}",
                    "no pending row (no step ahead can meet it)",
                    f"pending, due {row.due_on}",
                )
            )
    return found


def _check_milestones(case: Case, workflow, finding) -> list[Finding]:
    recorded: Counter[tuple[str, str]] = Counter()
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        key = task_properties(task.task_spec).get("milestone")
        if key:
            recorded[(key, task.task_spec.bpmn_id or task.task_spec.name)] += 1
    rows = Counter((m.key, m.element) for m in case.milestones)
    return [
        finding(f"milestone {key} ({element})", f"{count} row(s)", f"{rows[(key, element)]}")
        for (key, element), count in sorted(recorded.items())
        if rows[(key, element)] < count
    ]


def _begin_snapshot() -> None:
    if db.engine.dialect.name == "postgresql":
        db.session.connection(
            execution_options={"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
        )
    elif db.engine.dialect.name == "sqlite":
        # pysqlite opens no transaction for reads; an explicit one holds a WAL read snapshot.
        db.session.connection().exec_driver_sql("BEGIN")


def _utc(value: datetime | None) -> datetime | None:
    return value.astimezone(UTC) if value is not None else None


def _show(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return str(value)
