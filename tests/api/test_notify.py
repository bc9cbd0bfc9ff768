"""Letters of a council that sends through GOV.UK Notify (``sender = "notify"``): e-mailed with the
PDF attached, or posted as a precompiled letter, from the same outbox as SMTP, with its retries
and its status on the document list. GOV.UK Notify cannot be reached from here: the tests talk
to a local server answering as its API does (tests/notify.py), which checks each request's JWT."""

from __future__ import annotations

import base64

import pytest

from app.config import notify_problems
from app.extensions import db
from app.models import Document
from app.presenters.case_file import email_state
from app.services import mail
from tests.factories.cases import application
from tests.letters.pdf import pdf_text
from tests.notify import fake_notify_fixture  # noqa: F401  (the fake_notify fixture)


@pytest.fixture(autouse=True)
def _december(clock):
    clock.freeze("2026-12-14T09:00:00+00:00")


def send_letters(app):
    with app.app_context():
        return mail.send_pending_emails()


def acknowledged(derby, body=None):
    case = derby.open_case(body or application())
    return derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


def documents(client, derby, case_id):
    response = client.get(f"/api/v1/cases/{case_id}/documents", headers=derby.as_("officer"))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def history(derby, case_id, event):
    return [h["detail"] for h in derby.case(case_id)["history"] if h["event"] == event]


def test_a_letter_is_emailed_through_notify_with_its_pdf(derby, client, app, fake_notify):
    case = acknowledged(derby)
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["to"]) == ("pending", "alex@example.org")
    assert fake_notify.received == []  # nothing is sent inside the workflow run

    assert send_letters(app).sent == [ct1["id"]]
    (sent,) = fake_notify.received
    assert sent.path == "/v2/notifications/email"
    assert sent.body["email_address"] == "alex@example.org"
    assert sent.body["template_id"] == fake_notify.template_id
    assert sent.body["reference"] == f"{ct1['id']}-applicant"
    personalisation = sent.body["personalisation"]
    assert personalisation["subject"] == (
        "Derby City Council: We have received your Community Trigger application (DER-2026-0001)"
    )
    assert "DER-2026-0001" in personalisation["body"]
    upload = personalisation["link_to_file"]
    assert upload["filename"] == f"DER-2026-0001-CT1-{ct1['id']}.pdf"
    assert "We have received your Community Trigger application" in pdf_text(base64.b64decode(upload["file"]))
    assert fake_notify.refused_tokens == 0  # every request carried a valid JWT

    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["attempts"], ct1["email"]["sent_at"]) == (
        "sent", 1, "2026-12-14T09:00:00+00:00"
    )  # fmt: skip
    assert history(derby, case["id"], "letter_emailed") == [
        "Acknowledgement to the applicant (CT1): e-mailed to the applicant"
    ]
    assert send_letters(app).sent == []  # sent once


def test_a_letter_with_only_a_postal_address_is_posted_as_a_precompiled_letter(
    derby, client, app, fake_notify
):
    body = application(
        victims=[{"name": "Alex Victim", "address": "1 High Street, Derby, DE1 1AA", "vulnerable": False}]
    )
    case = acknowledged(derby, body)
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["to"]) == ("pending", None)

    assert send_letters(app).sent == [ct1["id"]]
    (posted,) = fake_notify.received
    assert posted.path == "/v2/notifications/letter"
    assert posted.body["reference"] == f"{ct1['id']}-applicant"
    assert "1 High Street" in pdf_text(base64.b64decode(posted.body["content"]))
    (ct1,) = documents(client, derby, case["id"])
    assert ct1["email"]["status"] == "sent"
    assert history(derby, case["id"], "letter_posted") == [
        "Acknowledgement to the applicant (CT1): sent by post to the applicant through GOV.UK Notify"
    ]
    with app.app_context():
        document = db.session.get(Document, ct1["id"])
        assert email_state(document) == "Sent by post through GOV.UK Notify on 14 December 2026, 09:00"


