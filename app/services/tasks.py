"""Use cases on tasks: the inbox, reading one with its form, claiming, and completing it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain import actions, bodies, eligibility
from app.domain.threshold import (
    ThresholdPolicy,
    ThresholdResult,
    evaluate_confirmed_records,
    incidents_from_data,
    refusal_barred,
)
from app.engine.runtime import CaseRun, TaskNotReady, WorkflowError
from app.extensions import db
from app.models import CaseTask, Role, TaskStatus, User
from app.models.user import normalise_email
from app.observability import metrics
from app.services import case_runs
from app.services import cases as case_service
from app.services.cases import CaseBroken, CaseConflict, saving_case
from app.services.timers import fire_case_timers
from app.store import cases as case_store
from app.store import tasks as task_store
from forms import FormContext, FormError, load_form

STAFF_ROLES = {
    Role.COMMUNITY_SAFETY_OFFICER,
    Role.COMMUNITY_SAFETY_MANAGER,
    Role.PANEL_CHAIR,
    Role.APPEAL_BODY,
}
# A manager may also work the officers' tasks (escalations land with them); a partner manager
# works their agency's tasks as its partners do.
ROLES_WORKED_BY = {
    Role.COMMUNITY_SAFETY_MANAGER: {Role.COMMUNITY_SAFETY_OFFICER, Role.COMMUNITY_SAFETY_MANAGER},
    Role.PARTNER_MANAGER: {Role.PARTNER_AGENCY},
}
SEE_ALL_ROLES = {Role.COMMUNITY_SAFETY_MANAGER, Role.PROCESS_OWNER, Role.ADMIN}


class TaskNotFound(Exception):
    pass


class TaskForbidden(Exception):
    pass


def worked_roles(user: User, council_id: str) -> set[str]:
    """The task roles (lanes) whose tasks this user may claim and complete at a council."""
    roles: set[str] = set()
    for role in user.roles_in(council_id):
        roles |= {str(r) for r in ROLES_WORKED_BY.get(role, {role})}
    return roles


def visible_roles(user: User, council_id: str, scope: str) -> set[str]:
    held = user.roles_in(council_id)
    if scope == "all" and held & SEE_ALL_ROLES:
        return {
            "community_safety_officer",
            "community_safety_manager",
            "partner_agency",
            "panel_chair",
            "appeal_body",
        }
    return worked_roles(user, council_id)


def inbox(
    user: User,
    *,
    scope: str,
    council: str | None,
    overdue: bool,
    page: int,
    per_page: int,
    stage: str | None = None,
    claimed: bool | None = None,
    due_by: date | None = None,
    assignee_id: int | None = None,
    escalated: bool = False,
):
    """A page of the open tasks the user may see, overdue first, and their total.

    ``claimed``: True keeps the tasks claimed by the user, False the unclaimed ones, None both.
    ``escalated``: only the tasks whose escalation reached the user (``escalation_reach``),
    whoever holds them.
    """
    if escalated:
        scope = "all"  # an escalation is the manager's to chase, whoever holds the task
    councils = [c for c in user.council_ids if council in (None, c)]
    roles_by_council = {c: visible_roles(user, c, scope) for c in councils}
    roles_by_council = {c: r for c, r in roles_by_council.items() if r}
    is_partner_only = not any(user.roles_in(c) & case_service.CASE_ROLES for c in councils)
    today = clock.today()
    query = task_store.inbox_query(
        roles_by_council=roles_by_council,
        user_id=user.id,
        agency=user.agency if is_partner_only else None,
        scope=scope,
        overdue_on=today if overdue else None,
        today=today,
        stage=stage,
        claimed=claimed,
        due_by=due_by,
        assignee_id=assignee_id,
        escalated_to={c: escalation_reach(user, c) for c in roles_by_council} if escalated else None,
    )
    return case_store.page_of(query, page, per_page)


def escalation_reach(user: User, council_id: str) -> tuple[set[str], str | None]:
    """Whose escalations reach the user at a council: those to a role they hold there, and as a
    partner manager those naming their agency (an overdue action it owns, issue 15)."""
    held = user.roles_in(council_id)
    return {str(r) for r in held}, user.agency if Role.PARTNER_MANAGER in held else None


OVERVIEW_ROLES = {Role.COMMUNITY_SAFETY_MANAGER, Role.ADMIN}


def overview_councils(user: User) -> list[str]:
    """The councils whose whole workload the user oversees (managers and admins)."""
    return [c for c in user.council_ids if user.roles_in(c) & OVERVIEW_ROLES]


def due_this_week(user: User, council: str, page: int, per_page: int):
    """Every open task of a council that is overdue or due by the end of this week (Sunday)."""
    if council not in overview_councils(user):
        raise TaskForbidden("Only managers see the whole council's workload.")
    today = clock.today()
    sunday = today + timedelta(days=6 - today.weekday())
    return inbox(
        user, scope="all", council=council, overdue=False, page=page, per_page=per_page, due_by=sunday
    )


@dataclass(frozen=True)
class Workload:
    person: User | None  # None: the council's unclaimed tasks
    open: int
    overdue: int


def team_workload(manager: User, council: str) -> list[Workload]:
    """Each member of a council's staff with their open and overdue tasks, the most overdue
    first, then the unclaimed tasks; for the council's managers only."""
    if council not in overview_councils(manager):
        raise TaskForbidden("Only managers see the team's work.")
    work = task_store.open_work_by_assignee(council, clock.today())
    people = {p.id: p for p in task_store.members_of_roles(council, {str(r) for r in STAFF_ROLES})}
    # Someone who holds tasks without a staff role (a partner, someone who left the role) too.
    for person_id in work.keys() - people.keys() - {None}:
        person = db.session.get(User, person_id)
        if person is not None:
            people[person_id] = person
    rows = [Workload(p, *work.get(p.id, (0, 0))) for p in people.values()]
    rows.sort(key=lambda w: (-w.overdue, -w.open, w.person.name if w.person else ""))
    return [*rows, Workload(None, *work.get(None, (0, 0)))]


