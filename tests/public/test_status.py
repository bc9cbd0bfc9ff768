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
