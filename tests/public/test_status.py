"""The applicant's status page: reached by a private link, scoped to the case, revocable."""

from __future__ import annotations

import re

import pytest

from tests.factories.cases import application


def _link_for(app, case_id):
    from app.extensions import db
    from app.models import Case
    from app.services import status_links

    with app.app_context():
        token = status_links.issue(db.session.get(Case, case_id))
        db.session.commit()
        return token


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-10"))
    return derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


def test_the_status_page_shows_stage_dates_and_the_letters_sent(app, client, case):
    token = _link_for(app, case["id"])
    response = client.get(f"/status/{token}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert case["reference"] in html
    assert "Application received" in html and "10 December 2026" in html
    assert "Application acknowledged" in html
    letters = re.findall(rf'href="(/status/{token}/letters/\d+)"', html)
    assert letters, html
    letter = client.get(letters[0])
    assert letter.status_code == 200 and case["reference"] in letter.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_a_letter_of_another_case_is_404(app, client, derby, case):
    other = derby.open_case(application(received_on="2026-12-11"))
    derby.complete(other, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    token = _link_for(app, case["id"])
    from app.extensions import db
    from app.models import Document

    with app.app_context():
        other_letter = db.session.query(Document).filter_by(case_id=other["id"]).first()
    assert client.get(f"/status/{token}/letters/{other_letter.id}").status_code == 404


def test_wrong_and_revoked_tokens_are_404(app, client, case):
    from app.services import status_links

    token = _link_for(app, case["id"])
    assert client.get(f"/status/{token}x").status_code == 404
    assert client.get("/status/" + "a" * 43).status_code == 404
    with app.app_context():
        assert status_links.revoke(case["reference"]) == 1
    assert client.get(f"/status/{token}").status_code == 404


def test_a_new_link_replaces_the_old(app, client, case):
    old = _link_for(app, case["id"])
    new = _link_for(app, case["id"])
    assert client.get(f"/status/{old}").status_code == 404
    assert client.get(f"/status/{new}").status_code == 200


def test_only_the_hash_is_stored(app, case):
    from app.extensions import db
    from app.models import StatusLink

    token = _link_for(app, case["id"])
    with app.app_context():
        hashes = [link.token_hash for link in db.session.query(StatusLink)]
    assert token not in hashes and all(len(h) == 64 for h in hashes)


def test_revoke_from_the_command_line(app, runner, case):
    token = _link_for(app, case["id"])
    result = runner.invoke(args=["status-link", "revoke", case["reference"]])
    assert result.exit_code == 0, result.output
    assert "Revoked 1 status link" in result.output
    assert app.test_client().get(f"/status/{token}").status_code == 404
    result = runner.invoke(args=["status-link", "revoke", "NO-SUCH-REF"])
    assert result.exit_code != 0


def test_the_acknowledgement_letter_carries_a_working_private_link(app, derby, clock):
    import re as _re

    from tests.factories.cases import application as _application

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(_application())
    derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    items = derby.client.get(
        f"/api/v1/cases/{case['id']}/documents", headers=derby.as_("officer")
    ).get_json()["items"]
    [ct1] = [d for d in items if d["kind"] == "CT1"]
    letter = derby.client.get(f"/api/v1/documents/{ct1['id']}", headers=derby.as_("officer")).get_data(
        as_text=True
    )
    match = _re.search(r"http://127\.0\.0\.1:5000(/status/[A-Za-z0-9_-]+)", letter)
    assert match, "no status link in the acknowledgement"
    page = app.test_client().get(match.group(1))
    assert page.status_code == 200 and case["reference"] in page.get_data(as_text=True)


def _documents(derby, case_id):
    return derby.client.get(f"/api/v1/cases/{case_id}/documents", headers=derby.as_("officer")).get_json()[
        "items"
    ]


def _letter_link(derby, document_id):
    html = derby.client.get(f"/api/v1/documents/{document_id}", headers=derby.as_("officer")).get_data(
        as_text=True
    )
    match = re.search(r"http://127\.0\.0\.1:5000/status/([A-Za-z0-9_-]+)", html)
    return match.group(1) if match else None


def test_each_recipient_has_their_own_link_and_sees_only_their_letters(app, derby, clock):
    from tests.factories.cases import third_party_application

    clock.freeze("2026-12-14T09:00:00+00:00")
    consent = {"given": True, "evidence": "written_consent", "received_on": "2026-12-14"}
    case = derby.open_case(third_party_application(consent=consent))
    derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    letters = {(d["kind"], d.get("recipient")): d for d in _documents(derby, case["id"])}
    ct1 = next(d for d in letters.values() if d["kind"] == "CT1")
    ct2 = next(d for d in letters.values() if d["kind"] == "CT2")
    victim_token, helper_token = _letter_link(derby, ct1["id"]), _letter_link(derby, ct2["id"])
    assert victim_token and helper_token and victim_token != helper_token
    client = app.test_client()
    victim_page = client.get(f"/status/{victim_token}").get_data(as_text=True)
    helper_page = client.get(f"/status/{helper_token}").get_data(as_text=True)
    assert f"/letters/{ct1['id']}" in victim_page and f"/letters/{ct2['id']}" not in victim_page
    assert f"/letters/{ct2['id']}" in helper_page and f"/letters/{ct1['id']}" not in helper_page
    # A letter of the other recipient's is not reachable through one's own link either.
    assert client.get(f"/status/{victim_token}/letters/{ct2['id']}").status_code == 404
    assert client.get(f"/status/{helper_token}/letters/{ct2['id']}").status_code == 200
    # Plain letter names, not the councils' form codes.
    assert "We have received your Community Trigger application" in victim_page
    assert "(CT1)" not in victim_page and "CT2" not in helper_page


def test_the_person_who_applied_sees_only_that_consent_is_awaited(app, derby, clock):
    from tests.factories.cases import third_party_application

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(third_party_application())  # no consent yet
    from app.extensions import db
    from app.models import Case, Recipient
    from app.services import status_links

    with app.app_context():
        token = status_links.token_for(db.session.get(Case, case["id"]), Recipient.THIRD_PARTY)
        db.session.commit()
    html = app.test_client().get(f"/status/{token}").get_data(as_text=True)
    assert "We are waiting for the written consent of the person you applied for" in html
    assert "Please send us the written consent of the person you applied for by" in html
    assert "Alex Victim" not in html and "threshold" not in html


def test_the_status_page_names_the_council_and_the_next_step_with_its_date(app, client, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))
    token = _link_for(app, case["id"])
    html = client.get(f"/status/{token}").get_data(as_text=True)
    assert "Derby City Council" in html and "CommunitySafety@derby.gov.uk" in html
    # Derby City: 5 working days from receipt (derby-city-application-guidance-notes.txt line 142).
    assert "We will acknowledge the application by 21 December 2026." in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html)  # no ISO date
    assert "/sign-in" not in html  # the header goes to the public start page


