"""The manager's team view: each person's open and overdue work, and one person's tasks."""

from __future__ import annotations

import re

from tests.factories.cases import application
from tests.factories.users import create_user
from tests.factories.web import signed_in

MANAGER = "manager.derby-city@example.org"
OFFICER = "officer.derby-city@example.org"


def _row(html: str, name: str) -> str:
    match = re.search(
        rf"<tr class=\"govuk-table__row\">\s*<th[^>]*>\s*(?:<a[^>]*>)?{re.escape(name)}.*?</tr>", html, re.S
    )
    assert match, name
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(0)).split())


def test_each_persons_open_and_overdue_work(app, derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    late = derby.open_case(application(received_on="2026-12-01"))  # acknowledgement overdue since 8 Dec
    fresh = derby.open_case(application())
    for case in (late, fresh):
        task = derby.open_task(case, "acknowledge")
        assert client.post(f"/api/v1/tasks/{task['id']}/assign", json={"user": OFFICER},
                           headers=derby.as_("manager")).status_code == 200  # fmt: skip
    html = signed_in(app, MANAGER).get("/overview").get_data(as_text=True)
    assert _row(html, "officer.derby-city") == f"officer.derby-city {OFFICER} 2 1 overdue"
    assert _row(html, "manager.derby-city").endswith(" 0 0")
    # The three bodies' records checks of each case, unclaimed; the late case's are overdue too.
    assert _row(html, "Nobody (unclaimed)") == "Nobody (unclaimed) 6 3 overdue"


def test_one_persons_tasks_with_links_to_reassign(app, derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    task = derby.open_task(case, "acknowledge")
    client.post(f"/api/v1/tasks/{task['id']}/claim", headers=derby.as_("officer"))
    browser = signed_in(app, MANAGER)
    overview = browser.get("/overview").get_data(as_text=True)
    href = re.search(
        r'href="(/overview/people/\d+\?council=derby-city)">officer.derby-city<', overview
    ).group(1)
    html = browser.get(href).get_data(as_text=True)
    assert "officer.derby-city's open work" in html.replace("&#39;", "'")
    assert f'href="/tasks/{task["id"]}"' in html and case["reference"] in html


def test_only_the_councils_managers_see_the_team(app, derby):
    assert signed_in(app, OFFICER).get("/overview/people/1").status_code == 403
    herts = create_user(app, councils=("east-herts",), role="community_safety_manager")
    with app.app_context():
        from app.models import User

        officer_id = User.query.filter_by(email=OFFICER).one().id
    browser = signed_in(app, herts)
    assert browser.get(f"/overview/people/{officer_id}?council=derby-city").status_code == 404
    assert signed_in(app, MANAGER).get("/overview/people/999999").status_code == 404
