"""GET /status/<token>: what an applicant sees of their case through their private link."""

from __future__ import annotations

from flask import Response, abort, render_template
from sqlalchemy import select

from app.domain.calendar import format_date
from app.extensions import db
from app.models import Document, Recipient
from app.public import public_bp
from app.services import status_links

STAGES = {
    "acknowledgement": "We have received your application and will acknowledge it soon.",
    "threshold": "We are checking whether your application meets the threshold for a case review.",
    "review": "Your case is being reviewed by the council and its partners.",
    "outcome": "The review has finished and we are preparing the outcome.",
    "appeal": "We are considering your appeal.",
    "closed": "Your case is closed.",
}
# Decisions are named, not their result: the letters tell the applicant what was decided.
MILESTONES = {
    "received": "Application received",
    "acknowledged": "Application acknowledged",
    "consent_confirmed": "Consent confirmed",
    "ineligible": "Decision on eligibility made",
    "threshold_met": "Decision on the threshold made",
    "threshold_not_met": "Decision on the threshold made",
    "review_held": "Review meeting held",
    "outcome_sent": "Outcome sent",
    "appeal_lodged": "Appeal received",
    "appeal_decided": "Appeal decided",
    "closed": "Case closed",
}


def _case(token: str):
    case = status_links.case_for_token(token)
    if case is None:
        abort(404)
    return case


def _letters(case) -> list[Document]:
    """The letters sent to whoever applied: the victim, or the person or agency applying for them."""
    applicant_type = (case.application or {}).get("applicant_type")
    recipient = Recipient.APPLICANT if applicant_type == "victim" else Recipient.THIRD_PARTY
    return list(
        db.session.scalars(
            select(Document).filter_by(case_id=case.id, recipient=recipient).order_by(Document.id)
        )
    )


@public_bp.get("/status/<token>")
def status(token: str):
    case = _case(token)
    dates = [{"key": {"text": "Application received"}, "value": {"text": format_date(case.received_on)}}]
    for milestone in case.milestones:
        label = MILESTONES.get(milestone.key, milestone.key.replace("_", " ").capitalize())
        if milestone.key == "received":
            continue
        dates.append({"key": {"text": label}, "value": {"text": format_date(milestone.on)}})
    return render_template(
        "public/status.html",
        token=token,
        case=case,
        stage=STAGES.get(case.stage, case.stage.replace("_", " ").capitalize()),
        dates=dates,
        letters=_letters(case),
    )


@public_bp.get("/status/<token>/letters/<int:document_id>")
def status_letter(token: str, document_id: int):
    case = _case(token)
    document = next((d for d in _letters(case) if d.id == document_id), None)
    if document is None:
        abort(404)
    response = Response(document.html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response
