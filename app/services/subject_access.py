"""Subject access (issue 17): a council's data protection staff find a person across its cases
and export everything held about them (UK GDPR Art. 15).

A person is one of the people an application names (app/domain/case_people.py): a victim or
whoever applied for them. They are found by name, e-mail address or postcode, as cases are
(app/domain/search.py), and identified across cases by their e-mail address: an export by
``email`` gathers every case of the caller's councils where someone with that address appears; an
export by ``case_person`` ("17:victim-2") that appearance, and every other one of the same address
when the person gave one.

For each case the export holds the person's capacity on it (victim, who applied or for whom
someone applied; applicant on the victim's behalf...), their own record, the application's
account of what happened, the decisions, the records (task answers), the appeals, the case's
dates, its history and the letters addressed to them. It leaves out other people's personal
data (UK GDPR Art. 15(4); DPA 2018 Sch. 2 Part 3 para 16): the other people's records are not
copied, and every text passes through the letters' ``Redactor`` (app/letters/privacy.py) with
every name the case knows but the person's own (victims, applicant, reporters, panel, chair, and
names found in the free text: the people complained about), e-mail addresses and phone numbers
other than the person's and the council's; staff are named as "a member of staff". Letters are
included as they were sent to the person (they were redacted for them when issued).

Every export writes an entry per case in the access log (kind ``export``) and one in the
council's audit list, in one commit.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import undefer

from app import clock
from app.domain.case_people import CasePerson, case_people, letter_person_key, person_with_key
from app.domain.search import matches, person_terms, search_words
from app.extensions import db
from app.letters import render_pdf
from app.letters.privacy import Redactor
from app.letters.snapshots import names_in_case
from app.models import AccessKind, Case, Document, Role, TaskStatus, User
from app.services import access_log, audit, councils
from app.store import cases as case_store

SUBJECT_ACCESS_ROLES = {Role.DATA_PROTECTION}
MIN_QUERY_CHARACTERS = 3
MAX_QUERY_CHARACTERS = 200
CASE_PERSON = re.compile(r"^([1-9][0-9]{0,9}):(applicant|victim-[1-9][0-9]{0,2})$")
STAFF = "a member of staff"
APPLICATION_TEXTS = ("summary", "impact", "actions_taken", "outcome_sought", "special_circumstances",
                     "other_information")  # fmt: skip
WITHHELD_NOTE = (
    "Other people's personal data is left out (UK GDPR Art. 15(4); DPA 2018 Sch. 2 Part 3 para 16): "
    "the records of the other people a case names are not included, their names are replaced by "
    "[name withheld] and their e-mail addresses and phone numbers by [details withheld], and staff "
    f"are named as '{STAFF}'. Letters are as they were sent to this person."
)


class SubjectAccessNotFound(Exception):
    """No such council, case or person among the caller's (never revealed to exist)."""


class SubjectAccessForbidden(Exception):
    pass


class SubjectQueryError(ValueError):
    """What to search for, or whom to export, is missing or unusable; the message says why
    (in the API's terms), ``problem`` which rule it broke."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


@dataclass(frozen=True)
class Appearance:
    """A person on one case."""

    case: Case
    person: CasePerson

    @property
    def id(self) -> str:
        return f"{self.case.id}:{self.person.key}"


@dataclass
class SubjectExport:
    """What an export holds: the JSON document and the letters' PDFs to add to a ZIP."""

    document: dict[str, Any]
    letters: list[tuple[str, Document]] = field(default_factory=list)  # (file name, letter)


# --- who may ----------------------------------------------------------------------------------


def subject_access_councils(user: User, council: str | None = None) -> list[str]:
    """The councils whose people ``user`` may search and export (or the one asked for):
    SubjectAccessNotFound for a council that is not theirs, SubjectAccessForbidden without the
    data protection role."""
    if council is not None and councils.visible_council(user, council) is None:
        raise SubjectAccessNotFound(council)
    allowed = [
        c for c in user.council_ids if user.roles_in(c) & SUBJECT_ACCESS_ROLES and council in (None, c)
    ]
    if not allowed:
        raise SubjectAccessForbidden(
            "Only data protection staff search people and export what is held about them."
        )
    return allowed


# --- search -----------------------------------------------------------------------------------


