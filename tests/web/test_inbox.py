"""The inbox page: my tasks and my team's unclaimed tasks, over the inbox service."""

from __future__ import annotations

import re

import pytest

from tests.factories.actors import Council
from tests.factories.cases import application
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"


def _sections(html: str) -> tuple[str, str]:
    """The "My tasks" part of the page and the "Unclaimed tasks of my team" part."""
    mine, _, unclaimed = html.partition("Unclaimed tasks of my team")
    return mine, unclaimed


def _references(html: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/\d+">([^<]+)</a><br>',
        html,
    )


@pytest.fixture
def cases(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    early = derby.open_case(application(received_on="2026-12-01"))
    late = derby.open_case(application(received_on="2026-12-14"))
    # The council's own records check done, each case has one officers' task: its acknowledgement.
    early = derby.check_records(early, agency="council")
    late = derby.check_records(late, agency="council")
    clock.freeze("2026-12-10T09:00:00+00:00")
    return early, late


def _claim(browser, task_id: int, action: str = "claim", return_to: str = "/"):
    token = csrf_token(browser, "/")
    return browser.post(f"/tasks/{task_id}/{action}", data={"csrf_token": token, "return_to": return_to})


def test_the_inbox_lists_the_teams_unclaimed_tasks_overdue_first_with_working_days(app, cases):
    early, late = cases
    html = signed_in(app, OFFICER).get("/").get_data(as_text=True)
    mine, unclaimed = _sections(html)
    assert "You have no tasks claimed." in mine
    assert _references(unclaimed) == [early["reference"], late["reference"]]
    assert "8 December 2026" in unclaimed and "2 working days overdue" in unclaimed
    assert "govuk-tag--red" in unclaimed
    late_due = late["open_tasks"][0]["due_on"]
    assert re.search(r"due in \d+ working days?", unclaimed), late_due


def test_filters_overdue_and_stage(app, cases):
    early, _late = cases
    browser = signed_in(app, OFFICER)
    overdue = browser.get("/?overdue=yes").get_data(as_text=True)
    assert _references(overdue) == [early["reference"]]
    assert _references(browser.get("/?stage=threshold").get_data(as_text=True)) == []
    assert len(_references(browser.get("/?stage=acknowledgement").get_data(as_text=True))) == 2


def test_claiming_and_unclaiming_through_the_page(app, cases):
    early, late = cases
    browser = signed_in(app, OFFICER)
    task_id = early["open_tasks"][0]["id"]
    response = _claim(browser, task_id, return_to="/?stage=acknowledgement")
    assert response.status_code == 302 and response.headers["Location"] == "/?stage=acknowledgement"
    html = browser.get("/").get_data(as_text=True)
    assert "govuk-notification-banner--success" in html and f"on case {early['reference']}" in html
    mine, unclaimed = _sections(html)
    assert _references(mine) == [early["reference"]]
    assert _references(unclaimed) == [late["reference"]]
    _claim(browser, task_id, "unclaim")
    mine, unclaimed = _sections(browser.get("/").get_data(as_text=True))
    assert _references(mine) == []
    assert _references(unclaimed) == [early["reference"], late["reference"]]


def test_a_task_claimed_by_a_colleague_first_shows_the_conflict(app, derby, client, cases):
    early, _late = cases
    browser = signed_in(app, OFFICER)
    token = csrf_token(browser, "/")
    task_id = early["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=derby.as_("manager")).status_code == 200
    browser.post(f"/tasks/{task_id}/claim", data={"csrf_token": token, "return_to": "/"})
    html = browser.get("/").get_data(as_text=True)
    assert "govuk-notification-banner" in html and "claimed by someone else" in html
    assert "govuk-notification-banner--success" not in html


def test_claiming_without_the_csrf_token_is_refused(app, cases):
    early, _late = cases
    browser = signed_in(app, OFFICER)
    response = browser.post(f"/tasks/{early['open_tasks'][0]['id']}/claim")
    assert response.status_code == 400
    assert _references(_sections(browser.get("/").get_data(as_text=True))[0]) == []


def test_another_councils_tasks_are_never_shown_nor_claimable(app, client, derby, cases):
    herts = Council(app, client, "east-herts")
    herts_case = herts.open_case(application(received_on="2026-12-09"))
    html = signed_in(app, OFFICER).get("/").get_data(as_text=True)
    assert herts_case["reference"] not in html
    browser = signed_in(app, OFFICER)
    response = _claim(browser, herts_case["open_tasks"][0]["id"])
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)


def test_a_partner_sees_only_its_own_agencys_tasks(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    police = signed_in(app, "police.derby-city@example.org").get("/").get_data(as_text=True)
    assert _references(police) == [case["reference"]]
    assert "Return the agency&#39;s information" in police
    housing = signed_in(app, "housing.derby-city@example.org").get("/").get_data(as_text=True)
    assert _references(housing) == []


def test_a_user_of_several_councils_can_switch_council(app, derby, cases):
    from tests.factories.users import create_user

    email = create_user(app, councils=("derby-city", "east-herts"))
    browser = signed_in(app, email)
    html = browser.get("/").get_data(as_text=True)
    assert 'id="switch-council"' in html and len(_references(html)) == 2
    assert browser.get("/council?council=east-herts").status_code == 302
    assert _references(browser.get("/").get_data(as_text=True)) == []
    browser.get("/council?council=not-mine")
    assert _references(browser.get("/").get_data(as_text=True)) == []
    browser.get("/council?council=")
    assert len(_references(browser.get("/").get_data(as_text=True))) == 2
    single = signed_in(app, OFFICER).get("/").get_data(as_text=True)
    assert 'id="switch-council"' not in single
