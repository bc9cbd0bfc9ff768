"""The managers' dashboard through the API (issue 15): GET /api/v1/reports/dashboard over the fixed
cases of tests/factories/dashboard_cases.py, checked number by number, for a council and a
county; who may see it; the period's validation; and GET /api/v1/cases with each figure's
filters lists exactly the cases the figure counted."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Membership, User
from tests.factories.dashboard_cases import PERIOD, make_dashboard_cases
from tests.factories.users import auth_headers

DERBY_DEADLINES = [
    {"deadline": "acknowledge", "label": "Acknowledge the application", "month": "2026-09", "met": 1, "missed": 0},
    {"deadline": "threshold_decision", "label": "Decide on the threshold", "month": "2026-09", "met": 1,
     "missed": 1},
    {"deadline": "acknowledge", "label": "Acknowledge the application", "month": "2026-10", "met": 0, "missed": 1},
    {"deadline": "acknowledge", "label": "Acknowledge the application", "month": "2026-11", "met": 1, "missed": 0},
]  # fmt: skip


@pytest.fixture
def cases(app, processes):
    with app.app_context():
        return make_dashboard_cases()


def _manager(app, client, council="derby-city", role="community_safety_manager", **kwargs):
    return auth_headers(app, client, councils=(council,), role=role, **kwargs)


def _dashboard(client, headers, **params):
    return client.get("/api/v1/reports/dashboard", query_string=params, headers=headers)


def test_a_councils_dashboard_number_by_number(app, client, cases):
    response = _dashboard(client, _manager(app, client), council="derby-city", **PERIOD)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["council"] == "derby-city" and "county" not in body and "councils" not in body
    assert body["name"] == "Derby City Council"
    assert body["period"] == {"from": "2026-09-01", "to": "2026-11-23"}
    assert body["today"] == "2026-11-23"
    assert body["deadlines"] == DERBY_DEADLINES
    assert body["open_cases"] == [{"stage": "threshold", "cases": 2}, {"stage": "monitoring", "cases": 1}]
    assert body["overdue_tasks_by_role"] == [
        {"role": "community_safety_officer", "tasks": 1, "cases": 1},
        {"role": "partner_agency", "tasks": 1, "cases": 1},
    ]
    assert body["overdue_tasks_by_agency"] == [{"agency": "police", "tasks": 1, "cases": 1}]
    assert body["milestones"] == [
        {"milestone": "acknowledged", "cases": 2, "median_working_days": 4.5},
        {"milestone": "threshold_met", "cases": 1, "median_working_days": 23.0},
        {"milestone": "threshold_not_met", "cases": 1, "median_working_days": 27.0},
        {"milestone": "closed", "cases": 1, "median_working_days": 55.0},
    ]
    assert body["actions"] == {"open": 1, "overdue": 1, "done_on_time": 1, "done_late": 1, "closed_undone": 1}


def test_a_countys_dashboard_adds_up_its_councils_and_no_other(app, client, cases):
    response = _dashboard(client, _manager(app, client), county="derbyshire", **PERIOD)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["county"] == "derbyshire" and body["name"] == "Derbyshire"
    assert body["deadlines"][2] == {"deadline": "acknowledge", "label": "Acknowledge the application",
                                    "month": "2026-10", "met": 1, "missed": 1}  # fmt: skip
    assert body["open_cases"] == [
        {"stage": "threshold", "cases": 2}, {"stage": "monitoring", "cases": 1}, {"stage": "review", "cases": 1},
    ]  # fmt: skip
    assert body["overdue_tasks_by_role"] == [
        {"role": "partner_agency", "tasks": 2, "cases": 2},
        {"role": "community_safety_officer", "tasks": 1, "cases": 1},
    ]
    assert body["overdue_tasks_by_agency"] == [
        {"agency": "housing_provider", "tasks": 1, "cases": 1},
        {"agency": "police", "tasks": 1, "cases": 1},
    ]
    # 4 (DER-A), 5 (DER-F), 5 (AMB-D) working days.
    assert body["milestones"][0] == {"milestone": "acknowledged", "cases": 3, "median_working_days": 5.0}
    lines = {row["council"]: row for row in body["councils"]}
    assert len(lines) == 9  # every council of the county, none left out
    assert lines["derby-city"] == {"council": "derby-city", "name": "Derby City Council", "open_cases": 3,
                                   "deadlines_met": 3, "deadlines_missed": 2, "overdue_tasks": 2,
                                   "actions_overdue": 1}  # fmt: skip
    assert lines["amber-valley"]["open_cases"] == 1 and lines["amber-valley"]["deadlines_met"] == 1
    assert lines["bolsover"] == {"council": "bolsover", "name": "Bolsover District Council", "open_cases": 0,
                                 "deadlines_met": 0, "deadlines_missed": 0, "overdue_tasks": 0,
                                 "actions_overdue": 0}  # fmt: skip


def test_the_default_period_is_the_last_twelve_months(app, client, cases):
    body = _dashboard(client, _manager(app, client), council="derby-city").get_json()
    assert body["period"] == {"from": "2025-12-01", "to": "2026-11-23"}
    # DER-C's acknowledgement in August now counts too.
    assert body["milestones"][0] == {"milestone": "acknowledged", "cases": 3, "median_working_days": 4.0}
    only_end = _dashboard(client, _manager(app, client), council="derby-city", to="2026-06-30").get_json()
    assert only_end["period"] == {"from": "2025-07-01", "to": "2026-06-30"}


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"from": "2026-13-01"}, "from", "Not a valid date; use YYYY-MM-DD."),
        ({"to": "23/11/2026"}, "to", "Not a valid date; use YYYY-MM-DD."),
        ({"from": "2026-11-01", "to": "2026-10-31"}, "to",
         "The end of the period must be the same as or after its start."),
        ({"from": "2026-12-01"}, "from", "The start of the period must be today or earlier, or give its end."),
        ({"from": "2020-01-01", "to": "2025-01-02"}, "to", "The period can be at most 5 years long."),
        ({"from": "1899-12-31"}, "from", "Must be between 1900-01-01 and 2199-12-31."),
        ({"year": "2026"}, "year", "Unknown field."),
    ],
    ids=["no such month", "not ISO", "ends before it starts", "starts after today with no end", "over five years",
         "before 1900", "unknown parameter"],
)  # fmt: skip
def test_the_period_is_checked_precisely(app, client, params, field, message):
    response = _dashboard(client, _manager(app, client), council="derby-city", **params)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: [message]}


def test_council_or_county_and_each_once(app, client):
    headers = _manager(app, client)
    for params in ({}, {"council": "derby-city", "county": "derbyshire"}):
        response = _dashboard(client, headers, **params)
        assert response.status_code == 422
        assert response.get_json()["error"]["fields"] == {"council": ["Give either council or county."]}
    twice = client.get("/api/v1/reports/dashboard?council=derby-city&council=bolsover", headers=headers)
    assert twice.status_code == 422


@pytest.mark.parametrize(
    ("council", "role", "agency", "params", "status"),
    [
        ("derby-city", "community_safety_manager", None, {"council": "derby-city"}, 200),
        ("derby-city", "admin", None, {"council": "derby-city"}, 200),
        ("derby-city", "community_safety_officer", None, {"council": "derby-city"}, 403),
        ("derby-city", "process_owner", None, {"council": "derby-city"}, 403),
        ("derby-city", "partner_agency", "police", {"council": "derby-city"}, 403),
        ("east-herts", "community_safety_manager", None, {"council": "derby-city"}, 404),
        ("derby-city", "community_safety_manager", None, {"council": "no-such-council"}, 404),
        ("amber-valley", "community_safety_manager", None, {"county": "derbyshire"}, 200),
        ("derby-city", "community_safety_officer", None, {"county": "derbyshire"}, 403),
        ("derby-city", "partner_agency", "police", {"county": "derbyshire"}, 403),
        ("east-herts", "community_safety_manager", None, {"county": "derbyshire"}, 404),
        ("derby-city", "community_safety_manager", None, {"county": "no-such-county"}, 404),
    ],
    ids=["manager", "admin", "officer", "process owner", "partner", "another council's manager",
         "no such council", "manager of a county council", "officer in the county", "partner in the county",
         "manager outside the county", "no such county"],
)  # fmt: skip
def test_who_may_see_a_dashboard(app, client, council, role, agency, params, status):
    headers = _manager(app, client, council=council, role=role, agency=agency)
    response = _dashboard(client, headers, **params)
    assert response.status_code == status, response.get_json()
    if status != 200:
        assert response.get_json()["error"]["code"] == {403: "forbidden", 404: "not_found"}[status]


def test_a_dashboard_needs_a_token(client):
    assert _dashboard(client, {}, council="derby-city").status_code == 401


def test_a_manager_of_two_councils_sees_each_and_their_own_only(app, client, cases):
    headers = _manager(app, client)
    with app.app_context():
        user = db.session.scalars(db.select(User).order_by(User.id.desc())).first()
        user.memberships.append(Membership(council_id="east-herts", role="community_safety_officer"))
        db.session.commit()
    assert _dashboard(client, headers, council="derby-city").status_code == 200
    assert _dashboard(client, headers, council="east-herts").status_code == 403


# --- The cases behind each figure ----------------------------------------------------------------

FIGURES = [
    ({"figure": "deadline_met", "key": "acknowledge"}, {"DER-A", "DER-F"}),
    ({"figure": "deadline_missed", "key": "acknowledge"}, {"DER-B"}),
    ({"figure": "deadline_met", "key": "threshold_decision"}, {"DER-C"}),
    ({"figure": "deadline_missed", "key": "threshold_decision"}, {"DER-A"}),
    ({"figure": "deadline_missed", "key": "acknowledge", "from": "2026-09-01", "to": "2026-09-30"}, set()),
    ({"figure": "deadline_missed", "key": "appeal_window"}, set()),
    ({"figure": "overdue_task_role", "key": "partner_agency"}, {"DER-A"}),
    ({"figure": "overdue_task_role", "key": "community_safety_officer"}, {"DER-B"}),
    ({"figure": "overdue_task_role", "key": "community_safety_manager"}, set()),
    ({"figure": "overdue_task_agency", "key": "police"}, {"DER-A"}),
    ({"figure": "milestone", "key": "acknowledged"}, {"DER-A", "DER-F"}),
    ({"figure": "milestone", "key": "closed"}, {"DER-C"}),
    ({"figure": "action", "key": "open"}, {"DER-A"}),
    ({"figure": "action", "key": "overdue"}, {"DER-A"}),
    ({"figure": "action", "key": "done_on_time"}, {"DER-A"}),
    ({"figure": "action", "key": "done_late"}, {"DER-C"}),
    ({"figure": "action", "key": "closed_undone"}, {"DER-A"}),
]


@pytest.mark.parametrize(("filters", "references"), FIGURES, ids=[
    f"{f['figure']}:{f['key']}{':september' if 'to' in f else ''}" for f, _ in FIGURES
])  # fmt: skip
def test_each_figures_cases_are_the_cases_it_counted(app, client, cases, filters, references):
    headers = _manager(app, client)
    query = {"from": PERIOD["from"], "to": PERIOD["to"], "council": "derby-city", **filters}
    response = client.get("/api/v1/cases", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert {c["reference"] for c in response.get_json()["items"]} == references


def test_a_countys_cases_are_those_of_its_councils_the_user_may_see(app, client, cases):
    headers = auth_headers(app, client, councils=("derby-city", "amber-valley", "east-herts"),
                           role="community_safety_manager")  # fmt: skip
    query = {"county": "derbyshire", "figure": "deadline_met", "key": "acknowledge", **PERIOD}
    found = client.get("/api/v1/cases", query_string=query, headers=headers).get_json()["items"]
    assert {c["reference"] for c in found} == {"DER-A", "DER-F", "AMB-D"}
    # A Derby City manager's list of the same figure holds only Derby City's cases.
    found = client.get("/api/v1/cases", query_string=query, headers=_manager(app, client)).get_json()["items"]
    assert {c["reference"] for c in found} == {"DER-A", "DER-F"}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"figure": "deadline_met"}, "key", "Give the figure's key."),
        ({"key": "acknowledge"}, "key", "Give it with figure."),
        ({"from": "2026-01-01"}, "from", "Give it with figure."),
        ({"figure": "action", "key": "late"}, "key",
         "Must be one of: open, overdue, done_on_time, done_late, closed_undone."),
        ({"figure": "milestone", "key": "Closed"}, "key", "Not a key: use lower_snake_case, e.g. acknowledge."),
        ({"figure": "stages", "key": "x"}, "figure",
         "Must be one of: deadline_met, deadline_missed, overdue_task_role, overdue_task_agency, milestone, "
         "action."),
        ({"figure": "milestone", "key": "closed", "from": "2026-10-01", "to": "2026-09-01"}, "to",
         "The end of the period must be the same as or after its start."),
    ],
    ids=["no key", "key alone", "period alone", "unknown action figure", "not a key", "unknown figure",
         "backwards period"],
)  # fmt: skip
def test_the_case_lists_figure_filters_are_checked(app, client, query, field, message):
    response = client.get("/api/v1/cases", query_string=query, headers=_manager(app, client))
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {field: [message]}
