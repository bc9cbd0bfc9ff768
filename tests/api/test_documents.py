"""Letters of a Derby City case through the API: issued by the diagram, listed on the case,
e-mailed through a real SMTP server on localhost after the case's transaction commits, downloaded
as HTML and PDF, hidden from other councils and partners, retried after a failed send, and
never naming anyone but their recipient."""

from __future__ import annotations

import pytest

from app.services import mail
from tests.factories.actors import Council
from tests.factories.cases import application, third_party_application
from tests.factories.reading import forms
from tests.letters.pdf import html_text, pdf_text
from tests.letters.samples import CHAIR, PANEL, PERPETRATOR, REPORTER
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.fixture
def at(clock):
    return clock.freeze


def send_letters(app):
    with app.app_context():
        return mail.send_pending_emails()


def documents(client, derby, case_id, who="officer"):
    response = client.get(f"/api/v1/cases/{case_id}/documents", headers=derby.as_(who))
    assert response.status_code == 200, response.get_json()
    return response.get_json()["items"]


def download(client, derby, document_id, fmt=None, who="officer"):
    query = f"?format={fmt}" if fmt else ""
    return client.get(f"/api/v1/documents/{document_id}{query}", headers=derby.as_(who))


def attachment(message):
    (part,) = [p for p in message.iter_attachments()]
    return part


def to_threshold_decision(derby, at, body):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(body)
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    return derby.complete(case, "screen_eligibility", {"eligible": True})


REVIEW = {
    "held_on": "2027-01-20",
    "panel": [
        {"agency": "police", "name": PANEL[0], "role": "Neighbourhood officer"},
        {"agency": "housing_provider", "name": PANEL[1], "role": "Housing officer"},
        {"agency": "council", "name": PANEL[2], "role": "ASB coordinator"},
    ],
    "chair": {"name": CHAIR, "organisation": "Derby CSP", "independent": True},
    "victim_attended": True,
    "findings": f"Agencies acted separately. {PERPETRATOR} was spoken to by {PANEL[0]}; Mr Pollard denied it.",
    "recommendations": [
        {"action": "Joint visit to Mr Pollard", "owner_agency": "police", "due_on": "2027-02-15"},
        {"action": "Fit a door camera", "owner_agency": "housing_provider", "due_on": "2027-03-01"},
    ],
}


def to_outcome(derby, at, body):
    case = to_threshold_decision(derby, at, body)
    at("2027-01-06T10:00:00+00:00")
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three incidents."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    case = derby.complete(
        case, "return_information", {"summary": "s", "actions_taken": "a"}, who="police", agency="police"
    )
    case = derby.complete(case, "contact_victim", {"contacted_on": "2027-01-06", "victim_will_attend": True})
    at("2027-01-20T15:00:00+00:00")
    case = derby.complete(case, "case_review", REVIEW, who="chair")
    at("2027-01-22T10:00:00+00:00")
    return derby.complete(case, "notify_outcome", {"notified_on": "2027-01-22", "method": "phone_and_letter"})


