"""GET /status/<token>: what a recipient of a case's letters sees through their private link.

Each recipient has their own link (``app.services.status_links``) and sees the letters
addressed to them. The person who applied for the victim sees nothing of the case but that it
waits for the victim's consent until the consent is recorded (RULES.md §3), as their letters do.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Response, abort, render_template
from sqlalchemy import select

from app import clock
from app.domain import actions
from app.domain.calendar import format_date
from app.extensions import db
from app.letters.kinds import LETTER_HEADINGS
from app.letters.recipients import consent_in_hand, recipients_for, victim_addressee
from app.letters.snapshots import LetterFacts, redactor_for
from app.models import Case, Document, Recipient, StatusLink
from app.public import public_bp
from app.services import councils, status_links
from forms.choices import PANEL_AGENCY_LABELS

STAGES = {
    "acknowledgement": "We have received the application and will acknowledge it soon.",
    "threshold": "We are checking whether the application meets the threshold for a case review.",
    "review": "The case is being reviewed by the council and its partners.",
    "outcome": "The review has finished and we are preparing the outcome.",
    "monitoring": "The agencies are carrying out the actions agreed at the case review.",
    "appeal": "We are considering the appeal.",
    "closed": "The case is closed.",
}
WAITING_FOR_CONSENT = (
    "We are waiting for the written consent of the person you applied for. We cannot go further, "
    "or tell you more about the case, until we have it."
)
# Decisions are named, not their result: the letters tell the applicant what was decided.
MILESTONES = {
    "received": "Application received",
    "acknowledged": "Application acknowledged",
    "consent_confirmed": "Consent confirmed",
    "ineligible": "Decision on eligibility made",
    "threshold_met": "Decision on the threshold made",
    "threshold_not_met": "Decision on the threshold made",
    "review_held": "Review meeting held",
    "outcome_notified": "Outcome sent",
    "outcome_sent": "Outcome sent",
    "appeal_lodged": "Appeal received",
    "appeal_decided": "Appeal decided",
    "closed": "Case closed",
}
# A pending deadline as the next step, worded for the resident ({on}: its date). The council's
# own steps come before the windows the resident has to act in.
COUNCIL_STEPS = {
    "acknowledge": "We will acknowledge the application by {on}.",
    "threshold_decision": "We will tell you by {on} whether the case meets the threshold for a case review.",
    "case_review": "The case review meeting will be held by {on}.",
    "outcome_notification": "We will tell you the outcome of the case review by {on}.",
    "review_decision": "We will tell you the result of the review of our decision by {on}.",
    "appeal_decision": "We will tell you the result of the appeal by {on}.",
}
WINDOWS = {
    "review_request_window": "If you disagree with our decision, you can ask us to review it until {on}.",
    "ineligible_review_window": "If you disagree with our decision, you can ask us to review it until {on}.",
    "appeal_window": "If you are unhappy with the outcome, you can appeal until {on}.",
}
CONSENT_STEP = "Please send us the written consent of the person you applied for by {on}."


def _link(token: str) -> StatusLink:
    link = status_links.link_for_token(token)
    if link is None:
        abort(404)
    return link


def _consent_in_hand(case: Case) -> bool:
    recorded = any(m.key == "consent_confirmed" for m in case.milestones)
    return recorded or consent_in_hand(case.application or {}, {})


def waiting_for_consent(case: Case, recipient: str) -> bool:
    return recipient == Recipient.THIRD_PARTY and case.status == "open" and not _consent_in_hand(case)


def next_step(case: Case, recipient: str) -> str | None:
    """The next thing to happen on the case, with its date: the earliest pending step of the
    council's, else the window the resident may act in; None when nothing is pending."""
    if case.status != "open":
        return None
    pending = [d for d in case.deadlines if d.done_on is None and d.due_on >= clock.today()]
    policy = councils.policy_for(case.council_id)
    if waiting_for_consent(case, recipient):
        consent = [d for d in pending if d.key == "consent_follow_up"]
        return CONSENT_STEP.format(on=format_date(consent[0].due_on)) if consent else None
    for words in (COUNCIL_STEPS, WINDOWS):
        ahead = sorted((d for d in pending if d.key in words), key=lambda d: d.due_on)
        if ahead:
            text = words[ahead[0].key].format(on=format_date(ahead[0].due_on))
            if policy is not None and policy.assumed(f"diagram.{ahead[0].key}.dueOn"):
                text = text.replace("We will", "We aim to", 1)
            return text
    return None