def team_member(manager: User, council: str, person_id: int) -> User | None:
    """Someone of the council, for its managers; None for anyone else."""
    if council not in overview_councils(manager):
        raise TaskForbidden("Only managers see the team's work.")
    person = db.session.get(User, person_id)
    return person if person is not None and council in person.council_ids else None


def work_of(manager: User, council: str, person_id: int, page: int, per_page: int):
    """A page of one person's open tasks at a council, overdue first; for its managers only."""
    if council not in overview_councils(manager):
        raise TaskForbidden("Only managers see the team's work.")
    return inbox(
        manager, scope="all", council=council, overdue=False, page=page, per_page=per_page,
        assignee_id=person_id,
    )  # fmt: skip


def visible_task(user: User, task_id: int, *, whole_case: bool = False) -> CaseTask:
    """The task if the user may see it, else TaskNotFound; ``whole_case`` loads its case with
    it, all that ``complete_task`` reads, in the same queries."""
    task = task_store.get_task_in(task_id, user.council_ids, whole_case=whole_case)
    if task is None or not _may_see(user, task):
        raise TaskNotFound(task_id)
    return task


def _may_see(user: User, task: CaseTask) -> bool:
    held = user.roles_in(task.council_id)
    if held & case_service.CASE_ROLES:
        return True  # council staff see every task of their council (data_protection alone: none)
    return task.role == Role.PARTNER_AGENCY and task.agency in (None, user.agency)


def _check_may_work(user: User, task: CaseTask) -> None:
    if task.role not in worked_roles(user, task.council_id):
        raise TaskForbidden(f"This task is for the {task.role.replace('_', ' ')} role.")
    if task.role == Role.PARTNER_AGENCY and task.agency not in (None, user.agency):
        raise TaskForbidden("This task is for another agency.")


def may_work(user: User, task: CaseTask) -> bool:
    """Whether the user may claim and complete the task (its lane, and for a partner its agency)."""
    try:
        _check_may_work(user, task)
    except TaskForbidden:
        return False
    return user.active


def claim_task(user: User, task_id: int) -> CaseTask:
    return _change_assignee(user, task_id, lambda task: task_store.claim(task.id, user.id))


def unclaim_task(user: User, task_id: int) -> CaseTask:
    # A manager may take a task back from whoever holds it (e.g. someone on leave).
    def unclaim(task: CaseTask) -> bool:
        return task_store.unclaim(task.id, user.id, force=manages(user, task))

    return _change_assignee(user, task_id, unclaim)


def _change_assignee(user: User, task_id: int, change) -> CaseTask:
    """Apply one conditional UPDATE of the task's assignee; a lost race is a conflict."""
    task = visible_task(user, task_id)
    _check_may_work(user, task)
    if not change(task):
        db.session.rollback()
        raise CaseConflict(_why_not_open(task, user))
    db.session.commit()
    db.session.refresh(task)
    return task


