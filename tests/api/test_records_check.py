"""Every relevant body checks its records before the threshold decision (s.104(3)(b); LIFECYCLE.md
"Passed on to every relevant body"), through the API: who is asked, what each body sees, how
their answers set the reports' ``confirmed``, what the threshold task shows and what the
decision records; per diagram family, and an early closure cancelling the open checks."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tests.factories.actors import CHECKED_BY, Council
from tests.factories.cases import application
from tests.factories.reading import deadlines, forms, records_checks, run_timers

VICTIM = {"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
          "address": "1 Sample Street, Derby", "vulnerable": True}  # fmt: skip
INCIDENTS = [
    {"id": "a", "occurred_on": "2026-09-01", "description": "Shouting at night",
     "reports": [{"agency": "police", "reported_on": "2026-09-02", "method": "phone", "reporter": "Alex",
                  "reference": "CAD-0912"}]},
    {"id": "b", "occurred_on": "2026-10-10", "description": "Threats on the stairs",
     "reports": [{"agency": "council", "reported_on": "2026-10-12", "method": "email", "reporter": "Alex"}]},
    {"id": "c", "occurred_on": "2026-11-20", "description": "Door kicked",
     "reports": [{"agency": "housing_provider", "reported_on": "2026-11-21", "method": "writing",
                  "reporter": "Alex"}]},
    {"id": "d", "occurred_on": "2026-11-25", "description": "Bins set alight",
     "reports": [{"agency": "police", "reported_on": "2026-11-26", "method": "online", "reporter": "Sam"}]},
]  # fmt: skip
REPORT_FIELDS = {"report", "incident", "occurred_on", "reported_on", "method", "reference"}


def _application(**overrides):
    return application(
        victims=[VICTIM], incidents=INCIDENTS, summary="Noise and intimidation from flat 3",
        impact="I no longer sleep.", **overrides,
    )  # fmt: skip


def _task(council: Council, case: dict, form: str, who: str, **match) -> tuple[dict, int]:
    task = council.open_task(case, form, **match)
    response = council.client.get(f"/api/v1/tasks/{task['id']}", headers=council.as_(who))
    return response.get_json(), response.status_code


def _answer(council: Council, case: dict, agency: str, reports: list[dict], **extra):
    task = council.open_task(case, "confirm_reports", agency=agency)
    return council.client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        json={"reports": reports, **extra},
        headers=council.as_(CHECKED_BY[agency]),
    )


def _to_threshold(council: Council, case: dict, day: str) -> dict:
    """The council's own path up to the threshold decision, whatever the variant puts on it."""
    answers = {
        "acknowledge": {"sent_on": day, "method": "email"},
        "screen_eligibility": {"eligible": True},
        "contact_victim": {"contacted_on": day, "victim_will_attend": True},
    }
    for _ in range(5):
        if "threshold_decision" in forms(case):
            return case
        [form] = [f for f in forms(case) if f in answers]
        case = council.complete(case, form, answers[form])
    raise AssertionError(forms(case))


def test_agencies_confirming_reports(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(_application())
    # On receipt the application goes to the council and the police always, and to the housing
    # provider a report names: each checks its records within 5 working days (assumed: no source).
    assert records_checks(case) == ["council", "housing_provider", "police"]
    assert deadlines(case)["records_check"] == ("2026-12-21", None, "pending")
    council_check = derby.open_task(case, "confirm_reports", agency="council")
    assert council_check["role"] == "community_safety_officer"  # the council's own is its officers'
    assert derby.open_task(case, "confirm_reports", agency="police")["role"] == "partner_agency"
    assert case["stage"] == "acknowledgement"

    # A body's answers must be about its own reports, each once, with a reason for "no record".
    cases = {
        "another body's report": [{"report": "a/1", "confirmed": True}, {"report": "d/1", "confirmed": True},
                                  {"report": "b/1", "confirmed": True}],
        "a report left out": [{"report": "a/1", "confirmed": True}],
    }  # fmt: skip
    for why, answers in cases.items():
        response = _answer(derby, case, "police", answers)
        assert response.status_code == 422, why
        assert "reports" in response.get_json()["error"]["fields"], why
    response = _answer(derby, case, "police", [{"report": "a/1", "confirmed": False},
                                               {"report": "d/1", "confirmed": True}])  # fmt: skip
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "reports": {"0": {"not_confirmed": ["Say why there is no record of this report."]}}
    }
    # Another body cannot answer for the police.
    task = derby.open_task(case, "confirm_reports", agency="police")
    body = {"reports": [{"report": "a/1", "confirmed": True}, {"report": "d/1", "confirmed": True}]}
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json=body, headers=derby.as_("housing"))
    assert response.status_code in (403, 404)

    # The police have no record of the first report; the others confirm theirs.
    no_call = "No call from that address on 2 September."
    response = _answer(derby, case, "police", [{"report": "a/1", "confirmed": False, "not_confirmed": no_call},
                                               {"report": "d/1", "confirmed": True}])  # fmt: skip
    assert response.status_code == 200, response.get_json()
    case = derby.check_records(response.get_json())
    assert records_checks(case) == []
    assert deadlines(case)["records_check"] == ("2026-12-21", "2026-12-14", "met")
    # Nothing waits on the bodies now; the council's own path goes on.
    case = _to_threshold(derby, case, "2026-12-14")

    # The report with no record drops out of the evaluation on the checked records.
    evaluation = case["threshold"]["evaluation"]
    assert evaluation["qualifying_incidents"] == ["b", "c", "d"]
    assert {
        "incident": "a",
        "reason": "no_qualifying_report",
        "report_reasons": ["not_confirmed"],
    } in evaluation["excluded"]
    # The threshold task shows each body's answers.
    threshold, status = _task(derby, case, "threshold_decision", "officer")
    assert status == 200
    checks = {c["agency"]: c for c in threshold["context"]["records_checks"]}
    assert list(checks) == ["council", "police", "housing_provider"]
    assert checks["police"]["checked_on"] == "2026-12-14"
    assert [(r["report"], r["confirmed"], r.get("not_confirmed")) for r in checks["police"]["reports"]] == [
        ("a/1", False, no_call),
        ("d/1", True, None),
    ]
    assert checks["police"]["reports"][0]["reported_on"] == "2026-09-02"

    # The decision records which bodies took part: those that checked, unless the officer says.
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Three confirmed."})
    assert case["threshold"]["decision"]["bodies"] == ["council", "police", "housing_provider"]


