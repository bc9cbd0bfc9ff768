"""Test-running a process version before it goes live: a scenario's case, run in memory.

A process owner runs a (draft) version against a scenario (an application, the answers an
officer would give each task, an optional appeal) on a frozen clock, and sees the path the case
takes, every deadline with its due date and whether it was met, the letters it issues and where
it stopped. The run goes through what a real case goes through (``CaseRun``, ``load_form``, the
form effects of ``app.services.tasks``, the letters' snapshots and templates) but keeps
everything in memory: no row is written, nothing is committed or e-mailed, so a draft can be
tried as often as needed.

The scenarios, and the clock they set, are in ``app.services.scenarios``; their public names
are re-exported here, where the studio and the API look for them.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from SpiffWorkflow.util.task import TaskState

from app.clock import LOCAL_TIMEZONE
from app.domain.actions import partners_to_bring_in
from app.domain.calendar import format_date
from app.domain.deadlines import deadline_status
from app.engine import isolation
from app.engine.runtime import CaseRun, OpenTask, Snapshot, WorkflowError
from app.engine.specs import ParsedProcess
from app.letters import LETTER_TITLES, LetterError, letters_issued, render_html
from app.models import ProcessVersion, User
from app.services import councils, process_versions
from app.services.cases import appeal_kind, workflow_data
from app.services.processes import parsed
from app.services.scenarios import (
    MAX_STEP_WORKING_DAYS,
    AnswerSet,
    Scenario,
    ScenarioError,
    answer_sets,
    changed_answers,
    scenario_from,
    scenarios_for,
    unknown_answer_keys,
)
from app.services.tasks import FORM_CHECKS, check_against_case, complete_defaults, form_effect
from app.store import processes as process_store
from forms import FORMS, FormContext, FormError, load_form

logger = logging.getLogger(__name__)

REFERENCE = "TEST-RUN"  # the case reference the letters print
ACTOR = "test-run"  # who the form effects record as deciding


class RunOutcome(StrEnum):
    COMPLETED = "completed"  # the workflow reached its end
    STOPPED = "stopped"  # a task the scenario has no answers for, nothing left to move it, or too many steps
    ERROR = "error"  # the diagram failed, or an answer did not validate


class StepKind(StrEnum):
    RECEIVED = "received"
    THRESHOLD_EVALUATED = "threshold_evaluated"
    TASK_COMPLETED = "task_completed"
    TIMER_FIRED = "timer_fired"
    ESCALATED = "escalated"
    APPEAL_LODGED = "appeal_lodged"
    APPEAL_TOO_LATE = "appeal_too_late"
    LETTER_ISSUED = "letter_issued"


@dataclass(frozen=True)
class Step:
    """One thing that happened in the run, on the run's clock."""

    kind: StepKind
    on: date
    name: str
    element: str | None = None
    role: str | None = None
    form_key: str | None = None
    agency: str | None = None
    opened_on: date | None = None  # a task: the day it became due-able
    due_on: date | None = None
    deadline: str | None = None
    answers: dict[str, Any] | None = None  # a task: the answers as validated and stored
    passed: tuple[str, ...] = ()  # the elements the workflow went through in this step, in order


@dataclass(frozen=True)
class DeadlineResult:
    key: str
    label: str
    due_on: date
    done_on: date | None
    status: str  # app.domain.deadlines: met, missed or pending (on the day the run ended)


@dataclass(frozen=True)
class MilestoneResult:
    key: str
    on: date
    element: str


@dataclass(frozen=True)
class LetterResult:
    kind: str
    title: str
    recipient: str  # app.models.document.Recipient
    element: str
    issued_on: date
    html: str


@dataclass
class TestRun:
    __test__ = False  # not a pytest test class, whatever its name

    scenario: Scenario
    council_id: str
    process_key: str
    version_number: int
    outcome: RunOutcome
    stopped_at: str
    ended_on: date
    final_stage: str
    steps: list[Step]
    deadlines: list[DeadlineResult]
    milestones: list[MilestoneResult]
    letters: list[LetterResult]
    path: list[str]  # every element the workflow completed, in order
    record: dict[str, Any]  # what the case row would hold: threshold, decision, outcome, appeals, agencies
    error: str | None = None
    error_element: str | None = None
    error_fields: dict[str, list[str]] | None = None

    @property
    def process(self) -> dict[str, Any]:
        return {"key": self.process_key, "version": self.version_number}