def manages(user: User, task: CaseTask) -> bool:
    """Whether the user manages the task, so may give it to someone or take it back from whoever
    holds it: "a manager gives an open task to a member of the lane's role at that council"
    (API.md, POST /api/v1/tasks/{id}/assign). A community safety manager manages every task of
    their council; a partner manager the tasks asked of their agency."""
    held = user.roles_in(task.council_id)
    if Role.COMMUNITY_SAFETY_MANAGER in held:
        return True
    return Role.PARTNER_MANAGER in held and task.role == Role.PARTNER_AGENCY and task.agency == user.agency


def check_may_assign(user: User, task: CaseTask) -> None:
    if not manages(user, task):
        raise TaskForbidden(
            "Only a community safety manager of the task's council, or a partner manager of the "
            "agency it is asked of, assigns it."
        )


def people_for_task(task: CaseTask) -> list[User]:
    """Whoever may work the task at its council: the holders of its role (and the roles that work
    it, as managers work officers' tasks); for a partner's task, only the agency it is for."""
    holders = {str(held) for held, worked in ROLES_WORKED_BY.items() if task.role in worked}
    holders.add(task.role)
    agency = task.agency if task.role == Role.PARTNER_AGENCY else None
    return task_store.members_of_roles(task.council_id, holders, agency)


def assign_task(manager: User, task_id: int, email: str) -> CaseTask:
    """A manager gives an open task to someone who works its role at its council (or takes it
    from whoever holds it, to give it to someone else); the case history records who gave it to
    whom. Not visible: TaskNotFound; not a manager: TaskForbidden; not someone who works the task:
    FormError on ``user``; no longer open: CaseConflict."""
    task = visible_task(manager, task_id)
    check_may_assign(manager, task)
    wanted = normalise_email(email)
    assignee = next((person for person in people_for_task(task) if person.email == wanted), None)
    if assignee is None:
        # The same words whether the address is unknown or someone else's: no user is revealed.
        raise FormError(
            "assign",
            {
                "user": [
                    f"No one with this e-mail address works the {task.role.replace('_', ' ')} tasks "
                    "of this council."
                ]
            },  # fmt: skip
        )
    previous = task.assignee.email if task.assignee else None
    if previous == assignee.email and task.status == TaskStatus.OPEN:
        return task
    if not task_store.assign(task.id, assignee.id):
        db.session.rollback()
        raise CaseConflict(_why_not_open(task, manager))
    was = f"from {previous}" if previous else "unclaimed until now"
    case_runs.add_history(
        task.case, manager.email, "task_assigned", f"‘{task.name}’ given to {assignee.email} ({was})"
    )
    db.session.commit()
    db.session.refresh(task)
    return task


def _why_not_open(task: CaseTask, user: User) -> str:
    db.session.refresh(task)
    if task.status != TaskStatus.OPEN:
        return f"The task is {task.status}."
    if task.assignee_id not in (None, user.id):
        return "The task is claimed by someone else."
    return "The task changed; reload it."


def complete_task(user: User, task: CaseTask, body: Any):
    """Complete a task the user can see (``visible_task``) with its form's data; returns the case."""
    _check_may_work(user, task)
    if task.status != TaskStatus.OPEN:
        raise CaseConflict(f"The task is {task.status}.")
    if task.assignee_id not in (None, user.id):
        raise CaseConflict("The task is claimed by someone else.")
    case = case_store.get_whole_case(task.case_id)
    context = FormContext(
        today=clock.today(),
        received_on=case.received_on,
        under_18_involved=bool((case.application or {}).get("under_18_involved")),
    )
    data = load_form(task.form_key, body, context)
    check_against_case(task.form_key, case.application or {}, task.agency, data)
    data = complete_defaults(task.form_key, case, data)
    if data.get("close_without_consent"):
        follow_up = next((d.due_on for d in case.deadlines if d.key == "consent_follow_up"), None)
        try:
            eligibility.check_may_close_without_consent(follow_up, clock.today())
        except eligibility.ConsentStillAwaited as exc:
            raise CaseConflict(str(exc)) from None

    def complete(run: CaseRun, workflow) -> None:
        check = FORM_CHECKS.get(task.form_key)
        if check is not None:
            check(run.user_task_data(workflow, task.spiff_id), data, run.handler_context["council"].threshold)
        run.complete_user_task(workflow, task.spiff_id, data)

    with saving_case():
        now = clock.now()
        fire_timers_due_before(case, now)
        task.status, task.completed_at, task.completed_by_id, task.data = (
            TaskStatus.COMPLETED,
            now,
            user.id,
            data,
        )
        # Completing an unclaimed task claims it (issue 12); the history says so.
        claimed_now = task.assignee_id is None
        task.assignee_id = task.assignee_id or user.id
        try:
            case_runs.run_case(case, user.email, complete)
        except TaskNotReady:
            raise CaseConflict("The task is no longer open.") from None
        except WorkflowError as exc:
            raise CaseBroken(str(exc)) from exc
        agencies = form_effect(task.form_key)(
            case, data, by=user.email, on=now.astimezone(LOCAL_TIMEZONE).date()
        )
        if agencies:
            case_runs.add_agencies(case, agencies)
        if claimed_now:
            case_runs.add_history(case, user.email, "task_claimed", f"‘{task.name}’, by completing it", now)
        case_runs.add_history(case, user.email, "task_completed", task.name, now)
    metrics.record_task_completion(task)
    return case


