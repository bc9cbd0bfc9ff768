"""Sending letters through GOV.UK Notify, a council's alternative to SMTP (``sender = "notify"``
in processes/councils.toml).

A letter to someone with an e-mail address goes as an e-mail through the service's e-mail
template (``CTFLOW_NOTIFY_EMAIL_TEMPLATE_ID``), the letter attached as a PDF with Notify's
``prepare_upload``; the template must use the placeholders ((subject)), ((body)) and
((link_to_file)). A letter to someone with only a postal address goes by post as a precompiled
letter: Notify prints and posts the PDF itself (it checks the address block and margins, and
refuses a PDF that does not fit them, which is recorded as a failure to send by hand).

The outbox, its retries and the status on the document list are those of ``app.services.mail``.
Each notification carries the reference ``<document id>-<recipient>``; a retry first asks Notify
for a notification with that reference, so a letter Notify took before a crash (or a lost answer)
is recorded as sent, not sent twice.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from flask import current_app
from notifications_python_client import NotificationsAPIClient, prepare_upload
from notifications_python_client.errors import APIError

from app.letters import render_email_text, render_pdf
from app.models import Document
from app.services.mail import PermanentFailure, pdf_filename

DEFAULT_BASE_URL = "https://api.notifications.service.gov.uk"
# Notification statuses that mean Notify will not deliver it: sending again is right.
UNDELIVERED = {
    "permanent-failure",
    "temporary-failure",
    "technical-failure",
    "validation-failed",
    "cancelled",
}


class PermanentNotifyError(PermanentFailure):
    """Notify refused the notification itself (400): sending it again will not help."""

    described = True


class NotifyError(Exception):
    """Notify could not take the notification now (429, 5xx, no connection): try again later."""

    described = True


@dataclass(frozen=True)
class NotifySettings:
    api_key: str
    base_url: str
    email_template_id: str | None
    timeout_seconds: float


def notify_settings() -> NotifySettings | None:
    """The app's GOV.UK Notify settings, or None when no API key is configured."""
    config = current_app.config
    if not config.get("NOTIFY_API_KEY"):
        return None
    return NotifySettings(
        api_key=config["NOTIFY_API_KEY"],
        base_url=config.get("NOTIFY_BASE_URL") or DEFAULT_BASE_URL,
        email_template_id=config.get("NOTIFY_EMAIL_TEMPLATE_ID") or None,
        timeout_seconds=float(config.get("NOTIFY_TIMEOUT_SECONDS") or 30),
    )


def can_send(settings: NotifySettings | None, email_to: str | None, address_lines) -> bool:
    """Whether Notify, so configured, can send a letter to this addressee."""
    if settings is None:
        return False
    if email_to:
        return settings.email_template_id is not None
    return bool(address_lines)


def reference(document: Document) -> str:
    return f"{document.id}-{document.recipient}"


class NotifySender:
    """Sends documents through GOV.UK Notify. One per mailer pass (the client is not thread-safe)."""

    name = "notify"

    def __init__(self, settings: NotifySettings):
        self.settings = settings
        self.client = NotificationsAPIClient(
            settings.api_key, base_url=settings.base_url, timeout=settings.timeout_seconds
        )

    def send(self, document: Document) -> None:
        ref = reference(document)
        try:
            if document.email_attempts > 1 and self._taken(ref):
                return  # an earlier attempt reached Notify; its answer was lost
            pdf = render_pdf(document.html)
            if document.email_to:
                self._email(document, pdf, ref)
            else:
                self.client.send_precompiled_letter_notification(reference=ref, pdf_file=io.BytesIO(pdf))
        except APIError as exc:
            if exc.status_code == 400:
                raise PermanentNotifyError(describe(exc)) from exc
            raise NotifyError(describe(exc)) from exc

    def _email(self, document: Document, pdf: bytes, ref: str) -> None:
        if self.settings.email_template_id is None:
            raise NotifyError("no e-mail template: set CTFLOW_NOTIFY_EMAIL_TEMPLATE_ID")
        snapshot = document.data
        try:
            upload = prepare_upload(io.BytesIO(pdf), filename=pdf_filename(document))
        except ValueError as exc:  # larger than Notify's 2 MB
            raise PermanentNotifyError(f"the letter's PDF cannot be attached: {exc}") from exc
        self.client.send_email_notification(
            email_address=document.email_to,
            template_id=self.settings.email_template_id,
            personalisation={
                "subject": f"{snapshot['council']['name']}: {snapshot['heading']} ({snapshot['reference']})",
                "body": render_email_text(snapshot),
                "link_to_file": upload,
            },
            reference=ref,
        )

    def _taken(self, ref: str) -> bool:
        found = self.client.get_all_notifications(reference=ref).get("notifications", [])
        return any(n.get("status") not in UNDELIVERED for n in found)


def describe(error: APIError) -> str:
    """Notify's answer in one line: ``GOV.UK Notify 400: BadRequestError: Can't send to this recipient...``."""
    message = error.message
    if isinstance(message, list):
        message = "; ".join(f"{e.get('error', '')}: {e.get('message', '')}".strip(": ") for e in message)
    return f"GOV.UK Notify {error.status_code}: {message}"