def run_scenario(
    version: ProcessVersion, council_id: str, scenario: Scenario, *, max_steps: int = 200
) -> TestRun:
    """Run ``scenario`` on ``version`` for a council, in memory, until the case closes, waits for
    an answer the scenario does not give, fails, or ``max_steps`` steps have been taken."""
    council = councils.policy_for(council_id)
    if council is None:
        raise ScenarioError("council", f"No council {council_id!r}.")
    simulation = _Simulation(parsed(version), council, scenario)
    simulation.run(max_steps)
    return simulation.result(council_id, version)


def scenarios_listing(user: User, process_key: str, council_id: str) -> list[Scenario]:
    """The built-in scenarios, for a process owner of a council that runs the process."""
    _check_owner(user, council_id)
    _check_runs(council_id, process_key)
    return scenarios_for(council_id)


def run_version(
    user: User,
    process_key: str,
    number: int,
    council_id: str,
    scenario_key: str,
    *,
    received_on: date | None = None,
    answers: dict | None = None,
    step_working_days: int | None = None,
) -> TestRun:
    """A process owner's test-run of one version (``POST .../versions/{n}/test-run``)."""
    _check_owner(user, council_id)
    version = process_store.get_version_by_number(process_key, number)
    if version is None:
        raise process_versions.ProcessNotFound(f"{process_key} v{number}")
    _check_runs(council_id, process_key)
    scenario = scenario_from(
        council_id,
        scenario_key,
        received_on=received_on,
        answers_override=answers,
        step_working_days=step_working_days,
    )
    unknown = unknown_answer_keys(parsed(version), answers or {})
    if unknown:
        raise ScenarioError("answers", unknown)
    # A draft's code may run here for the first time: in a child under hard limits, which only
    # computes (the version and its parsed process are loaded above, in this process).
    try:
        return isolation.run_isolated(run_scenario, version, council_id, scenario)
    except isolation.LimitBreached as exc:
        simulation = _Simulation(parsed(version), councils.policy_for(council_id), scenario)
        name = simulation.names.get(exc.element, (None,))[0] if exc.element else None
        where = f" at '{name}'" if name else ""
        simulation.stop = _Stop(
            RunOutcome.ERROR,
            f"Stopped{where}: the diagram's code went past its limits.",
            str(exc),
            exc.element,
        )
        return simulation.result(council_id, version)


def _check_owner(user: User, council_id: str) -> None:
    # As activating a version: only the council's process owners (or admins) may.
    if council_id not in process_versions.owned_councils(user):
        raise process_versions.ProcessForbidden(
            "Only a process owner of this council can test-run its process."
        )


def _check_runs(council_id: str, process_key: str) -> None:
    if process_key not in process_versions.keys_of(council_id):
        raise process_versions.ProcessForbidden(f"{council_id} does not run {process_key}.")


@dataclass
class _Deadline:
    label: str
    due_on: date
    done_on: date | None = None


@dataclass
class _AppealRecord:
    kind: str
    received_on: date
    grounds: str
    decided_on: date | None = None
    upheld: bool | None = None
    reasons: str | None = None


@dataclass
class _CaseRecord:
    """What the case row holds besides its workflow; ``app.services.tasks``' form effects write here."""

    threshold: dict | None = None
    decision: dict | None = None
    outcome: dict | None = None
    action_plan: list | None = None
    appeals: list[_AppealRecord] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)

    def add_agencies(self, agencies: tuple[str, ...]) -> None:
        """As ``case_runs.add_agencies``: each agency once, in the order first asked."""
        self.agencies.extend(a for a in dict.fromkeys(agencies) if a not in self.agencies)

    def to_dict(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "decision": self.decision,
            "outcome": self.outcome,
            "action_plan": self.action_plan,
            "appeals": [_json_friendly(asdict(a)) for a in self.appeals],
            "agencies": list(self.agencies),
        }


