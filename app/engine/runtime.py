"""Running one case's workflow: start it, complete a user task, deliver a message, fire timers.

Nothing here touches the database. Each operation runs under the app clock and records what
happened (milestones, deadlines met, letters due, escalations, history) as ``Effects``; after
it, ``snapshot`` describes the open tasks, pending deadlines and next timer, which the case
service writes into the rows the product queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimeDateEventDefinition, TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState

from app.domain.bodies import worker_role
from app.domain.deadlines import is_window
from app.engine import clock as engine_clock
from app.engine.functions import diagram_functions, to_date
from app.engine.properties import instance_spec, role_for_lane, task_properties
from app.engine.sandbox import ScriptError
from app.engine.scripting import CaseScriptEngine
from app.engine.serialization import dump_workflow, load_workflow
from app.engine.specs import ParsedProcess

APPEAL_MESSAGE = "appeal_lodged"


class WorkflowError(Exception):
    """The diagram failed while running (a bad expression, no gateway condition true, ...);
    ``element`` is the element that failed, when known, and begins the message."""

    def __init__(self, message: str, element: str | None = None):
        super().__init__(f"{element}: {message}" if element else message)
        self.element = element


# More automatic steps than this in one operation (a whole lifecycle has fewer than 100 elements)
# means the diagram loops with nothing to wait for. Uploads with such a loop are refused
# (process_versions.check_loops); this guards a worker against any that slip through.
MAX_AUTOMATIC_STEPS = 200


class TaskNotReady(Exception):
    """The task is not (or no longer) waiting for input."""


class NotWaitingForMessage(Exception):
    """The case is not waiting for this message now."""


@dataclass
class Effects:
    milestones: list[tuple[str, date, str]] = field(default_factory=list)  # key, on, element
    deadlines_done: list[tuple[str, date]] = field(default_factory=list)  # key, done on
    letters: list[Any] = field(default_factory=list)  # handlers.letters.LetterDue: kind, element, case data
    # The escalated task's spiff id, the role escalated to and the agency named (or None).
    escalations: list[tuple[str, str, str | None]] = field(default_factory=list)
    history: list[tuple[str, str]] = field(default_factory=list)  # event, detail
    # Actions added to the case's action plan (handlers/action_plan.py), numbered.
    actions_added: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class OpenTask:
    spiff_id: str
    element: str
    name: str
    form_key: str
    role: str
    stage: str
    due_on: date | None
    deadline: str | None
    agency: str | None


@dataclass(frozen=True)
class PendingDeadline:
    key: str
    label: str
    due_on: date


@dataclass(frozen=True)
class Snapshot:
    open_tasks: list[OpenTask]
    # Every deadline the case can still meet whose due date is known now: those of open tasks
    # and waiting windows, and those of steps still ahead whose due date the data already
    # gives (the threshold decision and the case review from the day the clock starts).
    pending_deadlines: list[PendingDeadline]
    waiting_stage: str | None
    completed: bool
    next_timer_at: datetime | None
    waiting_for_appeal: bool
    data: dict[str, Any]
    # The deadline keys of every step still ahead (due date known or not): a pending deadline
    # not among them can no longer be met on this path (a refusal makes the review moot).
    reachable_deadlines: frozenset[str] = frozenset()

    @property
    def stage(self) -> str | None:
        """The case's stage: that of the newest open task of the case's own path, else of any open
        task (the tasks addressed to one body each, e.g. the records checks, run beside that path),
        else of what the case waits for."""
        own = [t.stage for t in self.open_tasks if t.stage and t.agency is None]
        anyone = [t.stage for t in self.open_tasks if t.stage]
        return (own or anyone or [self.waiting_stage])[-1]


@dataclass
class CaseRun:
    """One operation on one case's workflow, under one instant of the app clock."""

    parsed: ParsedProcess
    calendar: Any  # app.domain.calendar.WorkingCalendar
    now: datetime
    today: date
    handler_context: dict[str, Any]
    effects: Effects = field(default_factory=Effects)

    def __post_init__(self) -> None:
        from handlers import HANDLERS

        self._handlers = HANDLERS
        self.engine = CaseScriptEngine(
            diagram_functions(self.calendar, lambda: self.today), self._call_handler
        )

    # -- the operations -------------------------------------------------------------------

    def start(self, data: dict[str, Any]) -> BpmnWorkflow:
        workflow = BpmnWorkflow(self.parsed.spec, self.parsed.subprocess_specs, script_engine=self.engine)
        workflow.get_tasks(state=TaskState.READY)[0].data.update(data)
        self._advance(workflow)
        return workflow

    def load(self, serialized: str) -> BpmnWorkflow:
        workflow = load_workflow(serialized, self.parsed.spec, self.parsed.subprocess_specs)
        workflow.script_engine = self.engine  # the engine is never serialized
        return workflow

    @staticmethod
    def dump(workflow: BpmnWorkflow) -> str:
        return dump_workflow(workflow)

    def complete_user_task(self, workflow: BpmnWorkflow, spiff_id: str, form_data: dict[str, Any]) -> None:
        task = self._ready_user_task(workflow, spiff_id)
        task.data.update(form_data)
        element = task.task_spec.bpmn_id
        task.data[f"{element}_done_on"] = self._done_on(task).isoformat()
        with engine_clock.workflow_time(self.now):
            try:
                task.run()
            except (SpiffWorkflowException, ScriptError) as exc:
                raise _failure(exc) from exc
        self._on_completed(task)
        self._advance(workflow)

    def user_task_data(self, workflow: BpmnWorkflow, spiff_id: str) -> dict[str, Any]:
        """A copy of the case data as a ready user task holds it: what its completion is decided on."""
        return dict(self._ready_user_task(workflow, spiff_id).data)

    def deliver_appeal(
        self, workflow: BpmnWorkflow, payload: dict[str, Any], received_at: datetime | None = None
    ) -> None:
        """Deliver an appeal (or review request) received at ``received_at`` (default: now).

        The race between the message and the window's timer is judged at the moment of receipt
        (LIFECYCLE.md "A challenge is judged by when it was received"): an appeal received in
        time wins even when it is entered after the window's timer has come due.
        """
        waiting = [t for t in workflow.get_tasks(state=TaskState.WAITING) if _waits_for(t, APPEAL_MESSAGE)]
        if not waiting:
            raise NotWaitingForMessage(APPEAL_MESSAGE)
        for task in waiting:
            # The payload is merged into the data the catching branch carries on with.
            task.data.update(payload)
        with engine_clock.workflow_time(min(received_at or self.now, self.now)):
            try:
                workflow.catch(BpmnEvent(MessageEventDefinition(APPEAL_MESSAGE), payload=payload))
                # An event-based gateway sees the message, and not its timer, as what happened.
                workflow.refresh_timers()
            except (SpiffWorkflowException, ScriptError) as exc:
                raise _failure(exc) from exc
        self._advance(workflow)

    def reopen_window(self, workflow: BpmnWorkflow, window: str, received_at: datetime) -> None:
        """Put a case whose window ``window`` (a deadline key) was closed by its timer back to
        waiting at that window, as it was at ``received_at``: the event-based gateway that raced
        the window's timer against the appeal message is reset (SpiffWorkflow's
        ``reset_from_task_id``: the branch the timer took is removed) and waits again."""
        gateway = _window_gateway(workflow, window)
        if gateway is None:
            raise NotWaitingForMessage(APPEAL_MESSAGE)
        with engine_clock.workflow_time(received_at):
            try:
                workflow.reset_from_task_id(gateway.id)
            except (SpiffWorkflowException, ScriptError) as exc:
                raise _failure(exc) from exc
        # The closure (an end event, or a terminate end event) marked the workflow finished.
        workflow.completed = False

    def fire_timers(self, workflow: BpmnWorkflow) -> None:
        self._advance(workflow)

    def redate_timers(self, workflow: BpmnWorkflow) -> None:
        """Work out again when each waiting timer set for a date (``end_of_day(due_on)``) is due,
        then fire what is due by now, as the sweep would.

        SpiffWorkflow evaluates a timer once, when it begins waiting, and keeps the time
        (``event_value``), so a closure added or taken away since would leave it on the old day.
        A time-date is worked out from the case data and the calendar, as a task's due date is;
        a duration or a cycle counts from when it began waiting, and keeps its time."""
        for task in workflow.event_manager.tasks.values():
            if _dated_timer(task.task_spec.event_definition):
                task.internal_data.pop("event_value", None)
        self._advance(workflow)  # refresh_timers evaluates them again, on this run's calendar

    # -- what the case looks like now --------------------------------------------------------

    def snapshot(self, workflow: BpmnWorkflow) -> Snapshot:
        # One walk of the task tree for every question below (each get_tasks walks all of it).
        # These states walk the same tasks as each state alone would, so the lists keep its order.
        live = workflow.get_tasks(state=TaskState.READY | TaskState.WAITING | TaskState.COMPLETED)
        ready = [t for t in live if t.state == TaskState.READY]
        waiting = [t for t in live if t.state == TaskState.WAITING]
        open_tasks = [self._open_task(t) for t in ready if t.task_spec.manual]
        pending = [
            PendingDeadline(t.deadline, t.name, t.due_on)
            for t in open_tasks
            if t.deadline and t.due_on is not None
        ]
        waiting_stage = None
        for task in waiting:
            pending.extend(self._waiting_deadlines(task))
            waiting_stage = waiting_stage or self._waiting_stage(task)
        completed = workflow.is_completed()  # a walk of the tree: asked once
        data = dict(workflow.data) if completed else _latest_data(live)
        ahead, reachable = (
            ([], set())
            if completed
            else self._deadlines_ahead(workflow, [t for t in live if t.state != TaskState.COMPLETED], data)
        )
        known = {p.key for p in pending}
        pending.extend(p for p in ahead if p.key not in known)
        return Snapshot(
            open_tasks=open_tasks,
            pending_deadlines=pending,
            waiting_stage=waiting_stage,
            completed=completed,
            next_timer_at=next_timer_at(workflow),
            waiting_for_appeal=any(_waits_for(t, APPEAL_MESSAGE) for t in waiting),
            data=data,
            reachable_deadlines=frozenset(reachable),
        )

    def _deadlines_ahead(self, workflow: BpmnWorkflow, ready_or_waiting: list, data: dict[str, Any]):
        """The deadlines of the steps still reachable from where the case is (over the diagram's
        flows), each with its due date when ``dueOn`` already evaluates on the case data.
        LIFECYCLE: "Every statutory deadline is known from the day the clock starts"; one that
        depends on a date not yet known (the meeting, the outcome) appears once it is."""
        start = [t.task_spec for t in ready_or_waiting]
        facts = _application_facts(workflow)

        def ruled_out(condition: str) -> bool:
            # A flow the application's own facts rule out (a victim's application never waits
            # for consent). Judged on the facts as received, which no step changes; a condition
            # on anything else (a later answer) is assumed possible.
            try:
                return not self.engine.environment.evaluate(condition, facts)
            except (ScriptError, ValueError, TypeError):
                return False

        pending: list[PendingDeadline] = []
        reachable: set[str] = set()
        for spec in _reachable_specs_memo(start, ruled_out):
            props = task_properties(instance_spec(spec))
            key, expression = props.get("deadline"), props.get("dueOn")
            # A window (the applicant's time to act) is listed when the case waits on it: one
            # listed ahead would look open to an appeal before the decision it follows.
            if not key or not expression or is_window(key):
                continue
            reachable.add(key)
            try:
                due = to_date(self.engine.environment.evaluate(expression, data))
            except (ScriptError, ValueError, TypeError):
                continue  # depends on something not known yet (the clock's start, a meeting)
            pending.append(PendingDeadline(key, spec.bpmn_name or spec.bpmn_id, due))
        return pending, reachable

    # -- internals ---------------------------------------------------------------------------

    def _advance(self, workflow: BpmnWorkflow) -> None:
        steps = 0

        def completed(task) -> None:
            nonlocal steps
            steps += 1
            if steps > MAX_AUTOMATIC_STEPS:
                raise WorkflowError(
                    f"more than {MAX_AUTOMATIC_STEPS} automatic steps without a task or a wait: the diagram loops",
                    task.task_spec.bpmn_id,
                )
            self._on_completed(task)

        with engine_clock.workflow_time(self.now):
            try:
                workflow.refresh_timers()
                workflow.do_engine_steps(did_complete_task=completed)
            except (SpiffWorkflowException, ScriptError) as exc:
                raise _failure(exc) from exc

    def _ready_user_task(self, workflow: BpmnWorkflow, spiff_id: str):
        # Looked up by id rather than by walking the tree: a ready task is never inside a finished
        # subprocess nor behind a predicted one, where the walk would not go.
        try:
            task_id = UUID(spiff_id)
        except ValueError:
            raise TaskNotReady(spiff_id) from None
        for tasks in (workflow.tasks, *(sub.tasks for sub in workflow.subprocesses.values())):
            task = tasks.get(task_id)
            if task is not None and task.state == TaskState.READY and task.task_spec.manual:
                return task
        raise TaskNotReady(spiff_id)

    def _on_completed(self, task) -> None:
        spec = task.task_spec
        props = task_properties(spec)
        if not props:
            return
        done_on = self._done_on(task)
        if props.get("milestone"):
            self.effects.milestones.append((props["milestone"], done_on, spec.bpmn_id or spec.name))
        # A duty to tell is met when the person is told: an element with ``meets`` (the letter,
        # the recorded call) meets that deadline, and the task deciding what to tell does not.
        if props.get("meets"):
            self.effects.deadlines_done.append((props["meets"], done_on))
        if (
            props.get("deadline")
            and getattr(spec, "manual", False)
            and props["deadline"] not in _met_elsewhere(self.parsed)
            and not _siblings_open(task)
        ):
            self.effects.deadlines_done.append((props["deadline"], done_on))
        # An event behind an event-based gateway that beats the gateway's timer meets that timer's window.
        parent = task.parent
        if (
            parent is not None
            and type(parent.task_spec).__name__ == "EventBasedGateway"
            and not _is_timer_spec(spec)
        ):
            for sibling in parent.task_spec.outputs:
                key = task_properties(sibling).get("deadline")
                if key and sibling is not spec:
                    self.effects.deadlines_done.append((key, done_on))

    def _done_on(self, task) -> date:
        expression = task_properties(task.task_spec).get("doneOn")
        if not expression:
            return self.today
        try:
            return to_date(self.engine.environment.evaluate(expression, task.data))
        except (ScriptError, ValueError) as exc:
            raise WorkflowError(f"doneOn {expression!r}: {exc}", task.task_spec.bpmn_id) from exc

    def _due_on(self, task, spec) -> date | None:
        try:
            value = self.engine.due_on_for(task, spec)
        except ScriptError as exc:
            raise WorkflowError(str(exc), exc.element or spec.bpmn_id) from exc
        return to_date(value) if value is not None else None

    def _open_task(self, task) -> OpenTask:
        spec = task.task_spec
        props = task_properties(spec)
        agency = self._agency_of(task, props)
        return OpenTask(
            spiff_id=str(task.id),
            element=spec.bpmn_id,
            name=spec.bpmn_name or spec.bpmn_id,
            form_key=props.get("formKey", ""),
            role=worker_role(role_for_lane(spec.lane) or "", agency),
            stage=props.get("stage", ""),
            due_on=self._due_on(task, spec),
            deadline=props.get("deadline"),
            agency=agency,
        )

    def _agency_of(self, task, props: dict[str, str]) -> str | None:
        """The agency a task is addressed to: its ``agency`` property evaluated on its data (one
        action of the plan, inside the sub-process over the actions: ``action["owner_agency"]``),
        else the input element of the multi-instance task it is one instance of."""
        expression = props.get("agency")
        if not expression:
            return _agency_of(task)
        try:
            value = self.engine.environment.evaluate(expression, task.data)
        except ScriptError as exc:
            raise WorkflowError(f"agency {expression!r}: {exc}", task.task_spec.bpmn_id) from exc
        return value if isinstance(value, str) else None

    def _waiting_deadlines(self, task) -> list[PendingDeadline]:
        specs = (
            task.task_spec.outputs
            if type(task.task_spec).__name__ == "EventBasedGateway"
            else [task.task_spec]
        )
        result = []
        for spec in specs:
            props = task_properties(spec)
            if props.get("deadline") and props.get("dueOn") and _is_timer_spec(spec, task):
                due = self._due_on(task, spec)
                if due is not None:
                    result.append(PendingDeadline(props["deadline"], spec.bpmn_name or spec.bpmn_id, due))
        return result

    @staticmethod
    def _waiting_stage(task) -> str | None:
        specs = [task.task_spec, *getattr(task.task_spec, "outputs", [])]
        for spec in specs:
            stage = task_properties(spec).get("stage")
            if stage:
                return stage
        return None

    def _call_handler(self, task, name: str, params: dict[str, Any]) -> Any:
        handler = self._handlers[name]
        return handler(HandlerCall(run=self, task=task, data=task.data, params=params))