def checked_query(q: str | None) -> list[str]:
    """The search's words; SubjectQueryError saying what is wrong with ``q``."""
    text = (q or "").strip()
    if not text:
        raise SubjectQueryError("missing", "Give q: a name, an e-mail address or a postcode to search for.")
    if len(text) < MIN_QUERY_CHARACTERS:
        raise SubjectQueryError(
            "too_short",
            f"q is too short: give at least {MIN_QUERY_CHARACTERS} characters of a name, an e-mail "
            f"address or a postcode (it has {len(text)}).",
        )
    if len(text) > MAX_QUERY_CHARACTERS:
        raise SubjectQueryError("too_long", f"q is too long: at most {MAX_QUERY_CHARACTERS} characters.")
    words = search_words(text)
    if not words:
        raise SubjectQueryError(
            "nothing_to_search",
            "q holds nothing to search on: give letters or digits of a name, an e-mail address or a postcode.",
        )
    return words


def search_people(user: User, q: str | None, council: str | None = None) -> list[Appearance]:
    """Everyone on the caller's councils' cases whose name, e-mail address or postcode each word
    of ``q`` begins, newest case first."""
    scope = subject_access_councils(user, council)
    words = checked_query(q)
    cases = db.session.scalars(case_store.cases_query(scope, q=q)).all()
    return [
        Appearance(case, person)
        for case in cases
        for person in case_people(case.application or {})
        if matches(person_terms(person.record), words)
    ]


def record_search_results(user: User, shown: list[Appearance]) -> None:
    """The access log's entries of a page of results: each names a person of a case."""
    for appearance in shown:
        access_log.record_case_access(
            user, appearance.case.id, appearance.case.council_id, target="people search"
        )


# --- whom an export is about --------------------------------------------------------------------


def appearances_of(
    user: User, *, email: str | None = None, case_person: str | None = None
) -> list[Appearance]:
    """Every appearance of the person an export is about (see the module's description)."""
    scope = subject_access_councils(user)
    if (email is None) == (case_person is None):
        raise SubjectQueryError(
            "whom", "Give exactly one of email (an e-mail address) or case_person (such as 17:victim-1)."
        )
    if case_person is not None:
        match = CASE_PERSON.match(case_person.strip())
        if match is None:
            raise SubjectQueryError(
                "case_person",
                f"case_person must be a case id and a person, such as 17:applicant or 17:victim-2, not {case_person!r}.",
            )
        case = case_store.get_case_in(int(match.group(1)), scope)
        person = person_with_key(case.application or {}, match.group(2)) if case is not None else None
        if person is None:
            raise SubjectAccessNotFound(case_person)
        if not person.email:
            return [Appearance(case, person)]
        email = person.email
    address = (email or "").strip().lower()
    if "@" not in address or len(address) > 254 or re.search(r"\s", address):
        raise SubjectQueryError("email", f"email must be an e-mail address, not {email!r}.")
    cases = db.session.scalars(case_store.cases_query(scope, q=address)).all()
    return [
        Appearance(case_store.get_whole_case(case.id), person)
        for case in cases
        for person in case_people(case.application or {})
        if person.email == address
    ]


# --- the export ---------------------------------------------------------------------------------


def export_subject(
    user: User, *, email: str | None = None, case_person: str | None = None, letters_as_files: bool = False
) -> SubjectExport:
    """The export of everything held about one person; writes the access log's entries and the
    audit entry, and commits."""
    found = appearances_of(user, email=email, case_person=case_person)
    now = clock.now()
    export = SubjectExport(
        document={
            "subject": {
                "email": (email or "").strip().lower() or (found[0].person.email if found else None) or None,
                "case_person": case_person,
                "names": sorted({a.person.name for a in found if a.person.name}),
            },
            "generated_at": now,
            "generated_by": user.email,
            "councils": subject_access_councils(user),
            "withheld": WITHHELD_NOTE,
            "cases": [],
        }
    )
    for appearance in found:
        export.document["cases"].append(_appearance(appearance, export, letters_as_files))
        access_log.record_case_access(
            user,
            appearance.case.id,
            appearance.case.council_id,
            kind=AccessKind.EXPORT,
            target=f"person {appearance.person.key}",
        )
    for council_id in sorted({a.case.council_id for a in found}) or export.document["councils"]:
        audit.record(
            council_id=council_id,
            actor=user.email,
            action="data_protection.subject_access_export",
            subject=export.document["subject"]["email"] or case_person or "",
            details={
                "cases": [a.case.reference for a in found if a.case.council_id == council_id],
                "people": [a.id for a in found if a.case.council_id == council_id],
                "format": "zip" if letters_as_files else "json",
            },
        )
    db.session.commit()  # the audit entries, and the access log's (app/services/access_log.py)
    return export