def fire_timers_due_before(case, now) -> None:
    """Fire the case's timers that came due before ``now``, as the sweep would have, before a
    task is completed: the sweep runs every minute or so, and a completion in between must not
    overtake a timer due before it. Otherwise a late report on an action, made before the sweep
    fired the action's overdue timer, completes the task the timer is attached to, and the
    overdue action is never escalated (issue 15). Recorded as the timer's doing, as the sweep
    records it; a timer that takes the task away makes the completion a conflict."""
    if case.next_timer_at is not None and case.next_timer_at <= now:
        fire_case_timers(case, now)


def check_against_case(
    form_key: str, application: dict[str, Any], agency: str | None, data: dict[str, Any]
) -> None:
    """What a form cannot check alone: a body's records check answers each of its own reports,
    once, and no other (app/domain/bodies.py). Raises FormError, as the form does."""
    if form_key == "confirm_reports":
        problems = bodies.answer_problems(application.get("incidents") or [], agency or "", data["reports"])
        if problems:
            raise FormError(form_key, problems)


def complete_defaults(form_key: str, case, data: dict[str, Any]) -> dict[str, Any]:
    if form_key == "threshold_decision":
        evaluation = case.threshold or {}
        if data.get("threshold_met") and not data.get("route"):
            data["route"] = evaluation.get("route") or "qualifying_complaints"
        if not data.get("bodies"):
            # The decision is the relevant bodies' (s.104(1)): those that checked their records.
            data["bodies"] = [c["agency"] for c in evaluation.get("records_checks") or [] if c.get("agency")]
    return data


def confirmed_records_evaluation(case_data: dict[str, Any], policy: ThresholdPolicy) -> ThresholdResult:
    """The evaluation on the agencies' confirmed records of the incidents as the case data holds
    them (the agencies' answers set each report's ``confirmed``)."""
    return evaluate_confirmed_records(
        date.fromisoformat(case_data["received_on"]),
        incidents_from_data(case_data.get("incidents") or []),
        policy,
    )


def check_threshold_decision(
    case_data: dict[str, Any], data: dict[str, Any], policy: ThresholdPolicy
) -> None:
    """Refuse "not met" where the Act obliges the review (RULES.md §2, s.104(4)); either way keep
    the evaluation on the confirmed records with the decision, for the record and the letters."""
    evaluation = confirmed_records_evaluation(case_data, policy)
    barred = refusal_barred(evaluation)
    if data.get("threshold_met") is False and barred:
        raise FormError("threshold_decision", {"threshold_met": [barred]})
    data["threshold_confirmed"] = evaluation.to_dict()


def check_action_report(case_data: dict[str, Any], data: dict[str, Any], policy: ThresholdPolicy) -> None:
    """Which action of the plan a report is on: the one the task's instance is for (the diagram
    numbers the actions; ``action["number"]``)."""
    action = case_data.get("action")
    number = action.get("number") if isinstance(action, dict) else None
    if not isinstance(number, int):
        raise FormError("report_action", {"_schema": ["This task is not about one action of the plan."]})
    data["action_number"] = number