def test_letters_of_a_case_are_listed_emailed_and_downloadable(derby, client, app, at, smtp_server):
    case = to_outcome(derby, at, application())
    listed = documents(client, derby, case["id"])
    assert [(d["kind"], d["title"], d["recipient"]) for d in listed] == [
        ("CT1", "Acknowledgement to the applicant (CT1)", "applicant"),
        ("CT4", "Threshold met (CT4)", "applicant"),
        ("outcome", "Outcome of the case review", "applicant"),
    ]
    assert [d["issued_on"] for d in listed] == ["2026-12-14", "2027-01-06", "2027-01-22"]
    assert all(d["email"]["status"] == "pending" and d["email"]["to"] == "alex@example.org" for d in listed)
    assert smtp_server.messages == []  # nothing is sent inside the workflow run

    report = send_letters(app)
    assert sorted(report.sent) == [d["id"] for d in listed]
    messages = smtp_server.messages
    assert [m["To"] for m in messages] == ["alex@example.org"] * 3
    assert [m["Subject"] for m in messages] == [
        "Derby City Council: We have received your Community Trigger application (DER-2026-0001)",
        "Derby City Council: Your Community Trigger application: a case review will take place (DER-2026-0001)",
        "Derby City Council: The outcome of your Community Trigger case review (DER-2026-0001)",
    ]
    assert messages[0]["From"] == "Derby City Council <letters@ctflow.test>"
    assert messages[0]["Reply-To"] == "CommunitySafety@derby.gov.uk"
    assert "Dear Alex Victim," in messages[0].get_body(preferencelist=("plain",)).get_content()
    pdf = attachment(messages[2])
    assert pdf.get_content_type() == "application/pdf"
    assert pdf.get_filename() == f"DER-2026-0001-outcome-{listed[2]['id']}.pdf"
    assert "The outcome of your Community Trigger case review" in pdf_text(pdf.get_content())

    listed = documents(client, derby, case["id"])
    assert all(d["email"]["status"] == "sent" for d in listed)
    assert (
        listed[0]["email"]["sent_at"] == "2027-01-22T10:00:00+00:00" and listed[0]["email"]["attempts"] == 1
    )
    assert send_letters(app).sent == []  # each is sent once

    response = download(client, derby, listed[1]["id"])
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Derby City Council" in html_text(response.get_data(as_text=True))
    response = download(client, derby, listed[1]["id"], "pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data[:5] == b"%PDF-"
    assert "single point of contact" in pdf_text(response.data)
    history = [h["event"] for h in derby.case(case["id"])["history"]]
    assert history.count("letter_emailed") == 3


def test_a_not_met_decision_sends_ct3_with_the_explanation_and_review_form(
    derby, client, app, at, smtp_server
):
    body = application(incidents=[application()["incidents"][0]])
    case = to_threshold_decision(derby, at, body)
    at("2026-12-18T10:00:00+00:00")
    case = derby.check_records(case)
    case = derby.complete(
        case, "threshold_decision", {"threshold_met": False, "reasons": "One incident only."}
    )
    ct1, ct3 = documents(client, derby, case["id"])
    assert (ct3["kind"], ct3["title"]) == ("CT3", "Threshold not met (CT3)")
    explanation = case["threshold"]["evaluation"]["explanation"]
    window = {d["key"]: d["due_on"] for d in case["deadlines"]}["review_request_window"]
    assert window == "2027-01-15"
    for text in (
        html_text(download(client, derby, ct3["id"]).get_data(as_text=True)),
        pdf_text(download(client, derby, ct3["id"], "pdf").data),
    ):
        assert "Derby City Council" in text
        assert explanation in text
        assert "One incident only." in text
        assert "Form CT3a" in text and "15 January 2027" in text
    send_letters(app)
    assert [m["Subject"].split(": ", 1)[1] for m in smtp_server.messages][-1] == (
        "Your Community Trigger application: the threshold for a case review is not met (DER-2026-0001)"
    )


def test_a_third_party_application_writes_to_the_victim_and_the_third_party(
    derby, client, app, at, smtp_server
):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(third_party_application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    listed = documents(client, derby, case["id"])
    assert [(d["kind"], d["recipient"], d["email"]["to"]) for d in listed] == [
        ("CT1", "victim", "alex@example.org"),
        ("CT2", "third_party", "sam@example.org"),
    ]
    send_letters(app)
    assert sorted(m["To"] for m in smtp_server.messages) == ["alex@example.org", "sam@example.org"]
    ct2 = html_text(download(client, derby, listed[1]["id"]).get_data(as_text=True))
    assert "Dear Sam Helper" in ct2 and "We need the consent of the person you applied for" in ct2


def test_the_outcome_letter_names_no_one_but_its_recipient(derby, client, at, smtp_server):
    body = application()
    body["summary"] = f"{PERPETRATOR} from number 14 threatens me"
    body["incidents"][0]["description"] = f"{PERPETRATOR} shouted at night"
    body["incidents"][1]["reports"][0]["reporter"] = REPORTER
    case = to_outcome(derby, at, body)
    outcome = [d for d in documents(client, derby, case["id"]) if d["kind"] == "outcome"][0]
    html = download(client, derby, outcome["id"]).get_data(as_text=True)
    pdf = download(client, derby, outcome["id"], "pdf").data
    for text in (html_text(html), pdf_text(pdf)):
        assert "Alex Victim" in text and "Fit a door camera" in text
        for name in (PERPETRATOR, "Pollard", REPORTER, *PANEL, "Smithers", "Patel", CHAIR, "Whitfield"):
            assert name not in text, name
        for private in ("shouted at night", "Door kicked", "Neighbourhood officer", "Derby CSP"):
            assert private not in text, private


def test_other_councils_and_partner_agencies_get_404(derby, client, app, at, smtp_server):
    case = to_outcome(derby, at, application())
    document_id = documents(client, derby, case["id"])[0]["id"]
    east_herts = Council(app, client, "east-herts")
    for headers in (east_herts.as_("officer"), east_herts.as_("manager"), derby.as_("police")):
        assert client.get(f"/api/v1/cases/{case['id']}/documents", headers=headers).status_code == 404
        response = client.get(f"/api/v1/documents/{document_id}", headers=headers)
        assert response.status_code == 404
        assert response.get_json() == {"error": {"code": "not_found", "message": "No such document."}}
        assert client.get(f"/api/v1/documents/{document_id}?format=pdf", headers=headers).status_code == 404
    assert derby.case(case["id"], who="police")["id"] == case["id"]  # the partner sees the case itself
    for who in ("officer", "manager", "chair", "appeals", "owner"):
        assert download(client, derby, document_id, who=who).status_code == 200
    assert client.get(f"/api/v1/documents/{document_id}").status_code == 401
    assert client.get("/api/v1/documents/999999", headers=derby.as_("officer")).status_code == 404
    assert client.get("/api/v1/cases/999999/documents", headers=derby.as_("officer")).status_code == 404


def test_formats_other_than_html_and_pdf_are_422(derby, client, at, smtp_server):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    document_id = documents(client, derby, case["id"])[0]["id"]
    response = download(client, derby, document_id, "docx")
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"format": ["Must be one of: html, pdf."]}
    assert download(client, derby, document_id).mimetype == "text/html"  # the default


def test_a_failed_send_keeps_the_letter_does_not_fail_the_task_and_is_retried(
    derby, client, app, at, smtp_server
):
    smtp_server.refuse("451 4.3.0 Mailbox busy, try again later")
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})  # 200
    assert forms(case) == ["screen_eligibility"]
    report = send_letters(app)
    assert report.sent == [] and len(report.failed) == 1
    (ct1,) = documents(client, derby, case["id"])
    assert ct1["email"]["status"] == "failed"
    assert ct1["email"]["attempts"] == 1
    assert "451" in ct1["email"]["last_error"] and "Mailbox busy" in ct1["email"]["last_error"]
    assert ct1["email"]["next_attempt_at"] == "2026-12-14T09:01:00+00:00"  # a minute later
    assert download(client, derby, ct1["id"], "pdf").status_code == 200  # the letter is kept

    # The server goes away altogether: the next attempt fails too, and waits longer.
    port = app.config["SMTP_PORT"]
    smtp_server.controller.stop()
    at("2026-12-14T09:01:30+00:00")
    send_letters(app)
    (ct1,) = documents(client, derby, case["id"])
    assert ct1["email"]["status"] == "failed" and ct1["email"]["attempts"] == 2
    assert "ConnectionRefusedError" in ct1["email"]["last_error"]
    assert ct1["email"]["next_attempt_at"] == "2026-12-14T09:06:30+00:00"  # five minutes later

    smtp_server.controller = type(smtp_server.controller)(
        smtp_server.handler, hostname="127.0.0.1", port=port
    )
    smtp_server.controller.start()
    smtp_server.accept()
    at("2026-12-14T09:05:00+00:00")
    assert send_letters(app).sent == []  # not due yet
    at("2026-12-14T09:07:00+00:00")
    assert send_letters(app).sent == [ct1["id"]]
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["attempts"], ct1["email"]["last_error"]) == ("sent", 3, None)
    assert ct1["email"]["next_attempt_at"] is None
    assert [m["To"] for m in smtp_server.messages] == ["alex@example.org"]