def test_a_bad_request_is_a_permanent_failure(derby, client, app, fake_notify):
    fake_notify.fail_next(400, "BadRequestError", "Can't send to this recipient using a team-only API key")
    case = acknowledged(derby)
    report = send_letters(app)
    assert report.sent == [] and len(report.failed) == 1
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["next_attempt_at"]) == ("failed", None)
    assert ct1["email"]["last_error"] == (
        "GOV.UK Notify 400: BadRequestError: Can't send to this recipient using a team-only API key"
    )
    (failed,) = history(derby, case["id"], "letter_email_failed")
    assert failed.endswith("; send it by post")


@pytest.mark.parametrize(
    ("status", "error", "message"),
    [(500, "Exception", "Internal server error"), (429, "RateLimitError", "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds")],
    ids=["server error", "rate limit"],
)  # fmt: skip
def test_a_server_error_or_the_rate_limit_is_retried(
    derby, client, app, clock, fake_notify, status, error, message
):
    fake_notify.fail_next(status, error, message)
    case = acknowledged(derby)
    send_letters(app)
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["attempts"]) == ("failed", 1)
    assert ct1["email"]["last_error"] == f"GOV.UK Notify {status}: {error}: {message}"
    assert ct1["email"]["next_attempt_at"] == "2026-12-14T09:01:00+00:00"

    clock.freeze("2026-12-14T09:01:00+00:00")
    assert send_letters(app).sent == [ct1["id"]]
    assert len(fake_notify.received) == 1
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["attempts"], ct1["email"]["last_error"]) == ("sent", 2, None)


def test_a_letter_notify_took_before_its_answer_was_lost_is_not_sent_twice(
    derby, client, app, clock, fake_notify
):
    fake_notify.accept_then_fail_next()
    case = acknowledged(derby)
    send_letters(app)
    (ct1,) = documents(client, derby, case["id"])
    assert ct1["email"]["status"] == "failed" and len(fake_notify.received) == 1

    clock.freeze("2026-12-14T09:01:00+00:00")
    assert send_letters(app).sent == [ct1["id"]]
    assert len(fake_notify.received) == 1  # found by its reference, not sent again
    assert ("GET", "/v2/notifications") in fake_notify.requests


def test_a_wrong_api_key_is_refused_by_notify_and_retried(derby, client, app, monkeypatch, fake_notify):
    wrong = f"ctflow_test-{fake_notify.service_id}-00000000-0000-4000-8000-000000000000"
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", wrong)
    case = acknowledged(derby)
    send_letters(app)
    (ct1,) = documents(client, derby, case["id"])
    assert (
        ct1["email"]["last_error"]
        == "GOV.UK Notify 403: AuthError: Invalid token: signature, api token not found"
    )
    assert ct1["email"]["next_attempt_at"] is not None  # the operator can fix the key
    assert fake_notify.refused_tokens == 1 and fake_notify.received == []


def test_without_a_key_the_letters_are_kept_but_not_sent(derby, client, app, monkeypatch, fake_notify):
    monkeypatch.setitem(app.config, "NOTIFY_API_KEY", None)
    case = acknowledged(derby)
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["next_attempt_at"]) == ("not_configured", None)


def test_another_council_still_sends_through_smtp(app, client, processes, fake_notify, monkeypatch):
    from tests.factories.actors import Council

    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 86400)
    erewash = Council(app, client, "erewash")
    case = acknowledged(erewash)
    (ct1,) = documents(client, erewash, case["id"])
    assert ct1["email"]["status"] == "not_configured"  # no SMTP server in this test
    assert send_letters(app).sent == [] and fake_notify.received == []


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"NOTIFY_API_KEY": "secret-but-not-a-key"}, "CTFLOW_NOTIFY_API_KEY is not a GOV.UK Notify API key"),
        ({"NOTIFY_EMAIL_TEMPLATE_ID": "welcome"}, "CTFLOW_NOTIFY_EMAIL_TEMPLATE_ID must be a template id"),
        (
            {"NOTIFY_BASE_URL": "api.notifications.service.gov.uk"},
            "CTFLOW_NOTIFY_BASE_URL must be an http(s) URL",
        ),
    ],
    ids=["key", "template", "url"],
)
def test_bad_notify_settings_stop_the_app_without_quoting_the_key(settings, problem):
    (found,) = notify_problems(settings)
    assert found.startswith(problem)
    assert "secret-but-not-a-key" not in found
