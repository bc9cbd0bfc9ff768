"""Use cases on cases: open one from an application, read it, list them, lodge an appeal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain import eligibility
from app.domain.calendar import format_date
from app.domain.deadlines import is_window, received_in_window
from app.engine.runtime import CaseRun, NotWaitingForMessage, WorkflowError
from app.extensions import db
from app.models import PARTNER_ROLES, Appeal, Case, CaseStatus, Role, User
from app.services import council_settings, councils, status_links
from app.services.case_runs import add_history, apply_run, new_run, run_case
from app.store import cases as case_store
from app.store import dashboard as dashboard_store
from app.store import processes as process_store
from app.store.dashboard import CaseFigure

# Roles that may open a case on behalf of an applicant, and see every case of their council.
CASE_ROLES = {
    Role.COMMUNITY_SAFETY_OFFICER, Role.COMMUNITY_SAFETY_MANAGER, Role.PANEL_CHAIR,
    Role.APPEAL_BODY, Role.PROCESS_OWNER, Role.ADMIN,
}  # fmt: skip
CREATE_ROLES = {Role.COMMUNITY_SAFETY_OFFICER, Role.COMMUNITY_SAFETY_MANAGER, Role.ADMIN}
# Roles that see every case of their council as staff do: CASE_ROLES, and its data protection
# staff, who anonymise and restrict (issue 17) but work no task (tasks go by CASE_ROLES).
VIEW_ROLES = CASE_ROLES | {Role.DATA_PROTECTION}


class CaseNotFound(Exception):
    pass


class CaseForbidden(Exception):
    pass


class CaseConflict(Exception):
    """The case changed underneath the request, or the request does not fit the case's state."""


class CaseBroken(Exception):
    """The case's diagram failed while running; nothing was saved."""


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _iso(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_iso(v) for v in value]
    return value


def workflow_data(application: dict[str, Any], council) -> dict[str, Any]:
    """What the diagram sees of an application: facts for its conditions, no personal details."""
    consent = application.get("consent") or {}
    applicant_type = application["applicant_type"]
    consent_given = bool(consent.get("given"))
    received_on = date.fromisoformat(application["received_on"])
    clock_start = eligibility.clock_started_on(
        received_on, applicant_type, consent_given, council.consent.clock_starts
    )
    return {
        "council": council.id,
        "received_on": application["received_on"],
        # The statutory limits run from here; None until consent is recorded where the council
        # counts from the completed application (the diagram's verify_consent starts it).
        "clock_started_on": clock_start.isoformat() if clock_start else None,
        "channel": application["channel"],
        "applicant_type": applicant_type,
        "consent_needed": eligibility.consent_required(applicant_type),
        "consent_given": consent_given,
        # Consent sent with the application arrived with it (a letter dated earlier included).
        "consent_received_on": max(consent.get("received_on") or "", application["received_on"])
        if consent_given
        else None,
        "consent_within_days": council.consent.follow_up_days,
        "victim_vulnerable": any(v.get("vulnerable") for v in application.get("victims", [])),
        "under_18_involved": bool(application.get("under_18_involved")),
        "incidents": application.get("incidents", []),
        "discretionary": application.get("discretionary"),
        "review_offered": council.not_met_review.offered,
        "review_within_days": council.review_within_days,
        "appeal_within_days": council.appeal.within_days,
        # Schedule 4 para 3: an ineligible decision can be challenged like a refusal.
        "ineligible_review_within_days": council.ineligible_review_policy.within_days,
    }


