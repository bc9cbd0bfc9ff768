"""Process owners test-run a version through the API: POST /processes/{key}/versions/{n}/test-run
and GET /processes/{key}/scenarios. Nothing a test-run does is saved or sent."""

from __future__ import annotations

import pytest

from tests.factories.users import auth_headers

KEY = "community_trigger_derbyshire"
RUN = f"/api/v1/processes/{KEY}/versions/1/test-run"


def post_run(client, derby, body, who="owner", path=RUN):
    return client.post(path, json=body, headers=derby.as_(who))


def test_a_process_owner_runs_the_live_version_against_the_met_route(app, client, derby):
    response = post_run(client, derby, {"council": "derby-city", "scenario": "met"})
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["process"] == {"key": KEY, "version": 1}
    assert (result["council"], result["outcome"], result["final_stage"]) == (
        "derby-city",
        "completed",
        "closed",
    )
    assert result["stopped_at"] == "Reached the end: the case closed on 4 February 2027."
    assert result["error"] is None
    assert result["scenario"]["key"] == "met" and result["scenario"]["received_on"] == "2026-12-14"
    assert [d["key"] for d in result["deadlines"]] == [
        "acknowledge", "records_check", "threshold_decision", "case_review", "outcome_notification", "appeal_window"
    ]  # fmt: skip
    assert result["deadlines"][2] == {
        "key": "threshold_decision",
        "label": "Decide whether the threshold is met",
        "due_on": "2027-01-07",
        "done_on": "2026-12-22",
        "status": "met",
    }
    assert [(letter["kind"], letter["recipient"], letter["issued_on"]) for letter in result["letters"]] == [
        ("CT1", "applicant", "2026-12-16"),
        ("CT4", "applicant", "2026-12-22"),
        ("outcome", "applicant", "2027-01-06"),
        # The plan's one action reported done two working days later (issue 15).
        ("action_plan_complete", "applicant", "2027-01-08"),
    ]
    assert "TEST-RUN" in result["letters"][0]["html"]
    task = next(s for s in result["steps"] if s["kind"] == "task_completed")
    assert {k: task[k] for k in ("on", "element", "form", "role", "opened_on", "due_on", "deadline")} == {
        "on": "2026-12-16",
        "element": "acknowledge",
        "form": "acknowledge",
        "role": "community_safety_officer",
        "opened_on": "2026-12-14",
        "due_on": "2026-12-21",
        "deadline": "acknowledge",
    }
    assert task["answers"]["sent_on"] == "2026-12-16"
    assert result["path"][0] == "start" and result["path"][-1] == "closed"
    assert result["milestones"][0] == {"key": "received", "on": "2026-12-14", "element": "start"}
    # Nothing was saved: no case, no letter.
    assert client.get("/api/v1/cases", headers=derby.as_("owner")).get_json()["total"] == 0


def test_the_owner_adjusts_the_date_the_answers_and_the_pace(client, derby):
    body = {
        "council": "derby-city",
        "scenario": "met",
        "received_on": "2027-03-22",
        # No body holds a record of the reports, so "not met" is open to the decision (s.104(4)).
        "answers": {
            "confirm_reports": {"each_report": {"confirmed": False, "not_confirmed": "No record."}},
            "threshold_decision": {"threshold_met": False, "reasons": "Not enough."},
        },
        "step_working_days": 0,
    }
    result = post_run(client, derby, body).get_json()
    assert result["outcome"] == "completed", result
    assert result["scenario"]["received_on"] == "2027-03-22"
    assert result["scenario"]["step_working_days"] == 0
    # Refused: CT3, then the review window runs out.
    assert [letter["kind"] for letter in result["letters"]] == ["CT1", "CT3"]
    assert result["deadlines"][0] == {
        "key": "acknowledge",
        "label": "Acknowledge the completed application",
        "due_on": "2027-03-31",  # over Good Friday and Easter Monday
        "done_on": "2027-03-22",  # the same day, at this pace
        "status": "met",
    }


def test_answers_a_form_refuses_give_an_error_outcome_not_a_failed_request(client, derby):
    body = {"council": "derby-city", "scenario": "appeal", "answers": {"decide_appeal": {"upheld": "maybe"}}}
    response = post_run(client, derby, body)
    assert response.status_code == 200
    result = response.get_json()
    assert (result["outcome"], result["error_element"]) == ("error", "decide_appeal")
    assert result["error_fields"] == {"upheld": ["Must be true or false."]}
    assert (
        result["stopped_at"]
        == "Stopped at 'Decide the appeal (Police and Crime Commissioner)': its answers are not valid."
    )


def test_the_built_in_scenarios_are_listed_for_the_owner(client, derby):
    response = client.get(f"/api/v1/processes/{KEY}/scenarios?council=derby-city", headers=derby.as_("owner"))
    assert response.status_code == 200, response.get_json()
    items = response.get_json()["items"]
    assert [s["key"] for s in items] == [
        "met",
        "not_met",
        "ineligible",
        "appeal",
        "appeal_upheld",
        "review",
        "third_party",
    ]
    met = items[0]
    assert met["received_on"] == "2026-12-14" and met["step_working_days"] == 2
    assert met["answers"]["acknowledge"] == {"method": "email"}
    assert met["application"]["applicant_type"] == "victim"
    assert items[3]["appeal"]["received_after_days"] == 7


def test_an_admin_of_the_council_may_test_run(app, client, derby):
    admin = auth_headers(app, client, councils=("derby-city",), role="admin")
    response = client.post(RUN, json={"council": "derby-city", "scenario": "ineligible"}, headers=admin)
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "completed"


