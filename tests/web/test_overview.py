"""The manager's view: everything overdue or due this week across the council."""

from __future__ import annotations

from tests.factories.cases import application
from tests.factories.web import signed_in


def test_a_manager_sees_overdue_and_this_weeks_tasks_of_the_council(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")  # a Monday
    overdue = derby.open_case(application(received_on="2026-12-01"))  # acknowledgement due 8 Dec
    this_week = derby.open_case(application(received_on="2026-12-11"))  # due Fri 18 Dec
    derby.open_case(application(received_on="2026-12-14"))  # due Mon 21 Dec: next week, not shown
    derby.complete(this_week, "acknowledge", {"sent_on": "2026-12-14", "method": "email"}, who="manager")
    this_week = derby.case(this_week["id"])  # now at screening: no due date, not shown
    again = derby.open_case(application(received_on="2026-12-14", channel="email"))
    clock.freeze("2026-12-17T09:00:00+00:00")  # Thursday: `again` is due Mon 21, not this week

    page = signed_in(app, "manager.derby-city@example.org").get("/overview")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    overdue_part, _, week_part = html.partition("Due by the end of this week")
    assert overdue["reference"] in overdue_part and "working days overdue" in overdue_part
    assert again["reference"] not in html
    assert "Council overview" in html  # in the navigation


def test_the_overview_lists_this_weeks_tasks_separately(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-11"))  # acknowledgement due Fri 18 Dec
    html = signed_in(app, "manager.derby-city@example.org").get("/overview").get_data(as_text=True)
    _, _, week_part = html.partition("Due by the end of this week")
    assert case["reference"] in week_part and "due in 4 working days" in week_part


def test_officers_do_not_get_the_overview(app, derby):
    browser = signed_in(app, "officer.derby-city@example.org")
    assert browser.get("/overview").status_code == 403
    assert "Council overview" not in browser.get("/").get_data(as_text=True)