@dataclass
class HandlerCall:
    """What a service-task handler is given: the run (clock, calendar, effects), the task and its data."""

    run: CaseRun
    task: Any
    data: dict[str, Any]
    params: dict[str, Any]

    @property
    def element(self) -> str:
        return self.task.task_spec.bpmn_id

    @property
    def context(self) -> dict[str, Any]:
        return self.run.handler_context


# The specs a walk starts from (the objects: names repeat across a diagram's subprocesses) ->
# the walks made from there: the conditions each asked ``ruled_out`` with the answers, and the
# specs it found. A walk is decided by those answers, so on a case whose facts answer them alike
# it finds the same specs: a completion asks the few conditions again instead of walking the
# diagram (bench/bench_engine.py).
_REACHABLE: dict[tuple, list[tuple[tuple[tuple[str, bool], ...], list]]] = {}
_REACHABLE_LIMIT = 10_000


def _reachable_specs_memo(start: list, ruled_out) -> list:
    """``_reachable_specs(start, ruled_out)``, remembered per starting specs."""
    key = tuple(start)
    walks = _REACHABLE.get(key, [])
    for asked, specs in walks:
        if all(ruled_out(condition) == answer for condition, answer in asked):
            return specs
    answers: dict[str, bool] = {}

    def asking(condition: str) -> bool:
        if condition not in answers:
            answers[condition] = ruled_out(condition)
        return answers[condition]

    specs = _reachable_specs(start, asking)
    if len(_REACHABLE) < _REACHABLE_LIMIT:
        _REACHABLE[key] = [*walks, (tuple(answers.items()), specs)]
    return specs