def test_the_decision_records_the_bodies_the_officer_names(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.check_records(derby.open_case(_application()))
    case = _to_threshold(derby, case, "2026-12-14")
    body = {
        "threshold_met": True,
        "reasons": "Decided with the ICB too.",
        "bodies": ["council", "police", "icb"],
    }
    case = derby.complete(case, "threshold_decision", body)
    assert case["threshold"]["decision"]["bodies"] == ["council", "police", "icb"]


def test_a_partner_sees_only_its_own_reports_and_what_it_needs_to_search(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(
        _application(
            applicant_type="third_party",
            applicant={"name": "Sam Helper", "email": "sam@example.org", "phone": "07700 900456",
                       "address": "2 Other Road, Derby", "relationship_to_victim": "son"},
            consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-14"},
        )
    )  # fmt: skip
    task, status = _task(derby, case, "confirm_reports", "police", agency="police")
    assert status == 200
    context = task["context"]
    assert context["search"] == {
        "victims": [{"name": "Alex Victim", "address": "1 Sample Street, Derby"}],
        "applicant": {"name": "Sam Helper", "organisation": "", "address": "2 Other Road, Derby"},
        "incident_dates": ["2026-09-01", "2026-10-10", "2026-11-20", "2026-11-25"],
    }
    assert [r["report"] for r in context["reports"]] == ["a/1", "d/1"]
    assert all(set(r) == REPORT_FIELDS for r in context["reports"])
    assert context["reports"][0] == {"report": "a/1", "incident": "a", "occurred_on": "2026-09-01",
                                     "reported_on": "2026-09-02", "method": "phone", "reference": "CAD-0912"}  # fmt: skip
    # Nothing more: no other body's reports, no account of what happened, no contact details.
    text = json.dumps(task)
    for absent in ("b/1", "c/1", "Threats on the stairs", "Shouting at night", "reporter", "alex@example.org",
                   "07700", "vulnerable", "Noise and intimidation", "I no longer sleep", "relationship"):  # fmt: skip
        assert absent not in text, absent
    # Another body cannot see the police's task, nor the case.
    _, status = _task(derby, case, "confirm_reports", "housing", agency="police")
    assert status == 404
    assert client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police")).status_code == 404
    # The partner's page shows the same, and the form has a row for each of its reports.
    from tests.factories.web import signed_in

    html = (
        signed_in(derby.app, "police.derby-city@example.org")
        .get(f"/tasks/{task['id']}")
        .get_data(as_text=True)
    )
    assert "Alex Victim, 1 Sample Street, Derby" in html and "Sam Helper, 2 Other Road, Derby" in html
    assert "Incident of 1 September 2026, reported on 2 September 2026 by phone, reference CAD-0912" in html
    assert 'name="reports.1.report" value="d/1"' in html and "reports.2.report" not in html
    assert "Threats on the stairs" not in html and "alex@example.org" not in html


def test_ineligible_closes_the_case_and_cancels_the_open_checks(derby, clock, runner):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(_application())
    case = derby.check_records(case, agency="police")  # one body has answered, two have not
    assert records_checks(case) == ["council", "housing_provider"]
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": False, "reason": "service_complaint"})
    # The ineligible decision may be challenged (Schedule 4 para 3); when its window closes
    # unchallenged, the case closes (a terminate end event) and the open checks are cancelled.
    due = deadlines(case)["ineligible_review_window"][0]
    next_day = (date.fromisoformat(due) + timedelta(days=1)).isoformat()
    run_timers(runner, f"{next_day}T00:00:01+00:00")
    case = derby.case(case["id"])
    assert case["status"] == "closed" and case["open_tasks"] == []
    with derby.app.app_context():
        from app.extensions import db
        from app.models import CaseTask

        statuses = {
            (t.agency, t.status)
            for t in db.session.query(CaseTask).filter_by(case_id=case["id"], form_key="confirm_reports")
        }
    assert statuses == {("police", "completed"), ("council", "cancelled"), ("housing_provider", "cancelled")}


def test_the_assumed_limit_is_listed_to_confirm_where_no_source_states_it(app):
    from app.services import councils

    with app.app_context():
        assumed = {c: "diagram.check_records.dueOn" in councils.policy_for(c).to_confirm
                   for c in ("derby-city", "amber-valley", "kensington-and-chelsea", "east-herts")}  # fmt: skip
    # East Herts' policy states it (s.11, lines 427-432); the others' sources do not.
    assert assumed == {
        "derby-city": True,
        "amber-valley": True,
        "kensington-and-chelsea": True,
        "east-herts": False,
    }


@pytest.mark.parametrize(
    ("council_id", "received", "due"),
    [
        # Derby City runs the Derbyshire diagram: 5 working days, assumed (no source states one).
        ("derby-city", "2026-12-14", "2026-12-21"),
        # East Herts' policy s.11: agencies answer "within 5 working days upon request" (lines 427-432);
        # Christmas Day and Boxing Day (observed Monday 28th) skipped.
        ("east-herts", "2026-12-23", "2027-01-04"),
        # Kensington and Chelsea: the join comes after the victim's interview.
        ("kensington-and-chelsea", "2026-12-14", "2026-12-21"),
    ],
)
def test_each_diagram_family_asks_every_body_before_the_decision(app, client, clock, processes, runner,
                                                               monkeypatch, council_id, received, due):  # fmt: skip
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 2 * 365 * 86400)
    council = Council(app, client, council_id)
    clock.freeze(f"{received}T09:00:00+00:00")
    case = council.open_case(_application(received_on=received))
    assert records_checks(case) == ["council", "housing_provider", "police"]
    assert deadlines(case)["records_check"] == (due, None, "pending")
    case = _to_threshold_without_checks(council, case, received)
    # The council's path is done, the decision waits for the bodies.
    assert "threshold_decision" not in forms(case) and case["stage"] == "threshold"
    # Overdue: every body's open check is escalated to the manager, once.
    assert council.case(case["id"])["open_tasks"]
    next_day = (date.fromisoformat(due) + timedelta(days=1)).isoformat()
    run_timers(runner, f"{next_day}T00:00:01+00:00")
    case = council.case(case["id"], who="manager")
    assert all(t["escalated"] for t in case["open_tasks"] if t["form"] == "confirm_reports")
    assert deadlines(case)["records_check"] == (due, None, "missed")
    case = council.check_records(case, {"c/1": {"confirmed": False, "not_confirmed": "No such letter."}})
    assert forms(case) == ["threshold_decision"]
    evaluation = case["threshold"]["evaluation"]
    assert "c" not in evaluation["qualifying_incidents"]
    [housing] = [c for c in evaluation["records_checks"] if c["agency"] == "housing_provider"]
    assert housing["reports"] == [{"report": "c/1", "confirmed": False, "not_confirmed": "No such letter."}]


def _to_threshold_without_checks(council: Council, case: dict, day: str) -> dict:
    answers = {
        "acknowledge": {"sent_on": day, "method": "email"},
        "screen_eligibility": {"eligible": True},
        "contact_victim": {"contacted_on": day, "victim_will_attend": True},
    }
    while own := [f for f in forms(case) if f in answers]:
        case = council.complete(case, own[0], answers[own[0]])
    return case


def test_the_youth_offending_service_checks_when_a_person_under_18_is_involved(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(_application())
    assert "youth_offending" not in records_checks(case)
    # Derby City's notes: where a person under 18 is involved, the Youth Offending Service is asked.
    case = derby.open_case(_application(under_18_involved=True))
    assert records_checks(case) == ["council", "housing_provider", "police", "youth_offending"]
    task, status = _task(derby, case, "confirm_reports", "youth", agency="youth_offending")
    assert status == 200 and task["role"] == "partner_agency"
    # No report was made to it: it searches its records for the names, address and dates.
    assert task["context"]["reports"] == []
    assert task["context"]["search"]["victims"] == [
        {"name": "Alex Victim", "address": "1 Sample Street, Derby"}
    ]
    response = _answer(derby, case, "youth_offending", [], notes="Known to the service since October.")
    assert response.status_code == 200, response.get_json()
    case = derby.check_records(response.get_json())
    case = _to_threshold(derby, case, "2026-12-14")
    threshold, _ = _task(derby, case, "threshold_decision", "officer")
    [youth] = [c for c in threshold["context"]["records_checks"] if c["agency"] == "youth_offending"]
    assert (youth["reports"], youth["notes"]) == ([], "Known to the service since October.")
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    assert case["threshold"]["decision"]["bodies"] == [
        "council",
        "police",
        "housing_provider",
        "youth_offending",
    ]
