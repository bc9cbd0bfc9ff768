"""The threshold decision and the Act (RULES.md §2): the relevant bodies may depart from the
automatic evaluation, but cannot refuse an application that the evaluation on the agencies'
confirmed records finds met by qualifying complaints (s.104(4)). Through the API and the page."""

from __future__ import annotations

import copy

import pytest

from tests.factories.cases import application
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"
S_104_4 = (
    "under s.104(4) of the Anti-social Behaviour, Crime and Policing Act 2014 the case review must take place"
)


def confirmed(body, *answers):
    """The application with each incident's report confirmed (True / False / None) in turn."""
    body = copy.deepcopy(body)
    for incident, answer in zip(body["incidents"], answers, strict=True):
        incident["reports"][0]["confirmed"] = answer
    return body


def at_the_decision(derby, clock, body, *answers):
    """The case at its threshold decision, each incident's report answered in turn by the body it
    was made to: on record (True) or not (False). The decision waits for every body's answer."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(body)
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    checked = {
        f"{incident['id']}/1": {"confirmed": True}
        if answer
        else {"confirmed": False, "not_confirmed": "No record."}
        for incident, answer in zip(body["incidents"], answers, strict=True)
    }
    case = derby.check_records(case, checked)
    return case, derby.open_task(case, "threshold_decision")


def decide(client, derby, task, body):
    return client.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=derby.as_("officer"))


def test_not_met_is_refused_when_the_confirmed_records_meet_it_by_qualifying_complaints(derby, client, clock):
    case, task = at_the_decision(derby, clock, application(), True, True, True)
    response = decide(client, derby, task, {"threshold_met": False, "reasons": "Not persistent enough."})
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    (message,) = error["fields"]["threshold_met"]
    assert message.startswith(
        "The agencies' records confirm 3 qualifying complaints, and 3 meet the threshold"
    )
    assert S_104_4 in message
    again = derby.case(case["id"])
    assert [t["form"] for t in again["open_tasks"]] == ["threshold_decision"]  # nothing was saved
    assert again["threshold"]["decision"] is None
    # "Met" goes through, and the decision keeps what the confirmed records showed.
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three complaints."})
    decision = case["threshold"]["decision"]
    assert decision["on_confirmed_records"] == {
        "met": True,
        "route": "qualifying_complaints",
        "qualifying_count": 3,
        "required": 3,
    }


# Every body answers before the decision opens (issue 11 item 2), so a report still unchecked at
# the decision no longer occurs; a report a body has no record of is the case that remains.
@pytest.mark.parametrize(
    "answers",
    [(True, True, False), (False, True, False)],
    ids=["one-without-a-record", "two-without-a-record"],
)
def test_not_met_stands_while_the_confirmed_records_do_not_meet_it(derby, client, clock, answers):
    case, task = at_the_decision(derby, clock, application(), *answers)
    assert case["threshold"]["evaluation"]["met"] is False  # the advice, on the bodies' answers
    response = decide(
        client, derby, task, {"threshold_met": False, "reasons": "Departing: reasons recorded."}
    )
    assert response.status_code == 200, response.get_json()
    decision = response.get_json()["threshold"]["decision"]
    assert decision["met"] is False
    assert decision["on_confirmed_records"]["met"] is False


def test_only_the_acts_route_binds_a_local_route_may_be_departed_from(derby, client, clock):
    # A discretionary activation meets the advice; one confirmed complaint does not meet the Act's test.
    body = application()
    body["discretionary"] = {"by": "Jane Smith", "role": "community_safety_manager", "reason": "vulnerable"}
    body["incidents"] = body["incidents"][:1]
    case, task = at_the_decision(derby, clock, body, True)
    assert case["threshold"]["evaluation"]["route"] == "discretionary"
    response = decide(client, derby, task, {"threshold_met": False, "reasons": "Activation withdrawn."})
    assert response.status_code == 200, response.get_json()


def test_the_task_page_warns_and_refuses_with_the_same_message(app, derby, clock):
    case, task = at_the_decision(derby, clock, application(), True, True, True)
    browser = signed_in(app, OFFICER)
    page = browser.get(f"/tasks/{task['id']}").get_data(as_text=True).replace("&#39;", "'")
    assert "On the agencies' confirmed records" in page
    assert "3 qualifying of 3 needed" in page
    assert S_104_4 in page  # warned before deciding
    token = csrf_token(browser, f"/tasks/{task['id']}")
    response = browser.post(
        f"/tasks/{task['id']}",
        data={"csrf_token": token, "threshold_met": "false", "reasons": "Not persistent."},
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert "govuk-error-summary" in html and 'href="#threshold_met"' in html
    api = client_message(app, derby, task)
    assert api in html
    assert derby.case(case["id"])["stage"] == "threshold"


def client_message(app, derby, task):
    response = derby.client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"threshold_met": False, "reasons": "Not persistent."},
        headers=derby.as_("officer"),
    )
    assert response.status_code == 422
    return response.get_json()["error"]["fields"]["threshold_met"][0]


def test_the_application_passes_confirmations_and_hate_motive_to_the_evaluation(derby, clock):
    body = confirmed(application(), False, True, None)
    body["incidents"][0]["reports"][0]["not_confirmed"] = "no call logged"
    body["incidents"][1]["hate_motivated"] = True
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(body)
    evaluation = case["threshold"]["evaluation"]
    assert evaluation["excluded"] == [
        {"incident": "a", "reason": "no_qualifying_report", "report_reasons": ["not_confirmed"]}
    ]
    assert evaluation["hate_incidents"] == ["b"]
    assert "not found in the records of the police (no call logged)" in evaluation["explanation"]