def _reachable_specs(start, ruled_out) -> list:
    """Every task spec reachable from ``start`` (themselves included) over the flows, leaving
    out a gateway's conditional flow when ``ruled_out(condition)``."""
    seen: dict[str, Any] = {}
    stack = list(start)
    while stack:
        spec = stack.pop()
        if spec.name in seen:
            continue
        seen[spec.name] = spec
        conditions = {
            target: condition.args[0]
            for condition, target in getattr(spec, "cond_task_specs", None) or []
            if condition is not None
        }
        stack.extend(
            o
            for o in _expected_outputs(spec)
            if o.name not in conditions or not ruled_out(conditions[o.name])
        )
    return list(seen.values())


def _expected_outputs(spec) -> list:
    """Where the flow can go next without anyone acting outside the case: not past a message
    the case would wait for (an appeal not lodged has no dates yet, and the steps after it would
    read an earlier request's)."""
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, MessageEventDefinition):
        return []
    if type(spec).__name__ == "EventBasedGateway":
        inner = getattr(definition, "event_definitions", [])
        return [
            o for o, d in zip(spec.outputs, inner, strict=False) if not isinstance(d, MessageEventDefinition)
        ]
    return list(spec.outputs)


def _application_facts(workflow: BpmnWorkflow) -> dict[str, Any]:
    """The data the workflow started with: the application's facts (``cases.workflow_data``)."""
    started = workflow.get_next_task(spec_name="Start")  # the first in the walk: the process's own
    return dict(started.data) if started is not None else {}