def test_only_a_process_owner_of_a_council_running_it_may_test_run(app, client, derby):
    body = {"council": "derby-city", "scenario": "met"}
    assert post_run(client, derby, body, who="officer").status_code == 403
    assert post_run(client, derby, body, who="manager").status_code == 403
    herts_owner = auth_headers(app, client, councils=("east-herts",), role="process_owner")
    response = client.post(RUN, json=body, headers=herts_owner)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    # Their own council does not run Derbyshire's process.
    response = client.post(RUN, json={**body, "council": "east-herts"}, headers=herts_owner)
    assert response.status_code == 403
    # Nor does Derby City run East Herts'.
    path = "/api/v1/processes/community_trigger_east_herts/versions/1/test-run"
    assert post_run(client, derby, body, path=path).status_code == 403
    listing = f"/api/v1/processes/{KEY}/scenarios?council=derby-city"
    assert client.get(listing, headers=derby.as_("officer")).status_code == 403
    assert client.get(listing, headers=herts_owner).status_code == 403
    assert client.post(RUN, json=body).status_code == 401


def test_an_unknown_version_is_404(client, derby):
    body = {"council": "derby-city", "scenario": "met"}
    for path in (
        f"/api/v1/processes/{KEY}/versions/99/test-run",
        "/api/v1/processes/nope/versions/1/test-run",
    ):
        response = post_run(client, derby, body, path=path)
        assert response.status_code == 404
        assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"council": "derby-city", "scenario": "sunny_day"},
         {"scenario": ["No built-in scenario 'sunny_day'; there are: met, not_met, ineligible, appeal, appeal_upheld, review, third_party."]}),
        ({"council": "derby-city", "scenario": "met", "answers": {"acknowledge": "email"}},
         {"answers": {"acknowledge": {"value": ["Not a valid mapping type."]}}}),
        ({"council": "derby-city", "scenario": "met", "answers": ["acknowledge"]},
         {"answers": ["Not a valid mapping type."]}),
        ({"council": "derby-city", "scenario": "met", "answers": {"acknowlege": {"method": "post"}}},
         {"answers": {"acknowlege": ["Not a form key, nor the id of a user task of this version."]}}),
        ({"council": "derby-city", "scenario": "met", "answers": {f"form_{n}": {} for n in range(51)}},
         {"answers": ["Give answers for at most 50 forms or tasks."]}),
        ({"council": "derby-city", "scenario": "met", "received_on": "2014-10-19"},
         {"received_on": ["Must not be before 2014-10-20, when the Community Trigger came into force."]}),
        ({"council": "derby-city", "scenario": "met", "received_on": "2028-11-24"},
         {"received_on": ["Must not be after 2028-11-23."]}),
        ({"council": "derby-city", "scenario": "met", "received_on": "14/12/2026"},
         {"received_on": ["Not a valid date; use YYYY-MM-DD."]}),
        ({"council": "derby-city", "scenario": "met", "step_working_days": 61},
         {"step_working_days": ["Must be greater than or equal to 0 and less than or equal to 60."]}),
        ({"council": "derby-city", "scenario": "met", "step_working_days": True},
         {"step_working_days": ["Not a valid integer."]}),
        ({"scenario": "met", "colour": "red"},
         {"council": ["Missing data for required field."], "colour": ["Unknown field."]}),
    ],
    ids=["unknown-scenario", "answer-not-an-object", "answers-not-an-object", "answer-for-no-form-or-task",
         "too-many-answers", "before-the-act", "too-far-ahead", "not-iso", "pace-too-slow", "pace-not-a-number",
         "missing-and-unknown"],
)  # fmt: skip
def test_a_bad_request_is_422_naming_the_field(client, derby, body, fields):
    response = post_run(client, derby, body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["fields"]) == ("validation_failed", fields)


@pytest.mark.parametrize(
    "body",
    [
        None, [], "met", 17, {}, {"council": None, "scenario": None}, {"council": ["derby-city"], "scenario": "met"},
        {"council": "derby-city", "scenario": {"key": "met"}},
        {"council": "derby-city", "scenario": "met", "answers": {"acknowledge": {"method": {"$ne": 1}}}},
        {"council": "derby-city", "scenario": "met", "answers": {"acknowledge": {"sent_on": "{today+9999}"}}},
        {"council": "derby-city", "scenario": "met", "answers": {"case_review": {"panel": [[[[[]]]]]}}},
        {"council": "derby-city", "scenario": "met", "answers": {"": {}}},
        {"council": "derby-city", "scenario": "met", "received_on": "2026-02-30"},
        {"council": "derby-city", "scenario": "met", "step_working_days": 2.5},
        {"council": "x" * 100, "scenario": "met"},
        {"council": "no-such-council", "scenario": "met"},
    ],
)  # fmt: skip
def test_garbage_is_never_a_server_error(client, derby, body):
    response = post_run(client, derby, body)
    assert response.status_code in (200, 400, 403, 422), (body, response.status_code, response.get_json())
    assert "error" in response.get_json() or response.get_json()["outcome"] == "error"


@pytest.mark.parametrize(
    ("data", "content_type"),
    [("{not json", "application/json"), ("council=derby-city", "application/x-www-form-urlencoded"),
     ("[" * 5000 + "]" * 5000, "application/json"), ("", "application/json")],
    ids=["malformed", "form-encoded", "deeply-nested", "empty"],
)  # fmt: skip
def test_a_body_that_is_not_json_is_400(client, derby, data, content_type):
    response = client.post(RUN, data=data, content_type=content_type, headers=derby.as_("owner"))
    assert response.status_code == 400


def test_the_scenario_listing_needs_a_council(client, derby):
    response = client.get(f"/api/v1/processes/{KEY}/scenarios", headers=derby.as_("owner"))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"council": ["Missing data for required field."]}