class _Stop(Exception):
    """The run ends here: how, where in words, and for an error what failed."""

    def __init__(
        self,
        outcome: RunOutcome,
        stopped_at: str,
        error: str | None = None,
        element: str | None = None,
        fields: dict | None = None,
    ) -> None:
        super().__init__(stopped_at)
        self.outcome = outcome
        self.stopped_at = stopped_at
        self.error = error
        self.element = element
        self.fields = fields


class _Simulation:
    """One scenario's case on one version: the workflow, the clock, and what the case would record."""

    def __init__(self, process: ParsedProcess, council, scenario: Scenario) -> None:
        self.process, self.council, self.scenario = process, council, scenario
        self.calendar = council.calendar
        self.now = scenario.received_at
        self.workflow = None
        self.names = _element_names(process)
        self.steps: list[Step] = []
        self.deadlines: dict[str, _Deadline] = {}
        self.milestones: list[MilestoneResult] = []
        self.letters: list[LetterResult] = []
        self.path: list[str] = []
        self._completed_ids: set = set()
        self.opened: dict[str, tuple[datetime, date | None]] = {}  # spiff id -> (opened at, due on)
        self.appeal_at: datetime | None = None
        self.appeal_done = scenario.appeal is None
        self.stage = "acknowledgement"
        self.record = _CaseRecord()
        self.stop: _Stop | None = None

    @property
    def today(self) -> date:
        return self.now.astimezone(LOCAL_TIMEZONE).date()

    # -- the loop -----------------------------------------------------------------------------

    def run(self, max_steps: int) -> None:
        try:
            snapshot = self._start()
            for _ in range(max_steps):
                snapshot = self._next_action(snapshot)()
            raise _Stop(RunOutcome.STOPPED, f"Stopped after {max_steps} steps without reaching the end.")
        except _Stop as stop:
            self.stop = stop
        except WorkflowError as exc:
            self.stop = self._failure(str(exc), exc.element)
        except LetterError as exc:
            self.stop = self._failure(f"a letter could not be written: {exc}")
        except Exception as exc:  # a draft is untrusted: whatever it makes fail is reported, never raised
            logger.exception("Test-run of %s failed unexpectedly", self.process.process_id)
            self.stop = self._failure(f"{type(exc).__name__}: {exc}")

    def _next_action(self, snapshot: Snapshot) -> Callable[[], Snapshot]:
        """What happens next: whichever of the next task completion, timer and appeal comes first."""
        if snapshot.completed:
            raise _Stop(
                RunOutcome.COMPLETED, f"Reached the end: the case closed on {format_date(self.today)}."
            )
        candidates: list[tuple[datetime, int, Callable[[], Snapshot]]] = []
        if snapshot.next_timer_at is not None:
            at = _aware(snapshot.next_timer_at) + timedelta(seconds=1)
            candidates.append((max(at, self.now), 0, functools.partial(self._fire_timers, at)))
        task_at = self._next_task(snapshot)
        if task_at is not None:
            task, at = task_at
            candidates.append((at, 1, functools.partial(self._complete, task, at)))
        appeal_at = self._appeal_time(snapshot)
        if appeal_at is not None:
            candidates.append((appeal_at, 2, functools.partial(self._lodge_appeal, appeal_at)))
        if not candidates:
            raise _Stop(RunOutcome.STOPPED, self._stuck(snapshot))
        return min(candidates, key=lambda c: (c[0], c[1]))[2]

    def _next_task(self, snapshot: Snapshot) -> tuple[OpenTask, datetime] | None:
        due = []
        for index, task in enumerate(snapshot.open_tasks):
            opened_at = self.opened[task.spiff_id][0]
            due.append((self.scenario.completed_at(opened_at, self.calendar), index, task))
        if not due:
            return None
        at, _index, task = min(due, key=lambda d: (d[0], d[1]))
        return task, at

    def _appeal_time(self, snapshot: Snapshot) -> datetime | None:
        if self.appeal_done or not snapshot.waiting_for_appeal:
            return None
        if self.appeal_at is None:  # the case has just started waiting: the window opened now
            self.appeal_at = self.scenario.appeal_lodged_at(self.now)
        return self.appeal_at

    def _stuck(self, snapshot: Snapshot) -> str:
        if snapshot.waiting_for_appeal:
            return (
                "Waiting for an appeal or review request, which the scenario does not lodge, and no timer "
                "closes the window."
            )
        return "Stuck: no task is open and no timer or message can move the case on."

    # -- the moves ----------------------------------------------------------------------------

    def _start(self) -> Snapshot:
        data = workflow_data(self.scenario.application, self.council)

        def start(run: CaseRun) -> None:
            self.workflow = run.start(data)

        self.steps.append(Step(StepKind.RECEIVED, self.today, "Application received"))
        return self._operate(self.now, start)

    def _complete(self, task: OpenTask, at: datetime) -> Snapshot:
        self.now = at
        answers = self.scenario.answers_for(task.element, task.form_key, self.today, task.agency)
        if answers is None:
            raise _Stop(
                RunOutcome.STOPPED,
                f"Waiting for '{task.name}'{_for_agency(task)}: the scenario has no answers for "
                f"its form, '{_form_title(task.form_key)}'.",
            )
        data = self._validated(task, answers)
        try:
            check_against_case(task.form_key, self.scenario.application, task.agency, data)
        except FormError as exc:
            raise self._refused(task, exc) from None
        data = complete_defaults(task.form_key, self.record, data)
        opened_at, due_on = self.opened[task.spiff_id]
        index, before = len(self.steps), len(self.path)

        def complete(run: CaseRun) -> None:
            # The checks complete_task makes on the case data, e.g. a refusal the Act does not allow.
            check = FORM_CHECKS.get(task.form_key)
            if check is not None:
                case_data = run.user_task_data(self.workflow, task.spiff_id)
                check(case_data, data, run.handler_context["council"].threshold)
            run.complete_user_task(self.workflow, task.spiff_id, data)

        try:
            snapshot = self._operate(at, complete)
        except FormError as exc:
            raise self._refused(task, exc) from None
        self.record.add_agencies(form_effect(task.form_key)(self.record, data, by=ACTOR, on=self.today))
        step = Step(
            StepKind.TASK_COMPLETED,
            self.today,
            task.name,
            element=task.element,
            role=task.role,
            form_key=task.form_key,
            agency=task.agency,
            opened_on=opened_at.astimezone(LOCAL_TIMEZONE).date(),
            due_on=due_on,
            deadline=task.deadline,
            answers=data,
            passed=tuple(self.path[before:]),
        )
        self.steps.insert(index, step)  # before the letters and escalations the completion led to
        return snapshot

    def _validated(self, task: OpenTask, answers: dict[str, Any]) -> dict[str, Any]:
        """The answers as ``complete_task`` checks them; a refusal stops the run, naming the fields."""
        try:
            return load_form(
                task.form_key,
                answers,
                FormContext(
                    today=self.today,
                    received_on=self.scenario.received_on,
                    under_18_involved=bool(self.scenario.application.get("under_18_involved")),
                ),
            )
        except FormError as exc:
            raise self._refused(task, exc) from None
        except ValueError as exc:  # a form key the registry does not know
            raise _Stop(RunOutcome.ERROR, f"Stopped at '{task.name}'.",
                        f"{task.element}: {exc}", task.element) from None  # fmt: skip

    @staticmethod
    def _refused(task: OpenTask, exc: FormError) -> _Stop:
        problems = exc.by_path()
        listed = "; ".join(f"{path}: {' '.join(messages)}" for path, messages in problems.items())
        return _Stop(
            RunOutcome.ERROR,
            f"Stopped at '{task.name}': its answers are not valid.",
            f"{task.element}: the answers for form {task.form_key} are not valid: {listed}",
            task.element,
            problems,
        )

    def _fire_timers(self, at: datetime) -> Snapshot:
        index, before = len(self.steps), len(self.path)
        snapshot = self._operate(max(at, self.now), lambda run: run.fire_timers(self.workflow))
        passed = tuple(self.path[before:])
        if not passed and snapshot.next_timer_at is not None and _aware(snapshot.next_timer_at) < self.now:
            # The engine left a timer that is due unfired: going on would only jump to it again.
            raise _Stop(
                RunOutcome.STOPPED, f"A timer due at {snapshot.next_timer_at.isoformat()} did not fire."
            )
        events = [e for e in passed if self.names[e][1] == "event"]
        element = (events or passed or [None])[0]
        name = self.names[element][0] if element else "A timer"
        self.steps.insert(index, Step(StepKind.TIMER_FIRED, self.today, name, element, passed=passed))
        return snapshot

    def _lodge_appeal(self, at: datetime) -> Snapshot:
        self.now = at
        grounds = str(self.scenario.appeal.get("grounds") or "Appeal lodged in a test-run.")
        payload = {"appeal_received_on": self.today.isoformat(), "appeal_grounds": grounds}
        kind = appeal_kind(m.key for m in self.milestones)
        self.appeal_done = True
        index, before = len(self.steps), len(self.path)
        snapshot = self._operate(at, lambda run: run.deliver_appeal(self.workflow, payload))
        self.record.appeals.append(_AppealRecord(kind, self.today, grounds))
        title = "Review of the refusal requested" if kind == "review_request" else "Appeal lodged"
        self.steps.insert(
            index, Step(StepKind.APPEAL_LODGED, self.today, title, passed=tuple(self.path[before:]))
        )
        return snapshot

    # -- one operation on the workflow, and what it changes -------------------------------------

    def _case_run(self, at: datetime) -> CaseRun:
        """A run as app.services.case_runs.new_run makes one, on the test-run's clock."""
        return CaseRun(
            parsed=self.process,
            calendar=self.calendar,
            now=at,
            today=at.astimezone(LOCAL_TIMEZONE).date(),
            handler_context={
                "council": self.council,
                "case_reference": REFERENCE,
                "action_plan": self.record.action_plan,
            },
        )

    def _operate(self, at: datetime, operation: Callable[[CaseRun], None]) -> Snapshot:
        self.now = at
        run = self._case_run(at)
        if self.workflow is not None:
            self.workflow.script_engine = run.engine  # as CaseRun.load does: one engine per operation
        operation(run)
        snapshot = run.snapshot(self.workflow)
        self._record(run, snapshot)
        return snapshot

    def _record(self, run: CaseRun, snapshot: Snapshot) -> None:
        """What app.services.case_runs.apply_run writes for a real case, kept here instead."""
        effects = run.effects
        for key, on, element in effects.milestones:
            self.milestones.append(MilestoneResult(key, on, element))
        for key, on in dict(effects.deadlines_done).items():
            if key in self.deadlines and self.deadlines[key].done_on is None:
                self.deadlines[key].done_on = on
        if effects.actions_added:
            self.record.action_plan = [*(self.record.action_plan or []), *effects.actions_added]
            self.record.add_agencies(partners_to_bring_in(effects.actions_added))
        for event, detail in effects.history:
            if event in (StepKind.ESCALATED, StepKind.THRESHOLD_EVALUATED):
                self.steps.append(Step(StepKind(event), self.today, detail))
        for pending in snapshot.pending_deadlines:
            # Computed once, when the step became due, as the case's deadline rows are.
            self.deadlines.setdefault(pending.key, _Deadline(pending.label, pending.due_on))
        self._issue_letters(effects.letters)
        for task in snapshot.open_tasks:
            self.opened.setdefault(task.spiff_id, (self.now, task.due_on))
        self._extend_path()
        if isinstance(snapshot.data.get("threshold"), dict):
            self.record.threshold = snapshot.data["threshold"]
        # As case_runs: the snapshot's stage.
        self.stage = snapshot.stage or self.stage
        if self.appeal_at is not None and not self.appeal_done and not snapshot.waiting_for_appeal:
            self.appeal_done = True  # the window closed first
            lodged_on = format_date(self.appeal_at.astimezone(LOCAL_TIMEZONE).date())
            name = f"The scenario's appeal of {lodged_on} came after the window had closed"
            self.steps.append(Step(StepKind.APPEAL_TOO_LATE, self.today, name))

    def _issue_letters(self, letters: list) -> None:
        """As app.services.letters.issue_letters: one letter per recipient, written from a
        snapshot of that moment, but kept in the run instead of stored and e-mailed."""
        deadlines = {key: d.due_on for key, d in self.deadlines.items()}
        for due in letters:
            issued = letters_issued([due], council=self.council, reference=REFERENCE,
                                    application=self.scenario.application, deadlines=deadlines,
                                    issued_on=self.today)  # fmt: skip
            for letter in issued:
                html = render_html(letter.snapshot)
                role = str(letter.addressee.role)
                self.letters.append(
                    LetterResult(
                        letter.kind, letter.snapshot["title"], role, letter.element, self.today, html
                    )
                )
            self.steps.append(Step(StepKind.LETTER_ISSUED, self.today, LETTER_TITLES[due[0]], due[1]))

    def _extend_path(self) -> None:
        done = [
            t for t in self.workflow.get_tasks(state=TaskState.COMPLETED) if t.id not in self._completed_ids
        ]
        for task in sorted(done, key=lambda t: t.last_state_change):
            self._completed_ids.add(task.id)
            element = getattr(task.task_spec, "bpmn_id", None)
            # A multi-instance task's instances and their parent share one element: listed once.
            if element in self.names and (not self.path or self.path[-1] != element):
                self.path.append(element)

    # -- the result -----------------------------------------------------------------------------

    def _failure(self, message: str, element: str | None = None) -> _Stop:
        if self.workflow is not None:
            self._extend_path()  # how far the failed operation got
        element = element if element in self.names else None
        where = f" at '{self.names[element][0]}'" if element else ""
        return _Stop(RunOutcome.ERROR, f"Stopped by an error{where}: the diagram failed.", message, element)

    def result(self, council_id: str, version: ProcessVersion) -> TestRun:
        stop = self.stop or _Stop(RunOutcome.STOPPED, "Not run.")
        ended_on = self.today
        return TestRun(
            scenario=self.scenario,
            council_id=council_id,
            process_key=version.process_key,
            version_number=version.number,
            outcome=stop.outcome,
            stopped_at=stop.stopped_at,
            ended_on=ended_on,
            final_stage="closed" if stop.outcome == RunOutcome.COMPLETED else self.stage,
            steps=self.steps,
            deadlines=[
                DeadlineResult(
                    key, d.label, d.due_on, d.done_on, deadline_status(d.due_on, d.done_on, ended_on)
                )
                for key, d in self.deadlines.items()
            ],
            milestones=self.milestones,
            letters=self.letters,
            path=self.path,
            record=self.record.to_dict(),
            error=stop.error,
            error_element=stop.element,
            error_fields=stop.fields,
        )


def _element_names(process: ParsedProcess) -> dict[str, tuple[str, str]]:
    """element id -> (its name, "event" for an event, else its type)."""
    names = {}
    for spec in process.element_specs():
        element = spec.bpmn_id
        if element:
            kind = type(spec).__name__
            kind = "event" if kind.endswith("Event") else kind
            names[element] = (getattr(spec, "bpmn_name", None) or element, kind)
    return names


def _form_title(form_key: str) -> str:
    form = FORMS.get(form_key)
    return form.form_title if form is not None else form_key


def _for_agency(task: OpenTask) -> str:
    return f" for {task.agency.replace('_', ' ')}" if task.agency else ""


def _aware(instant: datetime) -> datetime:
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


def _json_friendly(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _json_friendly(v) for k, v in value.items()}
    return value


# The scenario side lives in app.services.scenarios; the studio and the API reach it through here.
__all__ = [
    "MAX_STEP_WORKING_DAYS",
    "AnswerSet",
    "RunOutcome",
    "Scenario",
    "ScenarioError",
    "StepKind",
    "TestRun",
    "answer_sets",
    "changed_answers",
    "run_scenario",
    "run_version",
    "scenario_from",
    "scenarios_for",
    "scenarios_listing",
]