_MET_ELSEWHERE: dict[str, frozenset[str]] = {}


def _met_elsewhere(parsed: ParsedProcess) -> frozenset[str]:
    """The deadline keys some element of the diagram ``meets`` (cached per diagram)."""
    keys = _MET_ELSEWHERE.get(parsed.checksum)
    if keys is None:
        keys = frozenset(
            task_properties(spec)["meets"]
            for spec in parsed.spec.task_specs.values()
            if task_properties(spec).get("meets")
        )
        _MET_ELSEWHERE[parsed.checksum] = keys
    return keys


def _agency_of(task) -> str | None:
    """For one instance of a multi-instance task over agencies, the agency it is addressed to: the
    value of its input element (``agency`` for information returns, ``body`` for records checks)."""
    item = getattr(getattr(task.parent, "task_spec", None), "input_item", None)
    value = task.data.get(item.bpmn_id if item is not None else "agency")
    return value if isinstance(value, str) else None


def _siblings_open(task) -> bool:
    """For one instance of a multi-instance task (one agency's return), whether other instances
    are still open: the step's deadline is met when the last of them is done."""
    parent = task.parent
    if parent is None or parent.task_spec.name == task.task_spec.name:
        return False
    return any(
        sibling is not task and sibling.task_spec is task.task_spec and sibling.state == TaskState.READY
        for sibling in parent.children
    )