def test_the_confirmation_and_the_acknowledgement_give_the_same_link(app, derby, clock):
    from tests.public.test_apply import ADDRESS, START, _incident, _post

    clock.freeze("2026-12-14T09:00:00+00:00")
    browser = app.test_client()
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    _post(
        browser,
        f"{START}/victim",
        {"name": "Alex Victim", "email": "alex@example.org", "vulnerable": "false"},
    )
    _post(browser, f"{START}/victim_address", ADDRESS)
    _post(browser, f"{START}/incidents/new", _incident(1))
    _post(browser, f"{START}/declaration", {"declaration": "confirmed"})
    response = _post(browser, f"{START}/check", {})
    confirmation = browser.get(response.headers["Location"]).get_data(as_text=True)
    token = re.search(r"/status/([A-Za-z0-9_-]+)", confirmation).group(1)
    assert "CommunitySafety@derby.gov.uk" in confirmation
    # The session cookie holds no token, not even encoded (it is only signed, not encrypted).
    cookie = browser.get_cookie("ctflow_session").value
    session = app.session_interface.get_signing_serializer(app).loads(cookie)
    assert token not in cookie and token not in repr(session)
    assert set(session["applied"]) == {"council", "reference", "at"}
    [summary] = derby.client.get("/api/v1/cases", headers=derby.as_("officer")).get_json()["items"]
    derby.complete(derby.case(summary["id"]), "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    [ct1] = [d for d in _documents(derby, summary["id"]) if d["kind"] == "CT1"]
    assert _letter_link(derby, ct1["id"]) == token
    # The letter's postal address block: the address the applicant gave.
    letter = derby.client.get(f"/api/v1/documents/{ct1['id']}", headers=derby.as_("officer")).get_data(
        as_text=True
    )
    assert "1 High Street" in letter and "DE1 2FS" in letter
    # Reloading the confirmation later shows the same link; after an hour it is gone.
    assert token in browser.get(response.headers["Location"]).get_data(as_text=True)
    clock.freeze("2026-12-14T10:30:00+00:00")
    assert browser.get(response.headers["Location"]).status_code == 302


def test_an_unexpected_error_on_a_status_page_logs_the_route_never_the_token(
    app, client, case, monkeypatch, caplog
):
    from app.public import status as status_page

    def broken(*_args):
        raise RuntimeError("boom")

    token = _link_for(app, case["id"])
    monkeypatch.setattr(status_page, "waiting_for_consent", broken)
    with caplog.at_level("ERROR", logger="app.errors"):
        response = client.get(f"/status/{token}")
    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Unhandled error on GET /status/<token>" in logged
    assert token not in logged