ACTION_STATUS = {
    "open": ("In progress", "blue"),
    "overdue": ("Overdue", "red"),
    "done": ("Done", "green"),
    "closed": ("Closed, not done", "grey"),
}


def action_rows(case: Case, recipient: str) -> list[dict[str, Any]]:
    """Each action of the plan as the resident reads it: what, which agency, by when, and how it
    stands with the latest note (a closed action's note is the manager's reason). Descriptions
    and notes are written by staff, so they pass the letters' redactor: no one is named but the
    resident."""
    plan = case.action_plan or []
    if not plan:
        return []
    redact = _redactor(case, recipient)
    today = clock.today()
    rows = []
    for action in plan:
        state = "overdue" if actions.is_overdue(action, today) else action.get("status", "open")
        words, colour = ACTION_STATUS.get(state, ACTION_STATUS["open"])
        if state == "done" and action.get("done_on"):
            words = f"Done on {format_date(date.fromisoformat(action['done_on']))}"
        rows.append(
            {
                "description": redact(action.get("description") or ""),
                "agency": PANEL_AGENCY_LABELS.get(action.get("owner_agency"), "Another organisation"),
                "due": format_date(date.fromisoformat(action["due_on"])) if action.get("due_on") else "",
                "status": words,
                "colour": colour,
                "note": redact(action.get("note") or ""),
            }
        )
    return rows


def _redactor(case: Case, recipient: str):
    application = case.application or {}
    addressee = next(
        (
            a
            for a in recipients_for("outcome", application, {"consent_received": True})
            if a.role == recipient
        ),
        victim_addressee(application),
    )
    facts = LetterFacts(
        kind="outcome",
        council=councils.policy_for(case.council_id),
        reference=case.reference,
        application=application,
        data=case.outcome or {},
        deadlines={},
        issued_on=clock.today(),
    )
    return redactor_for(facts, addressee)


def _letters(case: Case, recipient: str) -> list[Document]:
    """The letters addressed to the person whose link it is."""
    query = select(Document).filter_by(case_id=case.id, recipient=recipient).order_by(Document.id)
    return list(db.session.scalars(query))


def _letter_rows(token: str, letters: list[Document]) -> list[dict[str, Any]]:
    return [
        {
            "id": letter.id,
            "name": LETTER_HEADINGS.get(letter.kind, letter.title),
            "on": format_date(letter.issued_on),
        }
        for letter in letters
    ]


@public_bp.get("/status/<token>")
def status(token: str):
    link = _link(token)
    case, recipient = link.case, status_links.recipient_of(link)
    waiting = waiting_for_consent(case, recipient)
    dates = [{"key": {"text": "Application received"}, "value": {"text": format_date(case.received_on)}}]
    for milestone in [] if waiting else case.milestones:
        if milestone.key == "received" or milestone.key not in MILESTONES:
            continue
        dates.append(
            {"key": {"text": MILESTONES[milestone.key]}, "value": {"text": format_date(milestone.on)}}
        )
    return render_template(
        "public/status.html",
        token=token,
        case=case,
        council=councils.policy_for(case.council_id),
        stage=WAITING_FOR_CONSENT if waiting else STAGES.get(case.stage, STAGES["review"]),
        next_step=next_step(case, recipient),
        dates=dates,
        letters=_letter_rows(token, _letters(case, recipient)),
        actions=[] if waiting else action_rows(case, recipient),
    )


@public_bp.get("/status/<token>/letters/<int:document_id>")
def status_letter(token: str, document_id: int):
    link = _link(token)
    letters = _letters(link.case, status_links.recipient_of(link))
    document = next((d for d in letters if d.id == document_id), None)
    if document is None:
        abort(404)
    response = Response(document.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