def _is_timer_spec(spec, task=None) -> bool:
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, TimerEventDefinition):
        return True
    # Behind an event-based gateway the event's definition has moved to the gateway; the
    # spec's own timer properties still say what it was.
    return bool(task_properties(spec).get("dueOn")) and not getattr(spec, "manual", False)


def _dated_timer(definition) -> bool:
    """A timer (or an event-based gateway's events) whose timers are all set for a date. The
    gateway's timers share one cached value, so one with a duration keeps the gateway's."""
    inner = getattr(definition, "event_definitions", [definition])
    timers = [d for d in inner if isinstance(d, TimerEventDefinition)]
    return bool(timers) and all(isinstance(d, TimeDateEventDefinition) for d in timers)


def _window_gateway(workflow: BpmnWorkflow, window: str):
    """The newest finished event-based gateway whose timer output is the window ``window`` and
    whose other output waits for the appeal message."""
    found = None
    for task in workflow.get_tasks(state=TaskState.COMPLETED):
        spec = task.task_spec
        if type(spec).__name__ != "EventBasedGateway":
            continue
        windows = {task_properties(output).get("deadline") for output in spec.outputs}
        if window in windows and _waits_for(task, APPEAL_MESSAGE):
            if found is None or task.last_state_change > found.last_state_change:
                found = task
    return found


