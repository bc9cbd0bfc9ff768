"""The process owners' studio pages: processes and versions, the modeler's endpoints (check,
save as a draft, due-date preview), activation, the diff, and who may see them."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.factories.actors import Council
from tests.factories.cases import application
from tests.factories.reading import deadlines
from tests.factories.web import csrf_token, signed_in

KEY = "community_trigger_derbyshire"
DERBYSHIRE = (Path(__file__).resolve().parents[2] / "processes" / f"{KEY}.bpmn").read_bytes()
OWNER = "owner.derby-city@example.org"
THREE_DAYS = DERBYSHIRE.replace(b"add_working_days(received_on, 5)", b"add_working_days(received_on, 3)", 1)


def studio_csrf(browser) -> str:
    """The token the editor page hands to its script, as the script sends it."""
    html = browser.get(f"/studio/{KEY}").get_data(as_text=True)
    return re.search(r'"csrfToken": ?"([^"]+)"', html).group(1)


def post_xml(browser, path: str, xml: bytes, token: str | None = None):
    headers = {"X-CSRFToken": token if token is not None else studio_csrf(browser)}
    return browser.post(path, data=xml, content_type="application/xml", headers=headers)


def test_the_processes_page_lists_versions_and_who_runs_which(app, derby):
    html = signed_in(app, OWNER).get("/studio").get_data(as_text=True)
    assert f'id="process-{KEY}"' in html
    assert "Derby City Council:" in html and "version 1" in html
    assert "Shipped with ctflow" in html
    assert "Processes" in html  # in the navigation


@pytest.mark.parametrize("who", ["officer", "manager", "police", "chair"])
def test_only_process_owners_get_the_studio(app, derby, who):
    browser = signed_in(app, f"{who}.derby-city@example.org")
    assert browser.get("/studio").status_code == 403
    assert browser.get(f"/studio/{KEY}").status_code == 403
    assert ">Processes<" not in browser.get("/").get_data(as_text=True)


def test_another_councils_process_is_not_found(app, client, derby):
    Council(app, client, "east-herts")
    browser = signed_in(app, "owner.east-herts@example.org")
    assert browser.get(f"/studio/{KEY}").status_code == 404
    assert browser.get(f"/studio/{KEY}/versions/1.xml").status_code == 404
    assert (
        post_xml(
            browser, f"/studio/{KEY}/check", DERBYSHIRE, token=csrf_token(browser, "/studio")
        ).status_code
        == 404
    )


def test_the_editor_opens_the_councils_live_version_with_the_pickers(app, derby):
    browser = signed_in(app, OWNER)
    page = browser.get(f"/studio/{KEY}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "version 1" in html and 'id="studio-canvas"' in html
    config = re.search(
        r'<script type="application/json" id="studio-config">(.*?)</script>', html, re.S
    ).group(1)
    assert f'"/studio/{KEY}/versions/1.xml"' in config
    config = json.loads(config)
    assert {"value": "acknowledge", "label": "Acknowledge the application"} in config["forms"]
    [escalate] = [h for h in config["handlers"] if h["value"] == "escalate"]
    # Parameters are expressions, so the choices are quoted strings.
    assert {"value": "'community_safety_manager'", "label": "Community safety manager"} in escalate[
        "parameters"
    ][0]["choices"]
    xml = browser.get(f"/studio/{KEY}/versions/1.xml")
    assert xml.mimetype == "application/xml" and xml.data == DERBYSHIRE


def test_checking_lists_every_problem_by_element_and_saves_nothing(app, derby):
    browser = signed_in(app, OWNER)
    broken = DERBYSHIRE.replace(b'value="acknowledge" />', b'value="no_such_form" />', 1).replace(
        b'name="deadline" value="case_review"', b'name="deadline" value="review"', 1
    )
    response = post_xml(browser, f"/studio/{KEY}/check", broken)
    assert response.status_code == 200
    problems = response.get_json()["problems"]
    assert {"element": "acknowledge", "message": problems[0]["message"]} in problems
    assert any(p["element"] is None and "'case_review'" in p["message"] for p in problems)
    assert post_xml(browser, f"/studio/{KEY}/check", DERBYSHIRE).get_json() == {"problems": []}
    assert "Version 2" not in browser.get("/studio").get_data(as_text=True)


def test_saving_makes_a_draft_that_is_live_nowhere_until_activated(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    browser = signed_in(app, OWNER)
    response = post_xml(browser, f"/studio/{KEY}/versions", THREE_DAYS)
    assert response.status_code == 201, response.get_json()
    saved = response.get_json()
    assert saved["number"] == 2 and saved["created"] is True
    assert saved["testRunUrl"].startswith(f"/studio/{KEY}/versions/2/test-run")
    assert derby.open_case(application())["process"] == {"key": KEY, "version": 1}  # a draft

    again = post_xml(browser, f"/studio/{KEY}/versions", THREE_DAYS)
    assert again.status_code == 200 and again.get_json()["created"] is False

    token = csrf_token(browser, "/studio")
    activated = browser.post(
        f"/studio/{KEY}/versions/2/activate", data={"council": "derby-city", "csrf_token": token}
    )
    assert activated.status_code == 302
    page = browser.get("/studio").get_data(as_text=True)
    assert "Version 2 is live for Derby City Council" in page
    assert "Saved version 2" in page and "Put version 2 live for Derby City Council" in page
    case = derby.open_case(application())
    assert case["process"] == {"key": KEY, "version": 2}
    assert deadlines(case)["acknowledge"][0] == "2026-12-17"  # 3 working days


def test_an_invalid_diagram_is_refused_with_its_problems(app, derby):
    browser = signed_in(app, OWNER)
    response = post_xml(browser, f"/studio/{KEY}/versions", b"<not-bpmn/>")
    assert response.status_code == 422
    assert response.get_json()["problems"]
    assert post_xml(browser, f"/studio/{KEY}/versions", b"x" * 10, token="forged").status_code == 400
    wrong_type = browser.post(f"/studio/{KEY}/versions", data="{}", content_type="application/json",
                              headers={"X-CSRFToken": studio_csrf(browser)})  # fmt: skip
    assert wrong_type.status_code == 400 and "BPMN XML" in wrong_type.get_json()["message"]


def test_only_an_owner_of_the_council_may_activate(app, derby):
    browser = signed_in(app, OWNER)
    post_xml(browser, f"/studio/{KEY}/versions", THREE_DAYS)
    token = csrf_token(browser, "/studio")
    response = browser.post(
        f"/studio/{KEY}/versions/2/activate", data={"council": "east-herts", "csrf_token": token}
    )
    assert response.status_code == 403
    assert browser.post(f"/studio/{KEY}/versions/9/activate",
                        data={"council": "derby-city", "csrf_token": token}).status_code == 404  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "received_on", "due_on", "fragment"),
    [
        (
            "add_working_days(received_on, 5)",
            "2026-11-23",
            "2026-11-30",
            "5 working days after Monday 23 November 2026",
        ),
        ("add_working_days(received_on, 3)", "2026-11-23", "2026-11-26", "3 working days after"),
        # Christmas Day and Boxing Day (a Saturday: the substitute is Monday 28th) are skipped.
        ("add_working_days(received_on, 5)", "2026-12-22", "2026-12-31", "Thursday 31 December 2026"),
        ("add_working_days(received_on, 6)", "2026-12-22", "2027-01-04", "Monday 4 January 2027"),
        ("end_of_day(add_days(notified_on, 28))", "2026-11-23", "2026-12-21", "Monday 21 December 2026"),
        # A report on an action is due by the action's own date, which the preview takes as the
        # application's day and says so (not an error: the follow-up's due date is the action's).
        ('action["due_on"]', "2026-11-23", "2026-11-23",
         'Monday 23 November 2026, if action["due_on"] is that day too (each action has its own)'),
        ('add_working_days(action["due_on"], 2)', "2026-11-23", "2026-11-25", 'if action["due_on"] is'),
        ('end_of_day(appeal_action["due_on"])', "2026-11-23", "2026-11-23", "each appeal action has its own"),
    ],
)  # fmt: skip
def test_the_due_date_preview_uses_the_councils_calendar(
    app, derby, expression, received_on, due_on, fragment
):
    browser = signed_in(app, OWNER)
    response = browser.post("/studio/preview-due", json={"council": "derby-city", "expression": expression,
                            "received_on": received_on}, headers={"X-CSRFToken": studio_csrf(browser)})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["due_on"] == due_on
    assert fragment in response.get_json()["description"] or fragment in response.get_json()["text"]


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        ({"council": "derby-city", "expression": "add_working_days(received_on, 'x')", "received_on": "2026-11-23"},
         422, "whole number"),
        ({"council": "derby-city", "expression": "__import__('os')", "received_on": "2026-11-23"}, 422, "_"),
        ({"council": "derby-city", "expression": "add_working_days(received_on, n)", "received_on": "2026-11-23"},
         422, "not n"),
        ({"council": "derby-city", "expression": 'action["owner_agency"]', "received_on": "2026-11-23"},
         422, "not action"),
        ({"council": "derby-city", "expression": "", "received_on": "2026-11-23"}, 422, "Enter an expression"),
        ({"council": "derby-city", "expression": "received_on", "received_on": "23/11/2026"}, 422, "received_on"),
        ({"council": "east-herts", "expression": "received_on", "received_on": "2026-11-23"}, 403, "own councils"),
        (["not", "an", "object"], 400, "JSON object"),
    ],
)  # fmt: skip
def test_a_preview_that_cannot_be_made_says_why(app, derby, body, status, fragment):
    browser = signed_in(app, OWNER)
    response = browser.post("/studio/preview-due", json=body, headers={"X-CSRFToken": studio_csrf(browser)})
    assert response.status_code == status
    assert fragment in response.get_json()["message"]


def test_the_diff_page_spells_out_changed_time_limits(app, derby):
    browser = signed_in(app, OWNER)
    post_xml(browser, f"/studio/{KEY}/versions", THREE_DAYS)
    page = browser.get(f"/studio/{KEY}/diff?from=1&to=2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Acknowledge the completed application" in html and "Time limit" in html
    assert "5 working days after received on" in html and "3 working days after received on" in html
    assert '"changed": ["acknowledge"]' in html
    assert browser.get(f"/studio/{KEY}/diff?from=1&to=7").status_code == 404


def test_a_draft_is_test_run_before_it_goes_live_and_its_letters_can_be_read(app, derby, clock):
    clock.freeze("2027-02-01T09:00:00+00:00")
    browser = signed_in(app, OWNER)
    post_xml(browser, f"/studio/{KEY}/versions", THREE_DAYS)
    page = browser.get(f"/studio/{KEY}/versions/2/test-run")
    assert page.status_code == 200 and "Run the test" in page.get_data(as_text=True)

    query = {"run": "1", "council": "derby-city", "scenario": "met",
             "received_on-day": "21", "received_on-month": "12", "received_on-year": "2026"}  # fmt: skip
    html = browser.get(f"/studio/{KEY}/versions/2/test-run", query_string=query).get_data(as_text=True)
    # Received Monday 21 December: 3 working days skip Christmas and the Boxing Day substitute.
    assert re.search(r'data-deadline="acknowledge">.*?data-due-on="2026-12-24"', html, re.S)
    assert "Reached the end" in html and "Threshold met (CT4)" in html
    letter = browser.get(f"/studio/{KEY}/versions/2/test-run/letters/0", query_string=query)
    assert letter.status_code == 200 and "TEST-RUN" in letter.get_data(as_text=True)
    assert letter.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert browser.get(f"/studio/{KEY}/versions/2/test-run/letters/99", query_string=query).status_code == 404
    assert derby.open_case(application())["process"] == {"key": KEY, "version": 1}  # still a draft


@pytest.mark.parametrize(
    ("query", "message", "anchor"),
    [
        ({"received_on-day": "32", "received_on-month": "12", "received_on-year": "2026"},
         "The date the application is received must be a real date", "#received_on-day"),
        ({"received_on-day": "1", "received_on-month": "1", "received_on-year": "1"},
         "The date the application is received must be a real date", "#received_on-day"),
        ({"received_on-day": "1", "received_on-month": "1", "received_on-year": "9" * 30},
         "The date the application is received must be a real date", "#received_on-day"),
        ({"answers_for": "met", "answers.acknowledge.sent_on-day": "1", "answers.acknowledge.sent_on-month": "9" * 30,
          "answers.acknowledge.sent_on-year": "2027"}, "must be a real date", "#answers-acknowledge-sent_on"),
        ({"step_working_days": "lots"}, "whole number of working days", "#step-working-days"),
        ({"step_working_days": "9" * 30}, "whole number of working days", "#step-working-days"),
        ({"answers_for": "met", "answers.acknowledge.sent_on-day": "40", "answers.acknowledge.sent_on-month": "1",
          "answers.acknowledge.sent_on-year": "2027"}, "must be a real date", "#answers-acknowledge-sent_on"),
    ],
    ids=["received-not-a-date", "received-year-1", "received-year-huge", "answer-month-huge", "pace-not-a-number",
         "pace-huge", "answer-not-a-date"],
)  # fmt: skip
def test_a_test_run_with_bad_adjustments_says_what_to_fix(app, derby, query, message, anchor):
    browser = signed_in(app, OWNER)
    page = browser.get(
        f"/studio/{KEY}/versions/1/test-run", query_string={"run": "1", "scenario": "met", **query}
    )
    assert page.status_code == 422
    html = page.get_data(as_text=True)
    assert "There is a problem" in html and message in html
    assert f'href="{anchor}"' in html


def test_a_test_runs_answers_are_changed_in_the_steps_forms(app, derby):
    """Each form the version's steps use is listed once, filled with the scenario's answers; a
    changed answer changes the run (issue 12: answers in a form rather than as JSON)."""
    browser = signed_in(app, OWNER)
    html = browser.get(f"/studio/{KEY}/versions/1/test-run").get_data(as_text=True)
    assert html.count('id="answer-set-threshold_decision"') == 1
    assert html.count('id="answer-set-decide_appeal"') == 1
    assert re.search(r'name="answers\.threshold_decision\.threshold_met"[^>]*value="true"[^>]*checked', html)
    assert "Three qualifying complaints in the six months" in html  # the scenario's reasons, to edit
    assert "{&#34;threshold_decision&#34;" not in html and 'id="answers"' in html  # no JSON to write

    query = {"run": "1", "scenario": "met", "answers_for": "met",
             "answers.threshold_decision.threshold_met": "false",
             "answers.threshold_decision.reasons": "Not persistent enough.",
             "answers.screen_eligibility.eligible": "true"}  # fmt: skip
    refused = browser.get(f"/studio/{KEY}/versions/1/test-run", query_string=query).get_data(as_text=True)
    # Three qualifying complaints: the Act does not let the decision refuse (s.104(4)), and the run says so.
    assert "Failed" in refused and "Decide whether the threshold is met" in refused
    assert 'id="answer-set-threshold_decision" open' in refused

    # Answers shown for another scenario are not read as changes to the one now chosen.
    other = dict(query, scenario="not_met")
    html = browser.get(f"/studio/{KEY}/versions/1/test-run", query_string=other).get_data(as_text=True)
    assert "Reached the end" in html and "Threshold not met (CT3)" in html


def test_a_test_run_names_steps_not_element_ids(app, derby):
    browser = signed_in(app, OWNER)
    query = {"run": "1", "scenario": "met"}
    html = browser.get(f"/studio/{KEY}/versions/1/test-run", query_string=query).get_data(as_text=True)
    assert "Reached the end" in html
    steps = html[html.index('id="test-run-steps"') :]
    assert "Acknowledge the completed application" in steps
    assert "<code" not in steps and ">acknowledge<" not in steps and "issue_ct1" not in steps
    deadlines_table = html[html.index('id="test-run-deadlines"') : html.index('id="test-run-steps"')]
    assert "threshold_decision<" not in deadlines_table and "<code" not in deadlines_table
    assert "Community Trigger: Derbyshire" in html and KEY not in html.replace(f"/studio/{KEY}/", "")


def test_a_test_run_of_another_councils_process_is_not_found(app, client, derby):
    Council(app, client, "east-herts")
    browser = signed_in(app, "owner.east-herts@example.org")
    assert browser.get(f"/studio/{KEY}/versions/1/test-run?run=1&scenario=met").status_code == 404


def test_the_processes_page_lists_the_values_no_source_states_to_confirm(app, client, processes):
    # councils.toml [councils.east-herts.to_confirm] (issue 11, item 9).
    Council(app, client, "east-herts")
    html = signed_in(app, "owner.east-herts@example.org").get("/studio").get_data(as_text=True)
    section = html[html.index('id="to-confirm-east-herts"') :]
    section = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index("</table>")]))
    assert "To confirm: East Herts Council" in section
    assert "Appeal: within days In the council&#39;s settings 28 days" in section
    assert "appeal.within_days" not in section and "to_confirm" not in section  # words, never keys
    assert "east-herts-policy.txt s.13 (lines 553-573) gives no window to lodge an appeal" in section
    assert "Ineligible review: reviewer" in section


def test_a_diagram_limit_to_confirm_shows_the_live_diagrams_value(app, client, processes):
    Council(app, client, "amber-valley")
    html = signed_in(app, "owner.amber-valley@example.org").get("/studio").get_data(as_text=True)
    section = html[html.index('id="to-confirm-amber-valley"') :]
    section = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section[: section.index("</table>")]))
    assert "Acknowledge the completed application: time limit In the diagram 5 working days after" in section
    # A multi-instance step (one records check per body) reads its instances' time limit.
    assert (
        "Check the agency&#39;s records of the reported complaints: time limit In the diagram 5 working"
        in section
    )
    assert "dueOn" not in section
    assert "derby-city-application-guidance-notes.txt line 142" in section


def test_a_council_lists_only_what_its_sources_leave_unstated(app, derby):
    # Derby City's own notes state its limits (lines 142-146): unlike the districts', they are not listed.
    html = signed_in(app, OWNER).get("/studio").get_data(as_text=True)
    section = html[html.index('id="to-confirm-derby-city"') :]
    section = section[: section.index("</table>")]
    assert 'data-to-confirm="consent.follow_up_days"' in section
    assert 'data-to-confirm="diagram.acknowledge.dueOn"' not in section
