"""Sending letters: the outbox of the ``document`` table, sent through SMTP or GOV.UK Notify.

Each council's letters go through the sender its configuration names (``sender`` in
processes/councils.toml: ``smtp``, the default, or ``notify``, ``app.services.notify``, which
also posts a letter to someone with no e-mail address). The outbox below is the same for both.

A letter is queued (``pending``) in the transaction that issues it, and sent only after that
transaction has committed: never from inside a workflow run, so a slow or broken mail server
can neither hold a case up nor fail a task, and a letter that cannot be sent is still on the
case. ``send_pending_emails`` sends what is due; each attempt is claimed first (one UPDATE,
FOR UPDATE SKIP LOCKED on PostgreSQL, so any number of workers share the outbox), sent outside
any transaction, and its result recorded: ``sent``, or ``failed`` with the error and the time of
the next attempt (after 1 min, 5 min, 15 min, 1 h, 4 h, 12 h, 24 h), or ``failed`` with no next
attempt once the attempts are used up or the server refuses the address outright; that is
written to the case's history so an officer posts the letter.

A letter recorded ``sent`` is never claimed again. SMTP has no way to take back or ask about a
message, so one window stays open: a mailer that dies after the server accepted a letter and
before ``sent`` is committed leaves it claimed, and it is sent again when the claim's lease runs
out. Every attempt carries the same Message-ID (``message_id``), made from the document and its
recipient, so the copy can be recognised as the same letter.

``start_background_mailer`` runs it in a thread: woken as soon as a transaction that queued a
letter commits, and every ``interval_seconds`` for the retries.
"""

from __future__ import annotations

import hashlib
import logging
import smtplib
import ssl
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app import clock
from app.extensions import db
from app.letters import render_email_text, render_pdf
from app.models import Document, EmailStatus, HistoryEntry
from app.observability import metrics
from app.services import councils
from app.services.background import BackgroundLoop, start_loop
from app.store import documents as document_store

logger = logging.getLogger(__name__)

# Wait after the n-th failed attempt before the next one; after the last, give up.
BACKOFF = tuple(timedelta(seconds=s) for s in (60, 5 * 60, 15 * 60, 3600, 4 * 3600, 12 * 3600, 24 * 3600))
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claimed letter is held by the mailer that took it before another may retry it.
LEASE = timedelta(minutes=10)
BATCH = 100
MAILER_ACTOR = "mailer"

OUTBOX_QUEUED = "ctflow.outbox_queued"  # session.info flag: this transaction queued a letter
WAKE = "ctflow.mail_wake"  # app.extensions: the running mailer's wake-up event


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str | None
    timeout_seconds: float


def smtp_settings() -> SmtpSettings | None:
    """The SMTP settings of the app, or None when no host is configured."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return None
    return SmtpSettings(
        host=config["SMTP_HOST"],
        port=int(config.get("SMTP_PORT") or 587),
        username=config.get("SMTP_USERNAME") or None,
        password=config.get("SMTP_PASSWORD") or None,
        starttls=bool(config.get("SMTP_STARTTLS", True)),
        sender=config.get("SMTP_FROM") or None,
        timeout_seconds=float(config.get("SMTP_TIMEOUT_SECONDS") or 30),
    )


def council_sender(council_id: str) -> str:
    """The way the council's letters are sent: ``smtp`` or ``notify``."""
    policy = councils.policy_for(council_id)
    return policy.sender if policy is not None else "smtp"


def initial_status(
    email_to: str | None, now: datetime, council_id: str | None = None, address_lines=()
) -> tuple[str, datetime | None]:
    """The outbox status of a letter being issued, and when it is first due to be sent. Through
    Notify, a letter with no e-mail address but a postal one is queued too: Notify posts it."""
    if council_id is not None and council_sender(council_id) == "notify":
        from app.services.notify import can_send, notify_settings

        if can_send(notify_settings(), email_to, address_lines):
            return EmailStatus.PENDING, now
        return (EmailStatus.NOT_CONFIGURED if email_to else EmailStatus.NO_ADDRESS), None
    if not email_to:
        return EmailStatus.NO_ADDRESS, None
    if smtp_settings() is None:
        return EmailStatus.NOT_CONFIGURED, None
    return EmailStatus.PENDING, now


def queued_in_this_transaction() -> None:
    """Called when a letter is queued: the mailer is woken once the transaction commits."""
    db.session.info[OUTBOX_QUEUED] = True


# --- Sending -------------------------------------------------------------------------------


@dataclass
class MailReport:
    sent: list[int] = field(default_factory=list)  # document ids
    failed: list[tuple[int, str]] = field(default_factory=list)


class PermanentFailure(Exception):
    """The server refused the recipient's address outright: retrying will not help."""