def _waits_for(task, message_name: str) -> bool:
    definition = getattr(task.task_spec, "event_definition", None)
    if definition is None:
        return False
    inner = getattr(definition, "event_definitions", [definition])
    return any(isinstance(d, MessageEventDefinition) and d.name == message_name for d in inner)


def next_timer_at(workflow: BpmnWorkflow) -> datetime | None:
    """When the earliest waiting timer is due. Read from each waiting task's evaluated timer value,
    which also covers timers behind an event-based gateway (``waiting_events`` gives those no value)."""
    dues = []
    for task in workflow.event_manager.tasks.values():
        value = task.internal_data.get("event_value")
        if isinstance(value, str):
            try:
                dues.append(TimerEventDefinition.parse_time_or_duration(value))
            except (ValueError, TypeError):
                continue
    return min(dues) if dues else None


def _latest_data(live: list) -> dict[str, Any]:
    """The case data as it stands in an unfinished workflow: the newest task's, of its ready,
    waiting and completed tasks (``live``).

    The process's end join waits with no data of its own from the moment any branch ends (an
    escalation fired as the case opened), so it is never where the case stands."""
    tasks = [t for t in live if t.data and type(t.task_spec).__name__ != "_EndJoin"]
    newest = max(tasks, key=lambda t: t.last_state_change, default=None)
    return dict(newest.data) if newest else {}


def _failure(exc: Exception) -> WorkflowError:
    """SpiffWorkflow's or the sandbox's error as ours, naming the element that failed."""
    task_spec = getattr(exc, "task_spec", None) or getattr(getattr(exc, "task", None), "task_spec", None)
    element = getattr(exc, "element", None) or getattr(exc.__cause__, "element", None)
    return WorkflowError(str(exc), element or getattr(task_spec, "bpmn_id", None))
