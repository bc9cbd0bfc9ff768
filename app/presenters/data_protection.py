"""What a council's data protection staff may do on a case page (issue 17): anonymise a closed
case, restrict or lift the restriction of each person's data on an open one. None for anyone
else: the section is theirs alone."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.calendar import govuk_date
from app.models import Case, CaseStatus, User
from app.services import anonymise, restrictions


@dataclass(frozen=True)
class PersonAction:
    heading: str  # "Victim 1"
    name: str
    state: str  # "Restricted since 2 December 2026" or "Not restricted"
    action: str  # "Restrict their data" or "Lift the restriction"
    href: str


@dataclass(frozen=True)
class DataProtectionActions:
    anonymise_href: str | None  # a closed case not anonymised yet
    people: list[PersonAction]  # an open case's people


def data_protection_actions(user: User, case: Case) -> DataProtectionActions | None:
    if not restrictions.may_restrict(user, case) and not anonymise.may_anonymise(user, case):
        return None
    closed = case.status == CaseStatus.CLOSED
    people = []
    if not closed:
        for person in restrictions.people_of(case):
            restricted = person.restricted
            people.append(
                PersonAction(
                    heading=person.heading,
                    name=person.name,
                    state=f"Restricted since {govuk_date(restricted.restricted_at)}"
                    if restricted
                    else "Not restricted",
                    action="Lift the restriction" if restricted else "Restrict their data",
                    href=f"/cases/{case.id}/restriction/{person.key}",
                )
            )
    anonymise_href = f"/cases/{case.id}/anonymise" if closed and case.anonymised_at is None else None
    return DataProtectionActions(anonymise_href=anonymise_href, people=people)