class SmtpSender:
    name = "smtp"

    def __init__(self, settings: SmtpSettings):
        self.settings = settings

    def send(self, document: Document) -> None:
        deliver(build_message(document, self.settings), self.settings)


def available_senders() -> dict:
    """The senders configured in the app, by name (one set per pass: Notify's client is not
    thread-safe)."""
    from app.services.notify import NotifySender, notify_settings

    senders: dict = {}
    if (smtp := smtp_settings()) is not None:
        senders["smtp"] = SmtpSender(smtp)
    if (notify := notify_settings()) is not None:
        senders["notify"] = NotifySender(notify)
    return senders


class SenderMissing(Exception):
    """The council's sender is not configured (any more): retried, in case it is set up again."""


def send_pending_emails(
    now: datetime | None = None, limit: int = BATCH, should_stop: Callable[[], bool] | None = None
) -> MailReport:
    """Send every queued letter whose attempt is due at ``now`` (default: the app clock), at most
    ``limit``. ``should_stop()`` is asked before each letter: a worker told to stop finishes the
    letter it is sending and records it, and takes no other."""
    report = MailReport()
    senders = available_senders()
    if not senders:
        return report
    instant = now or clock.now()

    def claim() -> int | None:
        return document_store.claim_next_for_email(instant, instant + LEASE)

    for document_id in claimed_one_by_one(claim, limit, should_stop):
        _attempt(document_id, senders, instant, report)
    return report


def claimed_one_by_one(
    claim_next: Callable[[], int | None], limit: int, should_stop: Callable[[], bool] | None
) -> Iterator[int]:
    """The ids ``claim_next`` claims, each claim committed before it is given out; at most
    ``limit``, asking ``should_stop()`` before each. Ends when nothing else is due (or every due
    one is held by another mailer), or when SQLite's one writer is busy: the next round retries."""
    for _ in range(limit):
        if should_stop is not None and should_stop():
            return
        try:
            claimed = claim_next()
            db.session.commit()
        except OperationalError as exc:
            db.session.rollback()
            if "locked" not in str(exc).lower():
                raise
            return
        if claimed is None:
            return
        yield claimed


def _attempt(document_id: int, senders: dict, instant: datetime, report: MailReport) -> None:
    document = document_store.get_document_to_send(document_id)
    if document is None:
        return  # its case was deleted meanwhile
    db.session.expunge(document)  # keep what was loaded, detached: nothing is held open while
    db.session.rollback()  # the server is talked to
    error: Exception | None = None
    try:
        name = council_sender(document.council_id)
        if name not in senders:
            raise SenderMissing(f"the council sends through {name}, which is not configured")
        senders[name].send(document)
    except Exception as exc:  # any failure (network, refusal, rendering) is recorded, never raised
        error = exc
    document = document_store.get_document_to_send(document_id, lock=True)
    if document is None:
        return
    if document.email_status == EmailStatus.SENT:
        # Sent by another mailer that took it after our lease ran out: recorded once, by them.
        logger.warning("Document %s was e-mailed by another mailer as well", document_id)
    elif error is None:
        _record_sent(document, instant)
        report.sent.append(document_id)
    else:
        _record_failure(document, error, instant)
        report.failed.append((document_id, document.email_last_error or ""))
    db.session.commit()


def _record_sent(document: Document, instant: datetime) -> None:
    document.email_status = EmailStatus.SENT
    document.email_sent_at = instant
    document.email_next_attempt_at = None
    document.email_last_error = None
    if document.email_to:
        _history(document, instant, "letter_emailed", f"{document.title}: e-mailed to the {_role(document)}")
    else:
        _history(
            document,
            instant,
            "letter_posted",
            f"{document.title}: sent by post to the {_role(document)} through GOV.UK Notify",
        )


def _record_failure(document: Document, error: Exception, instant: datetime) -> None:
    document.email_status = EmailStatus.FAILED
    document.email_last_error = describe_error(error)[:2000]
    metrics.record_outbox_failure(document.council_id)
    give_up = isinstance(error, PermanentFailure) or document.email_attempts >= MAX_ATTEMPTS
    if give_up:
        document.email_next_attempt_at = None
        if document.email_to:
            event_name, what, then = "letter_email_failed", "not e-mailed", "send it by post"
        else:
            event_name, what, then = "letter_post_failed", "not sent through GOV.UK Notify", "post it by hand"
        _history(
            document,
            instant,
            event_name,
            f"{document.title}: {what} to the {_role(document)} after {document.email_attempts} "
            f"attempt(s) ({document.email_last_error}); {then}",
        )
    else:
        document.email_next_attempt_at = instant + BACKOFF[document.email_attempts - 1]
    logger.warning(
        "Sending document %s failed (attempt %s): %s",
        document.id,
        document.email_attempts,
        loggable_error(error),
    )