# A check decides, from the case data the task holds, whether a completion the form itself
# accepted is open to the user; it raises FormError (a 422 naming the field) when it is not, and
# may add what it found to the completion's data.
FORM_CHECKS: dict[str, Callable[[dict[str, Any], dict[str, Any], ThresholdPolicy], None]] = {
    "threshold_decision": check_threshold_decision,
    "report_action": check_action_report,
}


def threshold_on_confirmed_records(task: CaseTask) -> ThresholdResult | None:
    """For an open threshold decision, the evaluation on the agencies' confirmed records as its
    completion will be checked against; None for any other task."""
    if task.form_key != "threshold_decision" or task.status != TaskStatus.OPEN:
        return None
    case = case_store.get_whole_case(task.case_id)
    run = case_runs.new_run(case)
    try:
        case_data = run.user_task_data(run.load(case.workflow), task.spiff_id)
    except TaskNotReady:
        return None
    return confirmed_records_evaluation(case_data, run.handler_context["council"].threshold)


# A form effect records what completing a form decides, besides the workflow, on a case or
# anything shaped like one (a test-run's record). It is told who completed the form and on which
# day rather than asking the app clock, and it writes no rows: it returns the agencies the answers
# bring into the case, for the caller to keep (complete_task adds their rows). So the test-run
# runs the very same effects on its own clock without touching the session.
FormEffect = Callable[..., tuple[str, ...]]


def _no_effect(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    return ()


def _record_decision(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    case.decision = {
        "met": data["threshold_met"],
        "route": data.get("route"),
        "by": by,
        "on": on.isoformat(),
        "reasons": data["reasons"],
        "bodies": list(data.get("bodies") or []),
    }
    confirmed = data.get("threshold_confirmed")
    if isinstance(confirmed, dict):
        # What the Act's test found when the decision was made (RULES.md §2: both are kept).
        case.decision["on_confirmed_records"] = {
            key: confirmed.get(key) for key in ("met", "route", "qualifying_count", "required")
        }
    return ()


def _agencies_asked(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    return tuple(data["agencies"])


def _record_outcome(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    case.outcome = {
        "held_on": data["held_on"],
        "findings": data["findings"],
        "recommendations": data.get("recommendations", []),
        "victim_attended": data["victim_attended"],
    }
    # Each recommendation is an action, followed through (issue 15); the agencies that own one
    # are brought into the case, so that their partners see it and their tasks.
    case.action_plan = actions.plan_from(data.get("recommendations") or [])
    return actions.partners_to_bring_in(case.action_plan)


def _record_action_report(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    case.action_plan = actions.with_report(
        case.action_plan,
        data["action_number"],
        done=bool(data.get("done")),
        closed=bool(data.get("closed")),
        note=data.get("note") or "",
        done_on=data.get("done_on"),
        on=on,
        by=by,
    )
    return ()


def _record_appeal_decision(case, data: dict[str, Any], *, by: str, on: date) -> tuple[str, ...]:
    pending = [a for a in case.appeals if a.decided_on is None]
    if pending:
        pending[-1].decided_on = date.fromisoformat(data["decided_on"])
        pending[-1].upheld = data["upheld"]
        pending[-1].reasons = data["reasons"]
    # A review that upholds the applicant against a refusal overturns the threshold decision.
    decision = case.decision or {}
    if data["upheld"] and decision.get("met") is False:
        case.decision = {
            **decision,
            "met": True,
            "overturned": {"by": by, "on": data["decided_on"], "reasons": data["reasons"]},
        }
    return ()


# Keyed by form, so a variant's diagram that reuses a form gets the same behaviour.
FORM_EFFECTS: dict[str, FormEffect] = {
    "threshold_decision": _record_decision,
    "request_information": _agencies_asked,
    "case_review": _record_outcome,
    "decide_appeal": _record_appeal_decision,
    "report_action": _record_action_report,
}


def form_effect(form_key: str) -> FormEffect:
    """The effect of a form, or of the shared form it extends (a variant's case review form that
    subclasses the shared one records the outcome too)."""
    from forms import FORMS

    keys_by_form = {schema: key for key, schema in FORMS.items()}
    for schema in getattr(FORMS.get(form_key), "__mro__", ()):
        key = keys_by_form.get(schema)
        if key in FORM_EFFECTS:
            return FORM_EFFECTS[key]
    return _no_effect


__all__ = [
    "FormError",
    "TaskForbidden",
    "TaskNotFound",
    "assign_task",
    "claim_task",
    "complete_task",
    "inbox",
    "unclaim_task",
]
