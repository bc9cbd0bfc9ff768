"""The SMTP settings and the e-mail a letter becomes (the sending itself is tested through the API
in tests/api/test_documents.py against a real SMTP server)."""

from __future__ import annotations

import smtplib

import pytest

from app.config import ConfigError, read_environment
from app.letters import letter_snapshot, recipients_for, render_html
from app.models import Document
from app.services import mail
from tests.letters.pdf import pdf_text
from tests.letters.samples import application, facts


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({"CTFLOW_SMTP_HOST": "smtp.example.org", "CTFLOW_SMTP_PORT": "2525"},
         {"SMTP_HOST": "smtp.example.org", "SMTP_PORT": 2525}),
        ({"CTFLOW_SMTP_STARTTLS": "false"}, {"SMTP_STARTTLS": False}),
        ({"CTFLOW_SMTP_STARTTLS": "Yes"}, {"SMTP_STARTTLS": True}),
        ({"CTFLOW_SMTP_USERNAME": "u", "CTFLOW_SMTP_PASSWORD": "p", "CTFLOW_SMTP_FROM": "letters@example.org"},
         {"SMTP_USERNAME": "u", "SMTP_PASSWORD": "p", "SMTP_FROM": "letters@example.org"}),
    ],
    ids=["host and port", "starttls off", "starttls on", "login and sender"],
)  # fmt: skip
def test_smtp_settings_from_the_environment(environ, expected):
    assert read_environment(environ) == expected


def test_a_bad_flag_stops_the_app_with_the_variable_named():
    with pytest.raises(ConfigError, match="CTFLOW_SMTP_STARTTLS must be boolean, not 'maybe'"):
        read_environment({"CTFLOW_SMTP_STARTTLS": "maybe"})


def test_a_letter_becomes_an_email_with_its_pdf(app):
    (addressee,) = recipients_for("CT1", application())
    snapshot = letter_snapshot(facts("CT1"), addressee)
    document = Document(id=7, kind="CT1", data=snapshot, html=render_html(snapshot), email_to=addressee.email)
    settings = mail.SmtpSettings("localhost", 25, None, None, False, None, 5)
    with app.app_context():
        message = mail.build_message(document, settings)
    assert message["To"] == "alex@example.org"
    assert message["From"] == "Derby City Council <CommunitySafety@derby.gov.uk>"  # no CTFLOW_SMTP_FROM
    assert (
        message["Subject"]
        == "Derby City Council: We have received your Community Trigger application (DER-2026-0001)"
    )
    (pdf,) = message.iter_attachments()
    assert pdf.get_filename() == "DER-2026-0001-CT1-7.pdf"
    assert "We have received your Community Trigger application" in pdf_text(pdf.get_content())


@pytest.mark.parametrize(
    ("error", "text"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.c": (550, b"No such mailbox")}), "recipient refused: 550 No such mailbox"),
        (smtplib.SMTPDataError(451, b"Try later"), "SMTPDataError: 451 Try later"),
        (ConnectionRefusedError(111, "Connection refused"), "ConnectionRefusedError: [Errno 111] Connection refused"),
        (TimeoutError(), "TimeoutError"),
    ],
    ids=["refused recipient", "server reply", "server down", "timeout"],
)  # fmt: skip
def test_errors_are_described_for_the_case(error, text):
    assert mail.describe_error(error) == text


@pytest.mark.parametrize(
    ("error", "logged"),
    [
        (smtplib.SMTPRecipientsRefused({"alex@example.org": (550, b"5.1.1 <alex@example.org>: no such user")}),
         "SMTPRecipientsRefused 550"),
        (smtplib.SMTPDataError(554, b"Message to <alex@example.org> rejected"), "SMTPDataError 554"),
        (ConnectionRefusedError(111, "Connection refused"), "ConnectionRefusedError"),
    ],
    ids=["refused recipient", "server reply", "server down"],
)  # fmt: skip
def test_a_failure_is_logged_without_the_servers_words(error, logged):
    """The server's words can name the recipient's address; the log keeps the kind and the code."""
    assert mail.loggable_error(error) == logged
    permanent = mail.PermanentFailure("refused")
    permanent.__cause__ = smtplib.SMTPRecipientsRefused({"alex@example.org": (550, b"<alex@example.org>")})
    assert mail.loggable_error(permanent) == "PermanentFailure 550"


def test_backoff_then_give_up():
    assert [int(b.total_seconds()) for b in mail.BACKOFF] == [60, 300, 900, 3600, 14400, 43200, 86400]
    assert mail.MAX_ATTEMPTS == 8
