"""The case as a task page shows it beside the form: which case, whose, the key dates, who holds
the task, and for a task that contacts people, how to reach them (issue 12, "Every task page").

Council staff see the victims and the applicant; a partner agency sees the victims' names and
addresses only, as its part of the case does (app/presenters/case_file.py ``partner_case``), and
never a staff e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app import clock
from app.domain.labels import applicant_type_label, stage_label
from app.models import CaseTask, TaskStatus, User
from app.presenters.case_file import Person, application_view
from app.services import councils, restrictions

if TYPE_CHECKING:
    from app.web.due_dates import DueDate

# The forms whose work is to reach the victim or the applicant (acknowledge, ask for consent,
# invite to the review, tell the outcome): their pages show each person's contact details.
CONTACT_FORMS = frozenset({"acknowledge", "verify_consent", "contact_victim", "notify_outcome"})


@dataclass(frozen=True)
class Holder:
    """Who holds the task, in words: "unclaimed", "you", or someone by name."""

    state: str  # unclaimed, mine, someone_else, done
    text: str


@dataclass(frozen=True)
class CaseSummary:
    case_id: int
    reference: str
    council: str
    stage: str
    victims: list[str]  # names; staff also see "(vulnerable)"
    applicant: str  # staff only: who applied, when not the victim ("" otherwise)
    received_on: date
    clock_started_on: date | None
    clock_awaits_consent: bool
    task_due: DueDate
    holder: Holder
    contacts: list[Person]  # staff, contact tasks only


def case_summary(task: CaseTask, user: User, *, staff: bool, today: date | None = None) -> CaseSummary:
    from app.web.due_dates import describe_due_date  # app.web imports the presenters: imported late

    case = task.case
    policy = councils.policy_for(case.council_id)
    today = today or clock.today()
    application = restrictions.application_for(user, case)  # a restricted person withheld
    victims = application.get("victims") or []
    names = [
        (v.get("name") or "Not given") + (" (vulnerable)" if staff and v.get("vulnerable") else "")
        for v in victims
    ]
    applicant = ""
    if staff and application.get("applicant_type") not in (None, "victim"):
        who = application.get("applicant") or {}
        parts = [who.get("name"), who.get("organisation"), who.get("relationship_to_victim")]
        named = ", ".join(p for p in parts if p)
        kind = applicant_type_label(application.get("applicant_type"))
        applicant = f"{named} ({kind.lower()})" if named else kind
    return CaseSummary(
        case_id=case.id,
        reference=case.reference,
        council=policy.name,
        stage=stage_label(case.stage),
        victims=names,
        applicant=applicant,
        received_on=case.received_on,
        clock_started_on=case.clock_started_on,
        clock_awaits_consent=case.clock_started_on is None,
        task_due=describe_due_date(task.due_on, today, policy.calendar),
        holder=holder(task, user, staff=staff),
        contacts=application_view(case, application).people
        if staff and task.form_key in CONTACT_FORMS
        else [],
    )


def holder(task: CaseTask, user: User, *, staff: bool) -> Holder:
    """Partners read names only: staff e-mail addresses are not theirs to see."""

    def named(person: User | None) -> str:
        if person is None:
            return "someone who has since left"
        return f"{person.name} ({person.email})" if staff else person.name

    if task.status == TaskStatus.COMPLETED:
        # Completing a task claims it, so its holder is who completed it.
        who = "you" if task.assignee_id == user.id else named(task.assignee)
        return Holder("done", f"This task was completed by {who}.")
    if task.status != TaskStatus.OPEN:
        return Holder("done", f"This task was {task.status}.")
    if task.assignee_id is None:
        return Holder("unclaimed", "Nobody has claimed this task. Completing it claims it for you.")
    if task.assignee_id == user.id:
        return Holder("mine", "You have claimed this task.")
    return Holder("someone_else", f"Claimed by {named(task.assignee)}.")