def _history(document: Document, instant: datetime, event_name: str, detail: str) -> None:
    # Appended without touching the case row, so sending never conflicts with work on the case.
    db.session.add(
        HistoryEntry(
            case_id=document.case_id, at=instant, actor=MAILER_ACTOR, event=event_name, detail=detail
        )
    )


def _role(document: Document) -> str:
    return {"third_party": "third party"}.get(document.recipient, document.recipient)


def describe_error(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = "; ".join(f"{code} {_text(message)}" for code, message in error.recipients.values())
        return f"recipient refused: {codes}"
    if isinstance(error, PermanentFailure) and isinstance(error.__cause__, smtplib.SMTPRecipientsRefused):
        return describe_error(error.__cause__)
    if getattr(error, "described", False):  # the sender's own words already (Notify's answer)
        return str(error)
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def loggable_error(error: Exception) -> str:
    """What a log line says of a failed send: the error's kind and the server's reply codes, never
    the server's words, which often name the recipient's address ("550 5.1.1 <alex@example.org>:
    no such user"). The case's outbox columns keep the words (``describe_error``), where staff who
    may see the address read them."""
    cause = error.__cause__ if isinstance(error, PermanentFailure) and error.__cause__ else error
    codes: list[int] = []
    if isinstance(cause, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _message in cause.recipients.values()})
    elif isinstance(cause, smtplib.SMTPResponseException):
        codes = [cause.smtp_code]
    return " ".join([type(error).__name__, *(str(code) for code in codes)])


def _text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def build_message(document: Document, settings: SmtpSettings) -> EmailMessage:
    """The e-mail of a letter: a short text body, the letter attached as a PDF."""
    snapshot = document.data
    council = snapshot["council"]
    message = EmailMessage()
    message["Subject"] = f"{council['name']}: {snapshot['heading']} ({snapshot['reference']})"
    message["From"] = formataddr((council["name"], settings.sender or council["email"]))
    message["To"] = document.email_to
    message["Reply-To"] = council["email"]
    message["Date"] = format_datetime(clock.now())
    message["Message-ID"] = message_id(document, settings.sender or council["email"])
    message.set_content(render_email_text(snapshot))
    message.add_attachment(
        render_pdf(document.html),
        maintype="application",
        subtype="pdf",
        filename=pdf_filename(document),
    )
    return message


def message_id(document: Document, sender: str) -> str:
    """The same Message-ID on every attempt at a letter: the key, per document and recipient,
    by which a mail system that sees a letter twice (a mailer killed after the server accepted
    it but before ``sent`` was written, then retried) can tell it is one letter."""
    issued = document.created_at.isoformat() if document.created_at else ""
    key = f"{document.id}|{issued}|{(document.email_to or '').lower()}"
    digest = hashlib.sha256(key.encode()).hexdigest()[:20]
    return f"<ctflow.document-{document.id}.{digest}@{sender.rpartition('@')[2]}>"


def pdf_filename(document: Document) -> str:
    return f"{document.data['reference']}-{document.kind}-{document.id}.pdf"


def deliver(message: EmailMessage, settings: SmtpSettings) -> None:
    with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds) as smtp:
        if settings.starttls:
            smtp.starttls(context=ssl.create_default_context())
        if settings.username:
            smtp.login(settings.username, settings.password or "")
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            if all(code >= 500 for code, _message in exc.recipients.values()):
                raise PermanentFailure(describe_error(exc)) from exc
            raise


# --- The background mailer -----------------------------------------------------------------


def start_background_mailer(app: Flask, interval_seconds: float = 60.0) -> BackgroundLoop:
    """Send queued letters beside the web server: as soon as a transaction that queued one
    commits, and every ``interval_seconds`` (the retries). ``stop()`` the returned loop to end it."""

    def send() -> str | None:
        from app.services.account_links import send_due_emails

        report, links = send_pending_emails(), send_due_emails()
        said = []
        if report.sent or report.failed:
            said.append(f"letters e-mailed: {report.sent}; failed: {report.failed}")
        if links.sent or links.failed:
            said.append(f"invitation and reset e-mails sent: {links.sent}; failed: {links.failed}")
        return "; ".join(said) or None

    mailer = start_loop(app, "ctflow-mailer", interval_seconds, send)
    app.extensions[WAKE] = mailer.wake
    _listen_for_commits()
    return mailer


def _listen_for_commits() -> None:
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)


def _wake_after_commit(session: Session) -> None:
    if session.info.pop(OUTBOX_QUEUED, False) and has_app_context():
        wake = current_app.extensions.get(WAKE)
        if wake is not None:
            wake.set()
