"""The people an application names, each with a key that stays theirs on the case.

``victim-N`` is the application's N-th victim (1-based, in the order given); ``applicant`` is
whoever applied on the victim's behalf (a third party or an agency). When the victim applied
themselves the application's applicant block, if filled in, is the victim's own, and the victim
is the one person: it has no ``applicant`` key. People are found by these keys in subject access
(``?case_person=17:victim-2``) and restriction (SHARED_DECISIONS.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

APPLICANT = "applicant"
VICTIM = "victim"
# Which fields of a person's block are theirs, as the application schema has them.
VICTIM_FIELDS = ("name", "email", "phone", "address", "vulnerable")
APPLICANT_FIELDS = ("name", "email", "phone", "address", "organisation", "relationship_to_victim")
APPLIED_BY = {"third_party": "a third party", "agency": "an agency"}


@dataclass(frozen=True)
class CasePerson:
    key: str  # "applicant" | "victim-N"
    role: str  # APPLICANT | VICTIM
    record: dict[str, Any]  # their own fields of the application
    applicant_type: str  # the application's: victim | third_party | agency

    @property
    def name(self) -> str:
        return _text(self.record.get("name"))

    @property
    def email(self) -> str:
        return _text(self.record.get("email")).lower()

    @property
    def applied_themselves(self) -> bool:
        """The victim who made a victim's application: its first (a household applies together
        through its first member, as its letters go to them)."""
        return self.key == f"{VICTIM}-1" and self.applicant_type == "victim"

    def capacity(self) -> str:
        """In words, without naming anyone else."""
        if self.role == APPLICANT:
            if self.applicant_type == "agency":
                organisation = _text(self.record.get("organisation"))
                return f"Applicant for an agency{f' ({organisation})' if organisation else ''}, on behalf of the victim"
            relationship = _text(self.record.get("relationship_to_victim"))
            return f"Applicant on behalf of the victim{f' (their {relationship})' if relationship else ''}"
        if self.applied_themselves:
            return "Victim, who applied"
        if self.applicant_type == "victim":
            return "Victim, named in the application"
        return f"Victim, for whom {APPLIED_BY.get(self.applicant_type, 'someone else')} applied"


def case_people(application: dict[str, Any]) -> list[CasePerson]:
    """The application's people: its victims, then whoever applied for them."""
    kind = _text(application.get("applicant_type"))
    people = []
    victims = [v for v in application.get("victims") or [] if isinstance(v, dict)]
    applicant = application.get("applicant") if isinstance(application.get("applicant"), dict) else {}
    for n, victim in enumerate(victims, start=1):
        record = {k: victim[k] for k in VICTIM_FIELDS if k in victim}
        if kind == "victim" and n == 1:
            # The victim may have filled in the applicant block too: their own details, theirs first.
            given = {k: v for k, v in record.items() if v not in ("", None)}
            record = {**{k: applicant[k] for k in VICTIM_FIELDS if _text(applicant.get(k))}, **given}
        people.append(CasePerson(f"{VICTIM}-{n}", VICTIM, record, kind))
    if kind in APPLIED_BY and any(
        _text(applicant.get(k)) for k in ("name", "email", "address", "organisation")
    ):
        people.append(
            CasePerson(
                APPLICANT, APPLICANT, {k: applicant[k] for k in APPLICANT_FIELDS if k in applicant}, kind
            )
        )
    return people


def letter_person_key(application: dict[str, Any], recipient: str) -> str | None:
    """Whose a letter is, by its recipient's role (app/letters/recipients.py): the applicant's
    when it went to whoever applied for the victim, else the victim's it is written to, the first
    the application names (as ``victim_addressee`` picks them)."""
    if recipient == "third_party":
        return APPLICANT
    victims = [v for v in application.get("victims") or [] if isinstance(v, dict)]
    named = [n for n, v in enumerate(victims, start=1) if _text(v.get("name"))]
    if named:
        return f"{VICTIM}-{named[0]}"
    return f"{VICTIM}-1" if victims else None


def person_with_key(application: dict[str, Any], key: str) -> CasePerson | None:
    return next((p for p in case_people(application) if p.key == key), None)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
