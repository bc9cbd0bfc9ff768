"""Anonymising a closed case (issue 17): its personal data replaced, its figures kept.

One service for both ways a case is anonymised: ``ctflow retention`` when the council's
retention period after closure has run out (app/services/retention.py), and a data protection
officer's erasure request (``anonymise_on_request``: ``POST /api/v1/cases/{id}/anonymise`` and
the case page).

What goes (app/domain/anonymisation.py says exactly): the names, contact details and addresses
of the application, every free text (the application's, the threshold decision's reasons, the
task answers, the review's panel and findings, the action plan's descriptions and notes, appeals'
grounds and reasons, history details typed by people), the same inside the serialized workflow,
the letters' bodies and the addresses they were e-mailed to, the case's search terms but its
reference, and its status links (revoked). What stays: the reference, dates, deadlines,
milestones, stage and status, the tasks (who, what, when), the action plan's owners, due dates,
statuses and done dates, appeals' dates and results, the diagram's path; so the statutory
figures (app/services/reports.py, published_figures.py) and the dashboard count the case as
before. Each letter keeps its title, date, recipient (as a role) and outbox dates, and says its
content was removed, when, and why.

An anonymised case is marked (``Case.anonymised_at``); anonymising it again changes nothing.
The case's row is locked while it is done (FOR UPDATE on PostgreSQL, the case's version on
both), so a change racing it (an appeal reopening the case) either waits and is then refused,
or makes this one a conflict; nothing is half-done. Recorded in the case's history and in the
council's audit list, in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, update

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain.anonymisation import PLAIN_HISTORY_EVENTS, REMOVED, scrub, scrub_workflow
from app.domain.calendar import format_date
from app.domain.labels import recipient_label
from app.extensions import db
from app.letters.rendering import render_removed_html
from app.models import Case, CaseStatus, Document, HistoryEntry, Role, StatusLink, User
from app.models.case import forget_loaded_history
from app.models.status_link import forget_live_links
from app.services import audit, council_settings
from app.services.case_runs import add_history
from app.services.cases import CaseConflict, CaseForbidden, CaseNotFound, saving_case, visible_case
from app.store import cases as case_store
from app.store import documents as document_store

# Why a case was anonymised.
RETENTION = "retention"
REQUEST = "request"
# Who may anonymise a case on request: the council's data protection staff, and no one else.
ANONYMISE_ROLES = {Role.DATA_PROTECTION}


class AnonymiseForbidden(CaseForbidden):
    """The user sees the case but is not its council's data protection staff: a 403."""


class AnonymiseRefused(CaseConflict):
    """The case cannot be anonymised as it stands (open, or a letter still being sent): a 409."""


@dataclass(frozen=True)
class Anonymised:
    case: Case
    changed: bool  # False: it had been anonymised already, and nothing changed


def may_anonymise(user: User, case: Case) -> bool:
    return bool(user.roles_in(case.council_id) & ANONYMISE_ROLES)


def check_may_anonymise(user: User, case: Case) -> None:
    if not may_anonymise(user, case):
        raise AnonymiseForbidden("Only the council's data protection staff anonymise a case.")


def anonymise_on_request(user: User, case_id: int, reason: str) -> Anonymised:
    """An erasure request: a data protection officer of the case's council anonymises a closed
    case, giving the reason. CaseNotFound when the user cannot see the case, AnonymiseForbidden
    when they see it without the right, AnonymiseRefused when it is open."""
    case = visible_case(user, case_id)
    check_may_anonymise(user, case)
    return anonymise_case(case.id, actor=user.email, why=REQUEST, reason=reason)


