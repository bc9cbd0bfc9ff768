"""The data protection staff's pages on a case (issue 17): the case page's section, the anonymise
confirmation and the restriction form, with the API's rules: their council's data protection
staff only, a reason required, an open case not anonymised, a closed one not restricted."""

from __future__ import annotations

import pytest

from tests.factories.cases import application
from tests.factories.closed_cases import walk_to_closed
from tests.factories.users import create_user
from tests.factories.web import csrf_token, signed_in

DPO = "dpo.derby-city@example.org"


@pytest.fixture
def open_case(derby, at):
    at("2026-12-14T09:00:00+00:00")
    return derby.open_case(application())


@pytest.fixture
def dpo(app, open_case):
    """Derby City's data protection officer, signed in once the clock has moved to the case's day."""
    create_user(app, role="data_protection", email=DPO)
    return signed_in(app, DPO)


def post(browser, path: str, data: dict):
    return browser.post(path, data={**data, "csrf_token": csrf_token(browser, path)})


def test_the_case_page_offers_data_protection_staff_their_actions_only(app, dpo, open_case):
    page = dpo.get(f"/cases/{open_case['id']}").get_data(as_text=True)
    assert 'id="data-protection"' in page and f'href="/cases/{open_case["id"]}/restriction/victim-1"' in page
    assert "Anonymise this case" not in page  # open
    assert "Acknowledge" in page and 'href="/tasks/' not in page  # its tasks, not theirs to open
    officer = (
        signed_in(app, "officer.derby-city@example.org")
        .get(f"/cases/{open_case['id']}")
        .get_data(as_text=True)
    )
    assert 'id="data-protection"' not in officer and 'href="/tasks/' in officer


def test_restricting_from_the_page_asks_why_then_restricts(app, dpo, open_case):
    path = f"/cases/{open_case['id']}/restriction/victim-1"
    form = dpo.get(path)
    assert form.status_code == 200 and "Restrict victim 1" in form.get_data(as_text=True)
    refused = post(dpo, path, {"reason": ""})
    assert refused.status_code == 422 and "Enter why" in refused.get_data(as_text=True)
    done = post(dpo, path, {"reason": "Request of 14 December"})
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/cases/{open_case['id']}")
    page = dpo.get(f"/cases/{open_case['id']}").get_data(as_text=True)
    assert "The data of victim 1 is restricted" in page and "Lift the restriction" in page
    chair = (
        signed_in(app, "chair.derby-city@example.org").get(f"/cases/{open_case['id']}").get_data(as_text=True)
    )
    assert "Alex Victim" not in chair
    assert post(dpo, path, {"reason": "Withdrawn"}).status_code == 302  # the same form lifts it
    assert "The data of victim 1 is restricted" not in dpo.get(f"/cases/{open_case['id']}").get_data(
        as_text=True
    )


def test_an_open_case_is_refused_on_the_anonymise_page(dpo, open_case):
    path = f"/cases/{open_case['id']}/anonymise"
    response = post(dpo, path, {"reason": "Erasure request"})
    assert response.status_code == 409
    assert "only a closed case can be anonymised" in response.get_data(as_text=True)


def test_a_closed_case_is_anonymised_from_the_page_and_not_restricted(app, derby, at):
    closed = walk_to_closed(derby, at, "2026-12")
    create_user(app, role="data_protection", email=DPO)
    dpo = signed_in(app, DPO)
    assert post(dpo, f"/cases/{closed['id']}/restriction/victim-1", {"reason": "r"}).status_code == 409
    assert post(dpo, f"/cases/{closed['id']}/anonymise", {"reason": "Erasure request"}).status_code == 302
    page = dpo.get(f"/cases/{closed['id']}").get_data(as_text=True)
    assert "This case was anonymised on" in page and "Alex Victim" not in page


@pytest.mark.parametrize("who", ["officer", "manager", "chair"])
def test_other_staff_cannot_open_the_pages(app, derby, open_case, who):
    browser = signed_in(app, f"{who}.derby-city@example.org")
    assert browser.get(f"/cases/{open_case['id']}/anonymise").status_code == 403
    assert browser.get(f"/cases/{open_case['id']}/restriction/victim-1").status_code == 403


def test_another_council_or_an_unknown_person_is_not_found(app, dpo, open_case):
    create_user(app, role="data_protection", councils=("amber-valley",), email="dpo.amber@example.org")
    other = signed_in(app, "dpo.amber@example.org")
    assert other.get(f"/cases/{open_case['id']}/anonymise").status_code == 404
    assert dpo.get(f"/cases/{open_case['id']}/restriction/victim-9").status_code == 404