def export_zip(export: SubjectExport, dumped: dict[str, Any]) -> bytes:
    """The ZIP of an export: ``export.json`` (``dumped``: the document as the API writes it) and
    each letter as a PDF under letters/."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("export.json", json.dumps(dumped, indent=2, ensure_ascii=False))
        for name, letter in export.letters:
            archive.writestr(name, render_pdf(letter.html))
    return buffer.getvalue()


def _appearance(appearance: Appearance, export: SubjectExport, letters_as_files: bool) -> dict[str, Any]:
    case, person = appearance.case, appearance.person
    application = case.application or {}
    redact = _redactor(case, person)
    letters = _letters_of(case, person)
    for letter in letters:
        export.letters.append((_letter_file(case, letter), letter))
    return {
        "case_person": appearance.id,
        "case": case,
        "capacity": {
            "role": person.role,
            "applied_themselves": person.applied_themselves,
            "description": person.capacity(),
        },
        "record": person.record,
        "consent": application.get("consent") if person.key in ("applicant", "victim-1") else None,
        "application": {
            **{key: redact(application.get(key) or "") for key in APPLICATION_TEXTS},
            "incidents": [_redacted(_incident(i), redact) for i in application.get("incidents") or []],
        },
        "threshold_decision": _redacted(case.decision, redact, drop=("by",)),
        "outcome": _redacted(case.outcome, redact),
        "action_plan": _redacted(case.action_plan, redact),
        "appeals": [
            {
                "kind": a.kind,
                "received_on": a.received_on,
                "grounds": redact(a.grounds),
                "decided_on": a.decided_on,
                "upheld": a.upheld,
                "reasons": redact(a.reasons or ""),
            }
            for a in case.appeals
        ],  # fmt: skip
        "records": [
            {
                "form": t.form_key,
                "name": t.name,
                "completed_at": t.completed_at,
                "data": _redacted(t.data, redact),
            }
            for t in case.tasks
            if t.status == TaskStatus.COMPLETED and t.data
        ],
        "history": [
            {
                "at": h.at,
                "actor": STAFF if "@" in h.actor else h.actor,
                "event": h.event,
                "detail": redact(h.detail),
            }
            for h in case.history
        ],
        "letters": [
            {
                "id": d.id,
                "kind": d.kind,
                "title": d.title,
                "issued_on": d.issued_on,
                "recipient": d.recipient,
                "file": _letter_file(case, d) if letters_as_files else None,
                "html": d.html,
            }
            for d in letters
        ],  # fmt: skip
    }


def _redactor(case: Case, person: CasePerson) -> Redactor:
    """Every name the case knows but the person's own, and contacts but theirs and the council's."""
    data: dict[str, Any] = {}
    for task in case.tasks:
        data.update(task.data or {})  # the panel and its chair
    policy = councils.policy_for(case.council_id)
    return Redactor.for_names(
        names_in_case(case.application or {}, data),
        keep_names=[person.name, policy.name, policy.contacts.team],
        keep_contacts=[
            person.email,
            str(person.record.get("phone") or ""),
            policy.contacts.email,
            policy.contacts.phone,
        ],
    )


def _incident(incident: dict[str, Any]) -> dict[str, Any]:
    return {
        "occurred_on": incident.get("occurred_on"),
        "description": incident.get("description") or "",
        "reports": [
            {k: r.get(k) for k in ("agency", "reported_on", "method", "reporter", "reference")}
            for r in incident.get("reports") or []
            if isinstance(r, dict)
        ],
    }


def _redacted(value: Any, redact: Callable[[str], str], drop: tuple[str, ...] = ()) -> Any:
    """Every text in ``value`` redacted; keys in ``drop`` (who decided: staff) left out."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _redacted(v, redact) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [_redacted(v, redact) for v in value]
    return value


def _letters_of(case: Case, person: CasePerson) -> list[Document]:
    letters = db.session.scalars(
        select(Document)
        .where(Document.case_id == case.id)
        .order_by(Document.id)
        .options(undefer(Document.html))
    )
    application = case.application or {}
    return [d for d in letters if letter_person_key(application, d.recipient) == person.key]


def _letter_file(case: Case, letter: Document) -> str:
    return f"letters/{case.reference}-{letter.id}-{letter.kind}.pdf"


def export_filename(extension: str) -> str:
    return f"subject-access-{clock.today().isoformat()}.{extension}"