def anonymise_case(case_id: int, *, actor: str, why: str, reason: str | None = None) -> Anonymised:
    """Replace the closed case's personal data (the module's docstring says what); commits.
    ``why``: RETENTION or REQUEST (with the requester's ``reason``)."""
    with saving_case():
        case = case_store.lock_whole_case(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if case.anonymised_at is not None:
            return Anonymised(case, changed=False)
        _check_may_be_anonymised(case)
        now = clock.now()
        notice = _removal_notice(case, why, reason, now)
        case.anonymised_at = now
        _replace_personal_data(case, notice, actor, now)
        add_history(case, actor, "anonymised", notice, now)
        audit.record(
            council_id=case.council_id,
            actor=actor,
            action="case.anonymised",
            subject=case.reference,
            reason=reason if why == REQUEST else notice,
            details={"why": why, "closed_on": _closed_on(case)},
        )
    return Anonymised(case, changed=True)


def _check_may_be_anonymised(case: Case) -> None:
    if case.status != CaseStatus.CLOSED:
        raise AnonymiseRefused(
            f"Case {case.reference} is open (stage: {case.stage.replace('_', ' ')}); only a closed case "
            "can be anonymised. Restrict the person's data instead while it is open."
        )
    waiting = document_store.letters_in_outbox(case.id)
    if waiting:
        raise AnonymiseRefused(
            f"Case {case.reference} still has a letter to send ({waiting[0].title}); anonymise it once "
            "the letter is sent or given up."
        )


def _closed_on(case: Case) -> str | None:
    return case.closed_at.astimezone(LOCAL_TIMEZONE).date().isoformat() if case.closed_at else None


def _removal_notice(case: Case, why: str, reason: str | None, now: datetime) -> str:
    """What the case's history and each of its letters say about the removal."""
    on = format_date(now.astimezone(LOCAL_TIMEZONE).date())
    if why == RETENTION:
        council = council_settings.settings_for(case.council_id)
        years = council.retention_years if council is not None else None
        period = f" ({years} years after the case closed)" if years else ""
        return f"Personal data removed on {on} under the council's retention policy{period}."
    return f"Personal data removed on {on} on request: {reason}"


def _replace_personal_data(case: Case, notice: str, actor: str, now: datetime) -> None:
    with db.session.no_autoflush:
        case.application = scrub(case.application or {})
        case.threshold = scrub(case.threshold)
        case.decision = scrub(case.decision)
        case.outcome = scrub(case.outcome)
        case.action_plan = scrub(case.action_plan)
        case.workflow = scrub_workflow(case.workflow)
        for task in case.tasks:
            task.data = scrub(task.data)
        for appeal in case.appeals:
            appeal.grounds = REMOVED
            appeal.reasons = REMOVED if appeal.reasons else appeal.reasons
        for restriction in case.restrictions:
            restriction.reason = REMOVED
            if restriction.lifted_at is None:
                restriction.lifted_at, restriction.lifted_by = now, actor
                restriction.lift_reason = "The case was anonymised."
            elif restriction.lift_reason:
                restriction.lift_reason = REMOVED
        for document in document_store.documents_with_letters(case.id):
            _remove_letter(document, notice)
    db.session.execute(
        update(HistoryEntry)
        .where(
            HistoryEntry.case_id == case.id,
            HistoryEntry.event.not_in(PLAIN_HISTORY_EVENTS),
            HistoryEntry.detail != "",
        )
        .values(detail=REMOVED)
        .execution_options(synchronize_session=False)
    )
    forget_loaded_history(case)
    db.session.execute(
        update(StatusLink)
        .where(StatusLink.case_id == case.id)
        .values(nonce=None, revoked_at=func.coalesce(StatusLink.revoked_at, now))
        .execution_options(synchronize_session=False)
    )
    forget_live_links(case)
    case_store.index_case_for_search(case)  # its reference alone, now that it is anonymised


def _remove_letter(document: Document, notice: str) -> None:
    """The letter's metadata kept, its content replaced by the notice."""
    council: dict[str, Any] = dict(document.data.get("council") or {})
    snapshot = {
        "kind": document.kind,
        "title": document.title,
        "heading": document.data.get("heading") or document.title,
        "reference": document.data.get("reference") or "",
        "issued_on": document.issued_on.isoformat(),
        "recipient": {"role": document.recipient},
        "recipient_label": recipient_label(document.recipient),
        "council": {key: council.get(key) or "" for key in ("id", "name", "team")},
        "removed": {"notice": notice},
    }
    document.data = snapshot
    document.html = render_removed_html(snapshot)
    document.email_to = None
    document.email_last_error = None