def test_an_address_the_server_rejects_is_given_up_and_shown_on_the_case(
    derby, client, app, at, smtp_server, caplog
):
    smtp_server.refuse("550 5.1.1 <alex@example.org>: no such mailbox")
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    send_letters(app)
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["next_attempt_at"]) == ("failed", None)
    assert "550" in ct1["email"]["last_error"]
    history = derby.case(case["id"])["history"]
    (failed,) = [h for h in history if h["event"] == "letter_email_failed"]
    assert "send it by post" in failed["detail"] and failed["actor"] == "mailer"
    # The log says it failed and how, never the server's words naming the address (issue 17).
    logged = [r.getMessage() for r in caplog.records if r.name == "app.services.mail"]
    assert logged and all("alex@example.org" not in line for line in logged)
    assert any("SMTPRecipientsRefused 550" in line or "PermanentFailure 550" in line for line in logged)


def test_letters_are_kept_without_smtp_or_an_address(derby, client, app, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())  # no SMTP host configured
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "post"})
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["next_attempt_at"]) == ("not_configured", None)
    assert send_letters(app).sent == []
    assert download(client, derby, ct1["id"], "pdf").status_code == 200

    body = application(victims=[{"name": "Alex Victim", "address": "1 High Street, Derby"}])
    case = derby.open_case(body)
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "post"})
    (ct1,) = documents(client, derby, case["id"])
    assert (ct1["email"]["status"], ct1["email"]["to"]) == ("no_address", None)


def test_a_sent_letter_stays_as_it_was_issued(derby, client, at, smtp_server):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    (ct1,) = documents(client, derby, case["id"])
    before = download(client, derby, ct1["id"]).get_data(as_text=True)
    at("2026-12-16T09:00:00+00:00")
    derby.complete(case, "screen_eligibility", {"eligible": True})
    assert download(client, derby, ct1["id"]).get_data(as_text=True) == before
    assert "14 December 2026" in html_text(before)


def test_the_background_mailer_sends_as_soon_as_the_case_commits(derby, app, at, smtp_server):
    mailer = mail.start_background_mailer(app, interval_seconds=300)  # only a commit can wake it in time
    try:
        at("2026-12-14T09:00:00+00:00")
        case = derby.open_case(application())
        derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
        (message,) = smtp_server.wait_for(1, timeout_seconds=20)
    finally:
        mailer.stop()
    assert message["To"] == "alex@example.org"
    assert attachment(message).get_content()[:5] == b"%PDF-"