def open_case(council_id: str, application: dict[str, Any], actor: str) -> Case:
    """Open a case from a validated application (dates as date objects); commits."""
    received_on = application["received_on"]
    # The policy in force on the day it was received applies to the case for good.
    council = council_settings.settings_at_receipt(council_id, received_on)
    version = process_store.active_version_for(council_id)
    if council is None:
        raise CaseNotFound(council_id)
    if version is None:  # a council just added: its cases start once a version is put live
        raise CaseConflict(
            f"{council.name} takes no applications yet: its process owner has put no version live."
        )
    stored = _iso(application)
    now = clock.now()
    number = case_store.next_case_number(council_id, received_on.year)
    case = Case(
        council_id=council_id,
        reference=f"{council.reference_prefix}-{received_on.year}-{number:04d}",
        process_version=version,
        process_version_id=version.id,
        status=CaseStatus.OPEN,
        stage="acknowledgement",
        received_on=received_on,
        clock_started_on=None,  # set from the workflow's data by the first run
        settings_version=council.settings_version,
        application=stored,
        workflow="",
        created_at=now,
        updated_at=now,
    )
    db.session.add(case)
    db.session.flush()
    case_store.index_case_for_search(case)
    add_history(case, actor, "case_opened", f"Application received by {stored['channel']}")
    run = new_run(case)
    try:
        workflow = run.start(workflow_data(stored, council))
    except WorkflowError as exc:
        db.session.rollback()
        raise CaseBroken(str(exc)) from exc
    snapshot = run.snapshot(workflow)
    case.workflow = run.dump(workflow)
    apply_run(case, run.effects, snapshot, actor, run.now)
    # The private status link of whoever applied (the one their acknowledgement will carry); the
    # token exists only on this object, never stored.
    case.status_token = status_links.token_for(case, status_links.applicant_role(stored))
    db.session.commit()
    return case


def visible_case(user: User, case_id: int) -> Case:
    """The case if the user may see it; CaseNotFound otherwise (never saying it exists)."""
    staff = staff_councils(user)
    case = case_store.get_case_in(case_id, staff) if staff else None
    if case is None and user.agency:
        partner_councils = [c for c in user.council_ids if user.roles_in(c) & PARTNER_ROLES]
        case = case_store.get_case_for_agency(case_id, partner_councils, user.agency)
    if case is None:
        raise CaseNotFound(case_id)
    return case


def list_cases(user: User, *, council: str | None, status: str | None, stage: str | None, overdue: bool,
               page: int, per_page: int, q: str | None = None, with_deadlines: bool = False,
               county: str | None = None, figure: CaseFigure | None = None) -> tuple[list[Case], int]:  # fmt: skip
    """A page of the cases the user may see, newest first, and their total. ``q`` searches the
    reference, the victims' and applicant's names and e-mail addresses, and postcodes; ``county``
    keeps the cases of its councils; ``figure`` the cases a figure of the managers' dashboard
    counted (app/store/dashboard.py)."""
    today = clock.today()
    overdue_on = today if overdue else None
    staff = [c for c in staff_councils(user, council) if _in_county(c, county)]
    if staff:
        scope = staff
        query = case_store.cases_query(
            staff, status=status, stage=stage, overdue_on=overdue_on, q=q, with_deadlines=with_deadlines
        )
    else:
        scope = [
            c
            for c in user.council_ids
            if user.roles_in(c) & PARTNER_ROLES and council in (None, c) and _in_county(c, county)
        ]
        if not scope or not user.agency:
            return [], 0
        query = case_store.cases_query(
            scope, status=status, stage=stage, overdue_on=overdue_on, agency=user.agency, q=q
        )
    if figure is not None:
        query = query.where(Case.id.in_(dashboard_store.figure_cases(figure, scope, today)))
    return case_store.page_of(query, page, per_page)


def _in_county(council_id: str, county: str | None) -> bool:
    policy = councils.policy_for(council_id)
    return county is None or (policy is not None and policy.county == county)


def staff_councils(user: User, council: str | None = None) -> list[str]:
    """The councils (or the one asked for) whose every case the user may see as staff."""
    return [c for c in user.council_ids if user.roles_in(c) & VIEW_ROLES and council in (None, c)]


