"""What a letter says, worked out when it is issued and kept with it (``Document.data``).

``letter_snapshot`` copies from the council's configuration, the application, the case's
deadlines and the case data at the moment the diagram issued the letter only what that letter
prints, already phrased, so the templates just lay it out and a stored snapshot renders the
same letter again whatever changes later. Text written by officers passes through the case's
``Redactor`` (``app.letters.privacy``) on the way in.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from app.councils import Council
from app.domain.actions import OPEN
from app.domain.eligibility import INELIGIBILITY_REASONS, SIGNPOSTING, consent_required
from app.domain.letter_wording import fill, lines
from app.domain.threshold import describe_threshold
from app.letters.kinds import LETTER_HEADINGS, LETTER_TITLES
from app.letters.privacy import Redactor, names_in
from app.letters.recipients import (
    WITHOUT_CONSENT,
    Addressee,
    address_lines,
    consent_in_hand,
    recipients_for,
    third_party_addressee,
    victim_addressee,
)
from app.models.document import Recipient
from forms.choices import PANEL_AGENCY_LABELS

OMBUDSMEN = {
    "england": "the Local Government and Social Care Ombudsman (www.lgo.org.uk)",
    "wales": "the Public Services Ombudsman for Wales (www.ombudsman.wales)",
}

# The application's free text, where the names of the people complained about turn up.
_FREE_TEXT_FIELDS = (
    "summary", "impact", "actions_taken", "outcome_sought", "special_circumstances", "other_information",
)  # fmt: skip


@dataclass(frozen=True)
class LetterFacts:
    """What the letters of one issue are written from."""

    kind: str
    council: Council
    reference: str
    application: Mapping[str, Any]
    data: Mapping[str, Any]  # the case data when the diagram issued the letter
    deadlines: Mapping[str, date]  # the case's deadlines by key: their due dates
    issued_on: date
    action_plan: Sequence[Mapping[str, Any]] = ()  # the case's whole plan (app/domain/actions.py)


@dataclass(frozen=True)
class IssuedLetter:
    kind: str
    element: str  # the diagram element that issued it
    addressee: Addressee
    snapshot: dict[str, Any]


def letters_issued(
    letters: Iterable[Sequence[Any]],
    *,
    council: Council,
    reference: str,
    application: Mapping[str, Any],
    deadlines: Mapping[str, date],
    issued_on: date,
    action_plan: Sequence[Mapping[str, Any]] = (),
) -> Iterator[IssuedLetter]:
    """Each letter a workflow run issued (``handlers.letters.LetterDue``: kind, element, the case
    data of that moment), once per recipient, with the snapshot it is rendered from."""
    for due in letters:
        kind, element = due[0], due[1]
        facts = LetterFacts(
            kind=kind,
            council=council,
            reference=reference,
            application=application,
            data=due[2] if len(due) > 2 else {},
            deadlines=deadlines,
            issued_on=issued_on,
            action_plan=action_plan,
        )
        for addressee in recipients_for(kind, application, dict(facts.data)):
            yield IssuedLetter(kind, element, addressee, letter_snapshot(facts, addressee))


def letter_snapshot(facts: LetterFacts, addressee: Addressee) -> dict[str, Any]:
    """The JSON-able snapshot one letter is rendered from."""
    council = facts.council
    copy = addressee.role == Recipient.THIRD_PARTY and facts.kind not in WITHOUT_CONSENT
    redact = redactor_for(facts, addressee)
    snapshot = {
        "kind": facts.kind,
        "title": letter_title(facts.kind, addressee.role),
        "heading": LETTER_HEADINGS[facts.kind],
        "reference": facts.reference,
        "issued_on": facts.issued_on.isoformat(),
        "received_on": str(facts.application.get("received_on") or ""),
        "council": {
            "id": council.id,
            "name": council.name,
            "team": council.contacts.team,
            "email": council.contacts.email,
            "phone": council.contacts.phone,
            "address_lines": list(address_lines(council.contacts.address)),
            "website": council.contacts.website,
            # The council's own wording (issue 16): plain text, its placeholders filled here.
            "signature": council_wording(council, council.letters.signature),
        },
        "recipient": addressee.to_dict(),
        "salutation": f"Dear {addressee.name}" if addressee.name else "Dear Sir or Madam",
        # A third party's copy of a letter written about the victim says so at the top.
        "copy_for_third_party": copy,
    }
    snapshot["letter"] = _BUILDERS[facts.kind](facts, redact)
    _add_consent_note(snapshot["letter"], facts, addressee)
    return snapshot


def council_wording(council: Council, text: str) -> list[str]:
    """A wording block of the council's, its placeholders filled, as lines of plain text (the
    templates print them escaped, like any value: never as template code)."""
    return lines(fill(text, wording_values(council)))


def wording_values(council: Council) -> dict[str, object]:
    return {
        "council_name": council.name,
        "team": council.contacts.team,
        "email": council.contacts.email,
        "phone": council.contacts.phone,
        "address": council.contacts.address,
        "website": council.contacts.website,
        "appeal_body": council.appeal.body,
        "appeal_within_days": council.appeal.within_days,
        "retention_years": council.retention_years,
    }


def letter_title(kind: str, role: str) -> str:
    title = LETTER_TITLES[kind]
    if role == Recipient.THIRD_PARTY and kind not in WITHOUT_CONSENT:
        return f"{title}, copy to the third party"
    return title


def names_in_case(application: Mapping[str, Any], data: Mapping[str, Any]) -> set[str]:
    """Every person a case names: its victims, whoever applied for them, the incidents'
    reporters, the panel and its chair, and the names found in the application's free text.
    Letters (``redactor_for``) and subject access exports (app/services/subject_access.py) keep
    all of them out but their reader's."""
    names: set[str] = set()
    for field in _FREE_TEXT_FIELDS:
        names |= names_in(_text(application.get(field)))
    for incident in application.get("incidents") or []:
        names |= names_in(_text(incident.get("description")))
        names |= {_text(r.get("reporter")) for r in incident.get("reports") or []}
    for member in data.get("panel") or []:
        if isinstance(member, dict):
            names.add(_text(member.get("name")))
    chair = data.get("chair")
    if isinstance(chair, dict):
        names.add(_text(chair.get("name")))
    for victim in application.get("victims") or []:
        names.add(_text(victim.get("name")))
    third_party = third_party_addressee(application)
    if third_party is not None:
        names.add(third_party.name)
    return names


