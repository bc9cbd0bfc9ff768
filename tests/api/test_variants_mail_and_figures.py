"""Every council runs its own diagram: a case of each opens on its council's variant, its
acknowledgement letter arrives by e-mail at a real SMTP server, and it counts in the figures."""

from __future__ import annotations

import pytest

from app.services import mail
from tests.factories.actors import Council
from tests.factories.cases import application
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)


@pytest.mark.parametrize(
    ("council_id", "process_key", "acknowledge_due"),
    [
        ("derby-city", "community_trigger_derbyshire", "2027-04-05"),
        ("south-derbyshire", "community_trigger_derbyshire", "2027-04-05"),
        ("east-herts", "community_trigger_east_herts", "2027-04-01"),
        ("kensington-and-chelsea", "community_trigger_kensington_and_chelsea", "2027-04-05"),
    ],
    ids=["derby-city", "derbyshire-district", "east-herts", "kensington-and-chelsea"],
)
def test_a_case_runs_its_councils_variant_emails_ct1_and_counts(
    app, client, clock, processes, monkeypatch, smtp_server, council_id, process_key, acknowledge_due
):
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 365 * 86400)
    council = Council(app, client, council_id)
    # Received the Thursday before Easter 2027: Good Friday is 26 March, Easter Monday 29 March.
    clock.freeze("2027-03-25T10:00:00+00:00")
    case = council.open_case(application(received_on="2027-03-25"))
    assert case["process"]["key"] == process_key
    deadline = {d["key"]: d for d in case["deadlines"]}["acknowledge"]
    assert deadline["due_on"] == acknowledge_due  # 5 working days (East Herts: 3) over Easter

    case = council.complete(case, "acknowledge", {"sent_on": "2027-03-25", "method": "email"})
    with app.app_context():
        mail.send_pending_emails()
    ct1 = [
        m
        for m in smtp_server.messages
        if "We have received your Community Trigger application" in m["Subject"]
    ]
    assert len(ct1) == 1, [m["Subject"] for m in smtp_server.messages]
    message = ct1[0]
    assert message["To"] == "alex@example.org"
    (pdf,) = list(message.iter_attachments())
    assert pdf.get_content_type() == "application/pdf" and pdf.get_content().startswith(b"%PDF")

    response = client.get(
        f"/api/v1/reports/annual?year=2027&council={council_id}", headers=council.as_("manager")
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["applications"] == 1
