"""Who a letter goes to, from the application as it was received.

- CT1 acknowledges the application to the victim: ``applicant`` when the victim applied,
  ``victim`` when someone applied for them.
- CT2 acknowledges it to the person or agency who applied on the victim's behalf
  (``third_party``).
- Every other letter goes to the victim, with a copy to whoever applied on their behalf once
  the victim's consent is recorded: their consent covers that person "receiv[ing] information
  about the application" (Derby City's notes, line 128). Before it, the person who applied gets
  nothing about the case but CT2 and, if consent never comes, the letter closing the case.

"The victim" is the first victim the application names (a household applying together is
written to through its first member). A letter whose recipient cannot be identified at all (an
anonymous application) is still issued, to "Sir or Madam", and kept on the case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.models.document import Recipient

ACKNOWLEDGEMENTS_TO_VICTIM = {"CT1"}
ACKNOWLEDGEMENTS_TO_THIRD_PARTY = {"CT2"}
# What the person who applied for the victim is sent whether or not consent is recorded: these
# say nothing about the case but that it exists.
WITHOUT_CONSENT = {"CT2", "consent_not_given"}


@dataclass(frozen=True)
class Addressee:
    role: str  # a Recipient value
    name: str
    email: str | None
    address_lines: tuple[str, ...]
    organisation: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "name": self.name,
            "organisation": self.organisation,
            "address_lines": list(self.address_lines),
            "email": self.email,
        }


def recipients_for(
    kind: str, application: dict[str, Any], data: dict[str, Any] | None = None
) -> list[Addressee]:
    """Who gets letter ``kind``; ``data`` is the case data when it is issued (whether the
    victim's consent has been recorded since the application)."""
    victim = victim_addressee(application)
    third_party = third_party_addressee(application)
    if kind in ACKNOWLEDGEMENTS_TO_THIRD_PARTY:
        return [third_party] if third_party else []
    if kind in ACKNOWLEDGEMENTS_TO_VICTIM or third_party is None:
        return [victim]
    if kind not in WITHOUT_CONSENT and not consent_in_hand(application, data or {}):
        return [victim]
    return [victim, third_party]


def consent_in_hand(application: dict[str, Any], data: dict[str, Any]) -> bool:
    """Whether the victim's consent is recorded: with the application, or since (verify_consent)."""
    if data.get("consent_received") is True:
        return True
    given = data.get("consent_given", (application.get("consent") or {}).get("given"))
    return given is True


def victim_addressee(application: dict[str, Any]) -> Addressee:
    victims = [v for v in application.get("victims") or [] if isinstance(v, dict)]
    named = [v for v in victims if _text(v.get("name"))]
    person = named[0] if named else (victims[0] if victims else {})
    applied_themselves = application.get("applicant_type") == "victim"
    if applied_themselves:
        # The victim may have filled in the applicant block too; their own details come first.
        applicant = application.get("applicant") or {}
        person = {
            key: _text(person.get(key)) or _text(applicant.get(key)) for key in ("name", "email", "address")
        }
    return Addressee(
        role=Recipient.APPLICANT if applied_themselves else Recipient.VICTIM,
        name=_text(person.get("name")),
        email=_email(person.get("email")),
        address_lines=address_lines(person.get("address")),
    )


def third_party_addressee(application: dict[str, Any]) -> Addressee | None:
    if application.get("applicant_type") not in ("third_party", "agency"):
        return None
    applicant = application.get("applicant") or {}
    if not any(_text(applicant.get(k)) for k in ("name", "email", "address", "organisation")):
        return None
    return Addressee(
        role=Recipient.THIRD_PARTY,
        name=_text(applicant.get("name")),
        email=_email(applicant.get("email")),
        address_lines=address_lines(applicant.get("address")),
        organisation=_text(applicant.get("organisation")),
    )


def address_lines(address: Any) -> tuple[str, ...]:
    """A postal address as the lines of an address block: split at line breaks and commas."""
    return tuple(part.strip() for part in re.split(r"[\n,]+", _text(address)) if part.strip())


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _email(value: Any) -> str | None:
    text = _text(value)
    return text if "@" in text else None
