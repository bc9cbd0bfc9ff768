"""Issuing letters: the documents a workflow run's letters become, in the run's transaction.

Called by ``app.services.case_runs`` after every run. Each letter is written from a snapshot
of that moment (``app.letters.snapshots``) and rendered to HTML at once, so what was issued is
what the case keeps; one document per recipient (``app.letters.recipients``). Letters with an
e-mail address are queued for the mailer (``app.services.mail``), which sends them after the
transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from app.clock import LOCAL_TIMEZONE
from app.letters import letters_issued, render_html
from app.models import Case, Document, EmailStatus, Recipient, appended
from app.services import council_settings, mail, status_links

STATUS_LINK_LETTERS = {"CT1", "CT2"}


def _before_consent(letter) -> bool:
    """A letter to the person who applied for the victim, sent before the victim's consent is
    recorded: it carries no link to follow the case (RULES.md §3: nothing about the case goes
    to them before consent)."""
    return letter.addressee.role == Recipient.THIRD_PARTY and bool(
        letter.snapshot["letter"].get("consent_needed")
    )


def issue_letters(case: Case, letters: Sequence, now: datetime) -> None:
    """Store the letters a workflow run issued (``handlers.letters.LetterDue``: kind, element,
    the case data of that moment), one document per recipient, in the caller's transaction.
    Those with an e-mail address are queued for the mailer, which sends them after the commit.
    Letters are only ever appended: written in bulk (app/models/appended.py)."""
    if not letters:
        return
    council = council_settings.settings_for_case(case)
    issued_on = now.astimezone(LOCAL_TIMEZONE).date()
    deadlines = {d.key: d.due_on for d in case.deadlines}
    queued = False
    issued = letters_issued(letters, council=council, reference=case.reference, application=case.application,
                            deadlines=deadlines, issued_on=issued_on, action_plan=case.action_plan or ())  # fmt: skip
    for letter in issued:
        snapshot, addressee = letter.snapshot, letter.addressee
        if letter.kind in STATUS_LINK_LETTERS and not _before_consent(letter):
            # The acknowledgement carries the recipient's own private link to follow the case: for
            # the person who applied, the one their confirmation page gave them.
            snapshot["status_url"] = status_links.status_url(status_links.token_for(case, addressee.role))
        status, next_attempt_at = mail.initial_status(
            addressee.email, now, case.council_id, addressee.address_lines
        )
        appended.append_row(
            Document.__table__,
            {
                "case_id": case.id,
                "council_id": case.council_id,
                "kind": letter.kind,
                "title": snapshot["title"],
                "recipient": addressee.role,
                "element": letter.element,
                "issued_on": issued_on,
                "created_at": now,
                "data": snapshot,
                "html": render_html(snapshot),
                "email_to": addressee.email,
                "email_status": status,
                "email_attempts": 0,
                "email_next_attempt_at": next_attempt_at,
            },
        )
        queued = queued or status == EmailStatus.PENDING
    if queued:
        mail.queued_in_this_transaction()