def redactor_for(facts: LetterFacts, addressee: Addressee) -> Redactor:
    """Everyone the case names but the recipient: see ``app.letters.privacy``."""
    application = facts.application
    names = names_in_case(application, facts.data)
    # The recipient's own name, and the council's (a run like "Derby City" is not a person).
    keep = [addressee.name, facts.council.name, facts.council.contacts.team]
    if addressee.role == Recipient.APPLICANT:
        keep.append(victim_addressee(application).name)
    return Redactor.for_names(
        names, keep_names=keep, keep_contacts=(facts.council.contacts.email, facts.council.contacts.phone)
    )


# --- One builder per kind: what that letter says -------------------------------------------


def _acknowledgement(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    application = facts.application
    applied_for_victim = consent_required(str(application.get("applicant_type")))
    return {
        "applied_for_victim": applied_for_victim,
        "applied_as_organisation": application.get("applicant_type") == "agency",
        "consent_needed": applied_for_victim and not consent_in_hand(application, dict(facts.data)),
        "threshold": describe_threshold(facts.council.threshold),
    }


def _consent_not_given(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    asked_by = facts.deadlines.get("consent_follow_up")
    return {
        "asked_by": asked_by.isoformat() if asked_by else None,
        "applied_as_organisation": facts.application.get("applicant_type") == "agency",
    }


def _threshold_not_met(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    data = facts.data
    decided_on = _date(data.get("threshold_decision_done_on")) or facts.issued_on
    policy = facts.council.not_met_review
    within_days = facts.council.review_within_days
    request_by = facts.deadlines.get("review_request_window")
    if request_by is None and policy.offered:
        request_by = decided_on + timedelta(days=within_days)
    review = challenge(
        facts.council,
        body=policy.reviewer,
        noun="review request",
        last_day=request_by,
        within_days=within_days,
        counted_from="the date of this decision",
        assumed_key="not_met_review.within_days",
    )
    return {
        "decided_on": decided_on.isoformat(),
        "explanation": redact(decision_explanation(data, met=False)),
        "reasons": redact(_text(data.get("reasons"))),
        "threshold": describe_threshold(facts.council.threshold),
        "review": {
            **review,
            "offered": policy.offered,
            "reviewer": by_phrase(policy.reviewer),
            "request_by": request_by.isoformat() if request_by else None,
        },
        "ombudsman": OMBUDSMEN.get(facts.council.nation, OMBUDSMEN["england"]),
    }


def _threshold_met(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    return {
        "explanation": redact(decision_explanation(facts.data, met=True)),
        "support_lines": council_wording(facts.council, facts.council.letters.support_services),
    }


def decision_explanation(data: Mapping[str, Any], met: bool) -> str:
    """The explanation of the evaluation that agrees with a decision of ``met``: the automatic
    evaluation's, else the one on the agencies' confirmed records (kept with the decision); ""
    when neither agrees, so a letter never quotes an evaluation that contradicts its decision
    (the officer's recorded reasons then explain the departure)."""
    for key in ("threshold", "threshold_confirmed"):
        evaluation = data.get(key)
        if isinstance(evaluation, dict) and evaluation.get("met") is met:
            return _text(evaluation.get("explanation"))
    return ""


def _ineligible(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    reason = _text(facts.data.get("reason"))
    # Schedule 4, para 3: the decision can be challenged like a refusal; the letter says how.
    policy = facts.council.ineligible_review_policy
    decided_on = _date(facts.data.get("screen_eligibility_done_on")) or facts.issued_on
    request_by = facts.deadlines.get("ineligible_review_window") or decided_on + timedelta(
        days=policy.within_days
    )
    return {
        "reason": INELIGIBILITY_REASONS.get(reason, ""),
        "signposting": SIGNPOSTING.get(reason, ""),
        "review": challenge(
            facts.council,
            body=policy.reviewer,
            noun="review request",
            last_day=request_by,
            within_days=policy.within_days,
            counted_from="the date of this decision",
            assumed_key="ineligible_review.within_days",
        ),
        "ombudsman": OMBUDSMEN.get(facts.council.nation, OMBUDSMEN["england"]),
    }


def _outcome(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    data = facts.data
    notified_on = _date(data.get("notified_on")) or facts.issued_on
    appeal_by = facts.deadlines.get("appeal_window") or notified_on + timedelta(
        days=facts.council.appeal.within_days
    )
    appeal = challenge(
        facts.council,
        body=facts.council.appeal.body,
        noun="appeal",
        last_day=appeal_by,
        within_days=facts.council.appeal.within_days,
        counted_from="being told of the outcome",
        assumed_key="appeal.within_days",
    )
    return {
        "held_on": _text(data.get("held_on")) or None,
        "findings": redact(_text(data.get("findings"))),
        "actions": _actions(data.get("recommendations"), redact),
        "appeal": {**appeal, "appeal_by": appeal_by.isoformat()},
        "appeal_details": council_wording(facts.council, facts.council.letters.appeal_body),
    }


def _review_outcome(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    data = facts.data
    # Issued after a review of a refusal, or of an ineligible decision (the case data still
    # says not eligible then).
    ineligible = data.get("eligible") is False
    reviewer = (
        facts.council.ineligible_review_policy.reviewer
        if ineligible
        else facts.council.not_met_review.reviewer or facts.council.appeal.body
    )
    return {
        "decided_on": _text(data.get("decided_on")) or facts.issued_on.isoformat(),
        "upheld": bool(data.get("upheld")),
        "reasons": redact(_text(data.get("reasons"))),
        "reviewer": by_phrase(reviewer),
        "about": "ineligible" if ineligible else "not_met",
        "ombudsman": OMBUDSMEN.get(facts.council.nation, OMBUDSMEN["england"]),
    }


def _appeal_outcome(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    data = facts.data
    return {
        "decided_on": _text(data.get("decided_on")) or facts.issued_on.isoformat(),
        "upheld": bool(data.get("upheld")),
        "reasons": redact(_text(data.get("reasons"))),
        "actions": _actions(data.get("further_actions"), redact),
        "appeal_body": by_phrase(facts.council.appeal.body),
        "ombudsman": OMBUDSMEN.get(facts.council.nation, OMBUDSMEN["england"]),
    }


def _action_plan_complete(facts: LetterFacts, redact: Redactor) -> dict[str, Any]:
    """Each action of the plan and what became of it: done (on which day), or closed undone
    with the manager's reason (issue 15: "a reason the victim sees"). The diagram issues it when
    its sub-process over the actions ends, with each instance's report in ``action_reports``: the
    case review's plan, or an upheld appeal's further actions."""
    data = facts.data
    reports = {r.get("number"): r for r in data.get("action_reports") or [] if isinstance(r, dict)}
    actions = []
    for action, item in zip(
        _actions(data.get("actions"), redact),
        [a for a in data.get("actions") or [] if isinstance(a, dict)],
        strict=False,
    ):
        report = reports.get(item.get("number")) or {}
        actions.append(
            {
                **action,
                "closed": bool(report.get("closed")),
                "done_on": _text(report.get("done_on")) or None,
                "note": redact(_text(report.get("note"))),
            }
        )
    # An upheld appeal's further actions are numbered after the review's recommendations
    # (handlers/action_plan.py); the review's own plan starts at 1. (Whether something was upheld
    # says nothing: a refusal overturned on review leaves upheld in the case data too.)
    listed = [a for a in data.get("actions") or [] if isinstance(a, dict)]
    first = listed[0].get("number") if listed else None
    after_appeal = isinstance(first, int) and first > len(data.get("recommendations") or [])
    # The review's plan can end while an upheld appeal's further actions are still open (or the
    # other way round): the letter then lists them and does not call the plan complete. Each
    # part's own letter follows when it ends.
    told = {a.get("number") for a in listed}
    still_open = [
        {"action": redact(_text(a.get("description"))), "agency": _agency_label(a.get("owner_agency"))}
        for a in facts.action_plan
        if a.get("id") not in told and a.get("status") == OPEN and _text(a.get("description"))
    ]
    return {"actions": actions, "after_appeal": after_appeal, "still_open": still_open}


_BUILDERS = {
    "CT1": _acknowledgement,
    "CT2": _acknowledgement,
    "CT3": _threshold_not_met,
    "CT4": _threshold_met,
    "ineligible": _ineligible,
    "consent_not_given": _consent_not_given,
    "review_outcome": _review_outcome,
    "outcome": _outcome,
    "appeal_outcome": _appeal_outcome,
    "action_plan_complete": _action_plan_complete,
}


def challenge(
    council: Council,
    *,
    body: str,
    noun: str,
    last_day: date | None,
    within_days: int,
    counted_from: str,
    assumed_key: str,
) -> dict[str, Any]:
    """How to challenge a decision (ask for a review, appeal), as the letters word it.

    ``direct``: sent to the body itself, at its contact (Derbyshire's Police and Crime
    Commissioner's office: derby-city-application-guidance-notes.txt line 154). ``aim``: the
    window is one no source states (``council.to_confirm``), so the letter words it as what we aim
    to accept, never as a legal limit.
    """
    appeal = council.appeal
    direct = appeal.lodge_directly and body == appeal.body
    contact = appeal.contact if direct else None
    return {
        "body": by_phrase(body),
        "noun": noun,
        "by": last_day.isoformat() if last_day else None,
        "within_days": within_days,
        "counted_from": counted_from,
        "aim": council.assumed(assumed_key),
        "direct": direct,
        "contact": [
            value
            for value in (
                contact and contact.website and f"online at {_web(contact.website)}",
                contact and contact.email and f"by e-mail to {contact.email}",
                contact and contact.phone and f"by phone on {contact.phone}",
                contact and contact.address and f"by post to {contact.address}",
            )
            if value
        ],
        "third_party_consent": direct and appeal.third_party_consent,
    }


def _add_consent_note(letter: dict[str, Any], facts: LetterFacts, addressee: Addressee) -> None:
    """Where someone challenging for the victim must enclose the victim's signed consent
    (derbyshire-public-page.txt line 55), say so to whoever the letter is for."""
    for key in ("review", "appeal"):
        found = letter.get(key)
        if not isinstance(found, dict) or "third_party_consent" not in found:
            continue
        found["consent"] = None
        if not found.pop("third_party_consent"):
            continue
        noun = found["noun"]
        if addressee.role == Recipient.THIRD_PARTY:
            victim = victim_addressee(facts.application).name or "the victim"
            found["consent"] = (
                f"As you are acting on behalf of {victim}, you will also need to send a consent letter "
                f"signed by {victim} with the {noun}."
            )
        else:
            found["consent"] = (
                f"If someone else sends the {noun} on your behalf, they will also need to send a consent "
                f"letter signed by you with it."
            )


def _web(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def _actions(actions: Any, redact: Redactor) -> list[dict[str, str]]:
    """Recommended actions as the victim is told them: what will be done, by which agency and by
    when (the plan is drawn up with the victim "including any timescales",
    derbyshire-public-page.txt line 7), nothing else: no one's name (east-herts-policy.txt lines
    539-541: not "those actions which identify the perpetrators")."""
    result = []
    for action in actions if isinstance(actions, list) else []:
        if isinstance(action, dict) and _text(action.get("action")):
            result.append(
                {
                    "action": redact(action["action"]),
                    "agency": _agency_label(action.get("owner_agency")),
                    "due_on": _text(action.get("due_on")) or None,
                }
            )
    return result


def _agency_label(code: Any) -> str:
    agency = _text(code)
    return PANEL_AGENCY_LABELS.get(agency, agency.title())


def by_phrase(body: str) -> str:
    """A body named in configuration as it reads after "by": "A peer at ..." -> "a peer at ...",
    "Office of the Police and Crime Commissioner" -> "the Office of ..."."""
    body = body.strip()
    first = body.split(" ", 1)[0]
    if first in ("A", "An", "The"):
        return first.lower() + body[len(first) :]
    if first.lower() in ("a", "an", "the"):
        return body
    return f"the {body}"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