def lodge_appeal(user: User, case: Case, received_on: date, grounds: str) -> Case:
    """Lodge an appeal (or a request to review a refusal or an ineligible decision) on a case the
    user can see (``visible_case``).

    It is judged by when it was received: inside the open window it is accepted even when the
    window's timer has closed the case meanwhile (the case reopens, and the history says why);
    after the window's last day it is refused naming that day.
    """
    if user.roles_in(case.council_id) & PARTNER_ROLES and not (user.roles_in(case.council_id) & CASE_ROLES):
        raise CaseForbidden("Partner agencies cannot lodge appeals.")
    if case.anonymised_at is not None:
        raise CaseConflict(
            f"Case {case.reference} was anonymised on {format_date(case.anonymised_at.astimezone(LOCAL_TIMEZONE).date())}; "
            "it cannot be reopened."
        )
    window = open_window(case)
    if window is not None and not received_in_window(received_on, window.due_on):
        raise CaseConflict(
            f"The window for this {_challenge_noun(window.key)} closed on {format_date(window.due_on)} "
            f"(its last day); one received on {format_date(received_on)} is too late."
        )
    reopen = case.status != CaseStatus.OPEN
    if reopen and window is None:
        raise CaseConflict("The case is closed; no appeal can be made now.")
    kind = appeal_kind(m.key for m in case.milestones)
    received_at = datetime.combine(received_on, time.min, LOCAL_TIMEZONE)
    payload = {"appeal_received_on": received_on.isoformat(), "appeal_grounds": grounds}

    def deliver(run: CaseRun, workflow) -> None:
        if reopen:
            run.reopen_window(workflow, window.key, received_at)
        run.deliver_appeal(workflow, payload, received_at)

    with saving_case():
        if reopen:
            closed_on = case.closed_at.astimezone(LOCAL_TIMEZONE).date() if case.closed_at else None
            add_history(
                case,
                user.email,
                "case_reopened",
                f"{_challenge_noun(window.key).capitalize()} received on {format_date(received_on)}, "
                f"inside the window that ended on {format_date(window.due_on)}; the window's timer "
                f"had closed the case{f' on {format_date(closed_on)}' if closed_on else ''}.",
            )
            case.status, case.closed_at = CaseStatus.OPEN, None
        _run_or_conflict(case, user.email, deliver)
        appeal = Appeal(case_id=case.id, kind=kind, received_on=received_on, grounds=grounds,
                        lodged_at=clock.now(), lodged_by=user.email)  # fmt: skip
        case.appeals.append(appeal)
        db.session.add(appeal)
    return case


def open_window(case: Case):
    """The challenge window the case has open (not used yet), the newest if several: a
    ``*_window`` deadline with no done date."""
    windows = [d for d in case.deadlines if d.done_on is None and is_window(d.key)]
    return max(windows, key=lambda d: d.due_on, default=None)


def _challenge_noun(window_key: str) -> str:
    return "appeal" if window_key == "appeal_window" else "review request"


def appeal_kind(milestones: Iterable[str]) -> str:
    """Before a "met" decision an appeal is a request to review the refusal (or the ineligible
    decision); after it, an appeal of the outcome."""
    keys = set(milestones)
    decided = keys & {"threshold_not_met", "threshold_met"}
    if decided == {"threshold_not_met"} or (not decided and "ineligible" in keys):
        return "review_request"
    return "appeal"


def _run_or_conflict(case: Case, actor: str, operation) -> None:
    try:
        run_case(case, actor, operation)
    except NotWaitingForMessage:
        raise CaseConflict("No appeal or review can be made at this stage of the case.") from None
    except WorkflowError as exc:
        raise CaseBroken(str(exc)) from exc


@contextmanager
def saving_case() -> Iterator[None]:
    """Wrap a change to a case and commit it. A race with another change to the same case (its
    version moved on, or SQLite's write lock) rolls everything back and becomes a conflict."""
    try:
        yield
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise CaseConflict(
            "The case was changed by someone else at the same time; nothing was saved."
        ) from None
    except OperationalError as exc:
        db.session.rollback()
        if "locked" in str(exc).lower():
            raise CaseConflict("The case is being changed by someone else; try again.") from None
        raise
    except BaseException:
        db.session.rollback()
        raise
