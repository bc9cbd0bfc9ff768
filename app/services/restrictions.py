"""Restricting a person's data on an open case (issue 17; UK GDPR Art. 18), and who then sees it.

A council's data protection staff mark one person of a case (a victim, or whoever applied for
them: app/domain/case_people.py names them ``victim-N`` and ``applicant``) restricted, with a
reason, and lift it again. While it stands, only the case's officers and managers (and the data
protection staff, who act on it) see that person's data; everyone else who sees the case (panel
chairs, appeal bodies, process owners, admins, partner agencies) sees it withheld
(app/domain/restriction.py), on every page and in the API alike, because each audience's
presenter asks ``application_for`` for the application it shows, and the letters written to
that person are not listed or opened for them (``withheld_recipients``).

Each change locks the case's row (FOR UPDATE on PostgreSQL; its version on both), is recorded
in the case's history (which person, not why) and in the council's audit list (with the reason),
and is idempotent: restricting a restricted person, or lifting a lifted one, changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from app import clock
from app.domain.case_people import case_people, letter_person_key, person_with_key
from app.domain.restriction import person_heading, withhold
from app.models import Case, CaseRestriction, CaseStatus, Recipient, Role, User
from app.services import audit
from app.services.case_runs import add_history
from app.services.cases import CaseConflict, CaseForbidden, CaseNotFound, saving_case, visible_case
from app.store import cases as case_store
from forms import FormError

RESTRICT_ROLES = {Role.DATA_PROTECTION}
# Who sees a restricted person's data: the case's officers and managers, and the data protection
# staff who restricted it.
SEE_RESTRICTED_ROLES = {Role.COMMUNITY_SAFETY_OFFICER, Role.COMMUNITY_SAFETY_MANAGER, Role.DATA_PROTECTION}


class RestrictionForbidden(CaseForbidden):
    """The user sees the case but is not its council's data protection staff: a 403."""


def restricted_people(case: Case) -> frozenset[str]:
    """The keys of the case's people whose data is restricted now."""
    return frozenset(r.person for r in case.restrictions if r.lifted_at is None)


def withheld_for(user: User, case: Case) -> frozenset[str]:
    """The people of the case whose data ``user`` may not see."""
    if user.roles_in(case.council_id) & SEE_RESTRICTED_ROLES:
        return frozenset()
    return restricted_people(case)


def application_for(user: User, case: Case) -> dict:
    """The case's application as ``user`` may see it: restricted people's data withheld."""
    return withhold(case.application or {}, withheld_for(user, case))


def withheld_recipients(user: User, case: Case) -> frozenset[str]:
    """The recipients (Recipient values) of the case's letters that ``user`` may not open: those
    written to a person whose data is withheld from them."""
    withheld = withheld_for(user, case)
    if not withheld:
        return frozenset()
    return frozenset(
        r.value for r in Recipient if letter_person_key(case.application or {}, r.value) in withheld
    )


def may_restrict(user: User, case: Case) -> bool:
    return bool(user.roles_in(case.council_id) & RESTRICT_ROLES)


def check_may_restrict(user: User, case: Case) -> None:
    if not may_restrict(user, case):
        raise RestrictionForbidden("Only the council's data protection staff restrict a person's data.")


@dataclass(frozen=True)
class PersonRestriction:
    """A person of the case, and how their data stands."""

    key: str
    heading: str  # "Victim 1", "Applicant"
    name: str
    restricted: CaseRestriction | None  # the restriction in force, if any


def people_of(case: Case) -> list[PersonRestriction]:
    """The case's people with the restriction in force on each, for the data protection staff."""
    current = {r.person: r for r in case.restrictions if r.lifted_at is None}
    return [
        PersonRestriction(p.key, person_heading(p.key), p.name, current.get(p.key))
        for p in case_people(case.application or {})
    ]


def set_restriction(user: User, case_id: int, person: str, restricted: bool, reason: str) -> Case:
    """Restrict (``restricted``) or lift the restriction of ``person``'s data on an open case the
    user can see; commits. CaseNotFound, RestrictionForbidden (403), FormError on ``person`` when
    the case has no such person (422), CaseConflict when the case is closed (409)."""
    check_may_restrict(user, visible_case(user, case_id))
    with saving_case():
        case = case_store.lock_whole_case(case_id)
        if case is None:
            raise CaseNotFound(case_id)
        if person_with_key(case.application or {}, person) is None:
            keys = ", ".join(p.key for p in case_people(case.application or {}))
            raise FormError(
                "restriction",
                {"person": [f"Case {case.reference} has no person {person}; its people: {keys}."]},
            )
        if case.status != CaseStatus.OPEN:
            raise CaseConflict(
                f"Case {case.reference} is closed; a restriction is for an open case. Anonymise the "
                "closed case instead."
            )
        current = next((r for r in case.restrictions if r.person == person and r.lifted_at is None), None)
        if restricted == (current is not None):
            return case  # as asked already: nothing changes
        now = clock.now()
        if restricted:
            case.restrictions.append(
                CaseRestriction(
                    case_id=case.id, person=person, reason=reason, restricted_at=now, restricted_by=user.email
                )
            )
            words = (
                f"{person_heading(person)}'s data restricted: only the case's officers and managers see it"
            )
        else:
            current.lifted_at, current.lifted_by, current.lift_reason = now, user.email, reason
            words = f"The restriction of {person_heading(person).lower()}'s data lifted"
        case.updated_at = now  # the case's version moves: a change to who sees what
        add_history(case, user.email, "data_restricted" if restricted else "restriction_lifted", words, now)
        audit.record(
            council_id=case.council_id,
            actor=user.email,
            action="case.restricted" if restricted else "case.restriction_lifted",
            subject=case.reference,
            reason=reason,
            details={"person": person},
        )
    return case
