"""A council's settings in the database as versions (issue 16): GET and PATCH
/api/v1/councils/{council}/settings, who may change what, the file's own validation, the audit
list, "to confirm" values, effective-dated policy, and closures moving open due dates."""

from __future__ import annotations

from datetime import date

import pytest

from app.councils import CouncilConfigError, load_councils
from app.extensions import db
from app.models import Case, CaseTask, TaskStatus
from app.services import council_settings
from tests.factories.cases import application
from tests.factories.reading import assert_consistent, run_timers
from tests.factories.users import auth_headers

URL = "/api/v1/councils/{}/settings"
EAST_HERTS = URL.format("east-herts")
DERBY = URL.format("derby-city")


@pytest.fixture(autouse=True)
def _long_tokens(app, monkeypatch):
    """Tokens that outlive the days these tests move the clock on."""
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 365 * 86400)


@pytest.fixture
def admin(app, client):
    return auth_headers(app, client, role="admin", councils=("east-herts", "derby-city"))


@pytest.fixture
def owner(app, client):
    return auth_headers(app, client, role="process_owner", councils=("east-herts", "derby-city"))


def _patch(client, headers, body, url=EAST_HERTS):
    return client.patch(url, json=body, headers=headers)


def _fields(response) -> dict:
    assert response.status_code == 422, response.get_json()
    return response.get_json()["error"]["fields"]


# --- Reading --------------------------------------------------------------------------------


def test_get_shows_every_section_and_what_is_assumed_with_its_source_line(client, admin):
    body = client.get(EAST_HERTS, headers=admin).get_json()
    assert body["council"] == "east-herts"
    assert body["closures"] == []
    assert body["contacts"]["phone"] == "01279 655261"
    assert body["threshold"]["report_within"] == {"days": 30}
    assert body["threshold"]["min_qualifying"] == 3  # the RULES default, shown as in force
    assert body["appeal"]["within_days"] == 28
    assert body["appeal"]["confirmed"] == {"within_days": False}  # no source states it
    assert "confirmed" not in body["not_met_review"]  # s.11 states it
    assert body["letters"]["signature"] == "{team}\n{council_name}"
    assert body["retention_years"] == 6
    assert body["editable"] == ["closures", "contacts", "threshold", "appeal", "not_met_review", "letters",
                                "retention_years"]  # fmt: skip
    by_key = {item["key"]: item for item in body["to_confirm"]}
    assert by_key["appeal.within_days"]["value"] == 28
    assert by_key["appeal.within_days"]["source"] == {"file": "east-herts-policy.txt", "line": 553}
    assert by_key["ineligible_review.reviewer"]["value"].startswith("Community Wellbeing")
    assert by_key["retention_years"]["value"] == 6 and by_key["retention_years"]["source"] is None
    assert all(item["may_confirm"] for item in body["to_confirm"])


@pytest.mark.parametrize(
    ("role", "council", "status"),
    [
        ("community_safety_officer", "east-herts", 200),
        ("community_safety_manager", "east-herts", 200),
        ("partner_agency", "east-herts", 403),
        ("admin", "derby-city", 404),  # another council's admin is never told it exists
    ],
)
def test_who_reads_them(app, client, role, council, status):
    headers = auth_headers(
        app, client, role=role, councils=(council,), agency="police" if role == "partner_agency" else None
    )
    response = client.get(EAST_HERTS, headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 200:
        assert response.get_json()["editable"] == []


def test_unknown_council_and_no_token(client, admin):
    assert client.get(URL.format("atlantis"), headers=admin).status_code == 404
    assert client.get(EAST_HERTS).status_code == 401
    assert client.patch(EAST_HERTS, json={"reason": "x"}).status_code == 401


# --- Who changes what --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("admin", {"contacts": {"phone": "01279 000000"}}, 200),
        ("admin", {"retention_years": 7}, 200),
        ("admin", {"letters": {"signature": "The team\n{council_name}"}}, 200),
        ("process_owner", {"threshold": {"report_within": {"months": 1}}}, 200),
        ("process_owner", {"appeal": {"within_days": 21}}, 200),
        ("process_owner", {"not_met_review": {"within_days": 21}}, 200),
        ("process_owner", {"contacts": {"phone": "01279 000000"}}, 403),
        ("process_owner", {"closures": ["2026-12-24"]}, 403),
        ("process_owner", {"retention_years": 7}, 403),
        ("process_owner", {"confirm": ["retention_years"]}, 403),
        ("community_safety_manager", {"appeal": {"within_days": 21}}, 403),
        ("community_safety_officer", {"appeal": {"within_days": 21}}, 403),
    ],
)
def test_admins_change_everything_and_process_owners_the_policy(app, client, who, body, status):
    headers = auth_headers(app, client, role=who, councils=("east-herts",))
    response = _patch(client, headers, {"reason": "Agreed at the partnership board", **body})
    assert response.status_code == status, response.get_json()
    if status == 403:
        assert client.get(EAST_HERTS, headers=headers).get_json()["version"] is None  # nothing stored


def test_a_process_owner_is_told_which_sections_are_theirs(client, owner):
    response = _patch(client, owner, {"reason": "x", "contacts": {"phone": "01279 000000"}})
    assert response.get_json()["error"]["message"] == (
        "Process owners change only threshold, appeal, not_met_review; not contacts."
    )


# --- Validation: the file's own schema ----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"threshold": {"min_qualifying": 4}}, {"threshold": {"min_qualifying": [
            "min_qualifying = 4 is above the Act: under s.104(4) of the Anti-social Behaviour, Crime and "
            "Policing Act 2014 the threshold is met by 3 qualifying complaints, or fewer if the council sets "
            "fewer, never more. Use at most 3."]}}),
        ({"threshold": {"window_months": 5}}, {"threshold": {"window_months": [
            "window_months = 5 is above the Act: under s.104(11) of the Anti-social Behaviour, Crime and "
            "Policing Act 2014 a complaint qualifies when the application is made within 6 months after it, "
            "so the window may not be shorter. Use at least 6."]}}),
        ({"threshold": {"report_within": {"months": 1, "days": 30}}},
         {"threshold": {"report_within": {"_schema": ["Must have exactly one of months or days."]}}}),
        ({"closures": ["2026-13-01"]},
         {"closures": {"0": ['Not a closure day: \'2026-13-01\'. Use "MM-DD" for every year or "YYYY-MM-DD" for once, '
                            'and a label after it if you like ("12-24 Christmas Eve").']}}),
        ({"contacts": {"email": "not an address"}}, {"contacts": {"email": ["Not a valid email address."]}}),
        ({"contacts": {"website": None}}, {"contacts": {"website": ["Missing data for required field."]}}),
        ({"appeal": {"within_days": 0}}, {"appeal": {"within_days": ["Must be greater than or equal to 1."]}}),
        ({"appeal": {"within_days": "28"}}, {"appeal": {"within_days": ["Not a valid integer."]}}),
        ({"not_met_review": {"offered": False}},
         {"not_met_review": {"within_days": ["Must be left out when offered is false."]}}),
        ({"retention_years": 0}, {"retention_years": ["Must be greater than or equal to 1 and less than or equal to 100."]}),
        ({"letters": {"signature": "{{ config }}\n{council_nam}"}}, {"letters": {"signature": [
            "Unknown placeholder {council_nam}: use only {council_name}, {team}, {email}, {phone}, {address}, "
            "{website}, {appeal_body}, {appeal_within_days}, {retention_years}."]}}),
        ({"letters": {"signature": "  "}}, {"letters": {"signature": ["Must not be blank: a letter is signed by someone."]}}),
        ({"threshold": {"colour": "blue"}}, {"threshold": {"colour": ["Unknown field."]}}),
        ({"confirm": ["contacts.phone"]}, {"confirm": [
            "Not a value to confirm: contacts.phone. To confirm now: appeal.within_days, ineligible_review.within_days, "
            "ineligible_review.reviewer, consent.follow_up_days, retention_years."]}),
        ({"effective_from": "2026-11-22", "appeal": {"within_days": 21}}, {"effective_from": [
            "Must be today or later: a change never applies to applications already received."]}),
        ({"effective_from": "2026-12-01", "closures": ["12-24"]}, {"effective_from": [
            "Closures apply from today, 23 November 2026, not 1 December 2026: each closure is a day of its own. "
            "Leave effective_from out."]}),
        ({"colour": "blue"}, {"colour": ["Unknown field."]}),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_with_the_files_message(client, admin, body, expected):
    response = _patch(client, admin, {"reason": "Trying", **body})
    assert _fields(response) == expected
    assert client.get(EAST_HERTS, headers=admin).get_json()["version"] is None


def test_closures_with_a_later_day_are_refused_in_the_apis_error_shape_and_nothing_is_saved(client, admin):
    body = {"reason": "Christmas", "closures": ["2026-12-24"], "contacts": {"phone": "01279 000000"},
            "effective_from": "2026-12-01"}  # fmt: skip
    for dry_run in (True, False):
        response = _patch(client, admin, {**body, "dry_run": dry_run})
        assert response.status_code == 422
        assert response.get_json() == {
            "error": {
                "code": "validation_failed",
                "message": "The request has invalid fields.",
                "fields": {"effective_from": [
                    "Closures apply from today, 23 November 2026, not 1 December 2026: each closure is a day of "
                    "its own. Leave effective_from out. Change the other sections in a request of their own."
                ]},
            }
        }  # fmt: skip
    settings = client.get(EAST_HERTS, headers=admin).get_json()
    assert (settings["version"], settings["closures"], settings["contacts"]["phone"]) == (
        None,
        [],
        "01279 655261",
    )
    # Today's date given is today: allowed.
    today = _patch(
        client, admin, {"reason": "Christmas", "closures": ["2026-12-24"], "effective_from": "2026-11-23"}
    )
    assert today.status_code == 200, today.get_json()


def test_a_reason_is_required(client, admin):
    assert _fields(_patch(client, admin, {"appeal": {"within_days": 21}})) == {
        "reason": ["Missing data for required field."]
    }
    assert _fields(_patch(client, admin, {"reason": "   ", "appeal": {"within_days": 21}})) == {
        "reason": ["Must not be blank."]
    }


def test_the_file_refuses_a_threshold_above_the_act_with_the_very_same_message(client, admin, tmp_path):
    """One rule in one place: councils.toml at start-up, and the API."""
    path = tmp_path / "councils.toml"
    path.write_text(
        '[counties.c]\nname = "C"\n[councils.alpha]\nname = "Alpha"\nnation = "england"\ncounty = "c"\n'
        'reference_prefix = "ALP"\nprocess = "p"\n[councils.alpha.threshold]\nmin_qualifying = 4\n'
        '[councils.alpha.not_met_review]\noffered = false\n[councils.alpha.appeal]\nbody = "B"\nwithin_days = 28\n'
        '[councils.alpha.contacts]\nteam = "T"\nemail = "t@example.org"\nphone = "01632 960000"\n'
        'address = "A"\nwebsite = "https://example.org/"\n'
    )
    with pytest.raises(CouncilConfigError) as raised:
        load_councils(path)
    [file_problem] = raised.value.problems
    api_message = _fields(_patch(client, admin, {"reason": "x", "threshold": {"min_qualifying": 4}}))
    assert file_problem.endswith("threshold.min_qualifying: " + api_message["threshold"]["min_qualifying"][0])


# --- A change: a version, the audit list ---------------------------------------------------------


def test_a_change_is_a_version_with_who_when_why_and_an_audit_entry_per_section(client, admin, clock):
    response = _patch(client, admin, {"reason": "New team number", "contacts": {"phone": "01279 000000"},
                                      "appeal": {"within_days": 21}, "effective_from": "2026-12-01"})  # fmt: skip
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    # Version 1 is the file's, stored on the first change; this is version 2, from 1 December.
    assert (body["version_created"], body["dry_run"], body["moved_due_dates"]) == (2, False, [])
    # What the answer shows is the settings as they will be from that day.
    assert body["appeal"]["within_days"] == 21 and body["contacts"]["phone"] == "01279 000000"
    assert "confirmed" not in body["appeal"]  # the council has stated its window now
    today = client.get(EAST_HERTS, headers=admin).get_json()
    assert today["version"] == 1 and today["appeal"]["within_days"] == 28  # not yet in force
    clock.freeze("2026-12-01T08:00:00+00:00")
    then = client.get(EAST_HERTS, headers=admin).get_json()
    assert (then["version"], then["effective_from"], then["reason"]) == (2, "2026-12-01", "New team number")
    assert then["changed_at"] == "2026-11-23T10:00:00+00:00" and then["changed_by"].endswith("@example.org")
    assert then["appeal"]["within_days"] == 21
    audit = client.get("/api/v1/councils/east-herts/audit?action=settings", headers=admin).get_json()
    entries = {item["subject"]: item for item in audit["items"]}
    assert set(entries) == {"appeal", "contacts"}
    assert entries["appeal"]["reason"] == "New team number"
    assert entries["appeal"]["details"]["before"]["within_days"] == 28
    assert entries["appeal"]["details"]["after"]["within_days"] == 21
    assert entries["contacts"]["details"]["version"] == 2


def test_the_same_values_again_store_nothing(client, admin):
    response = _patch(client, admin, {"reason": "x", "appeal": {"within_days": 28}, "closures": []})
    assert response.status_code == 200 and response.get_json()["version_created"] is None
    assert client.get("/api/v1/councils/east-herts/audit", headers=admin).get_json()["total"] == 0


def test_a_key_given_null_goes_back_to_its_default(client, admin):
    body = _patch(
        client, admin, {"reason": "Back to the Act's month", "threshold": {"report_within": None}}
    ).get_json()
    assert body["threshold"]["report_within"] == {"months": 1}


def test_a_process_owner_confirms_an_assumed_appeal_window(client, owner, admin):
    response = _patch(
        client, owner, {"reason": "Confirmed by the council", "appeal": {"confirmed": {"within_days": True}}}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["appeal"]["within_days"] == 28 and "confirmed" not in body["appeal"]
    assert "appeal.within_days" not in [item["key"] for item in body["to_confirm"]]
    [entry] = client.get(
        "/api/v1/councils/east-herts/audit?action=settings.confirmed", headers=admin
    ).get_json()["items"]
    assert (entry["subject"], entry["details"]["value"]) == ("appeal.within_days", 28)
    # And by its key, for a value outside the sections (the policy the file keeps).
    response = _patch(client, owner, {"reason": "Confirmed", "confirm": ["consent.follow_up_days"]})
    assert "consent.follow_up_days" not in [item["key"] for item in response.get_json()["to_confirm"]]


def test_a_confirmed_window_is_worded_as_a_limit_by_letters(app, client, owner):
    from app.letters.snapshots import challenge

    with app.test_request_context():
        council = council_settings.settings_for("east-herts")
        assert council.assumed("appeal.within_days")
    _patch(client, owner, {"reason": "Confirmed", "confirm": ["appeal.within_days"]})
    with app.test_request_context():
        council = council_settings.settings_for("east-herts")
        assert not council.assumed("appeal.within_days")
        assert challenge is not None


# --- Effective-dated policy: running cases keep theirs ------------------------------------------


def _two_incidents(received_on: str) -> dict:
    """Two qualifying complaints: not met under the Act's three, met under two."""
    app_body = application(received_on=received_on)
    app_body["incidents"] = app_body["incidents"][:2]
    return app_body


def test_a_policy_change_applies_to_applications_received_from_its_day_and_never_to_running_cases(
    app, client, derby, clock
):
    clock.freeze("2026-12-14T09:00:00+00:00")
    running = derby.open_case(_two_incidents("2026-12-14"))
    assert running["threshold"]["evaluation"]["required"] == 3
    assert running["threshold"]["evaluation"]["met"] is False
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    response = _patch(client, admin, {"reason": "Partnership board: two complaints are enough",
                                      "threshold": {"min_qualifying": 2}, "effective_from": "2026-12-15"},
                      url=DERBY)  # fmt: skip
    assert response.status_code == 200, response.get_json()
    # Received today, after the change was made, but before its day: the old policy.
    today = derby.open_case(_two_incidents("2026-12-14"))
    assert today["threshold"]["evaluation"]["required"] == 3
    clock.freeze("2026-12-15T09:00:00+00:00")
    nextday = derby.open_case(_two_incidents("2026-12-15"))
    assert nextday["threshold"]["evaluation"]["required"] == 2
    assert nextday["threshold"]["evaluation"]["met"] is True
    # A letter received on the 14th and entered on the 15th was received under the old policy.
    late_entry = derby.open_case(_two_incidents("2026-12-14"))
    assert late_entry["threshold"]["evaluation"]["required"] == 3
    with app.app_context():
        versions = {c.reference: c.settings_version for c in db.session.query(Case)}
        assert versions == {running["reference"]: 1, today["reference"]: 1, nextday["reference"]: 2,
                            late_entry["reference"]: 1}  # fmt: skip
        # Running the earlier case again (as any completion does) keeps its policy.
        case = db.session.get(Case, running["id"])
        assert council_settings.settings_for_case(case).threshold.min_qualifying == 3
        assert (
            council_settings.settings_for_case(db.session.get(Case, nextday["id"])).threshold.min_qualifying
            == 2
        )
    assert derby.case(running["id"])["threshold"]["evaluation"]["required"] == 3


# --- Closures move open due dates ------------------------------------------------------------------


def _open_due_dates(app, case_id: int) -> dict[str, date]:
    with app.app_context():
        return {
            t.form_key: t.due_on
            for t in db.session.query(CaseTask).filter_by(case_id=case_id, status=TaskStatus.OPEN)
            if t.due_on
        }


def test_a_closure_moves_the_due_dates_it_falls_inside_with_history_and_a_dry_run_saves_nothing(
    app, client, derby, clock
):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))
    before = _open_due_dates(app, case["id"])
    assert before["acknowledge"] == date(2026, 12, 21)  # 5 working days from Monday 14 December
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    # A closure with its label, shown wherever the closure is.
    closure = {"reason": "Offices shut on 17 December for the move", "closures": ["2026-12-17 Office move"]}

    preview = _patch(client, admin, {**closure, "dry_run": True}, url=DERBY).get_json()
    assert preview["dry_run"] is True and preview["closures"] == ["2026-12-17 Office move"]
    tasks = [m for m in preview["moved_due_dates"] if m["kind"] == "task"]
    assert {(m["what"], m["before"], m["after"]) for m in tasks} == {
        ("Acknowledge the completed application", "2026-12-21", "2026-12-22"),
        ("Check the agency's records of the reported complaints", "2026-12-21", "2026-12-22"),
    }
    assert len(tasks) == 4  # the council's, the police's and the housing provider's checks
    deadlines = {
        m["what"]: (m["before"], m["after"]) for m in preview["moved_due_dates"] if m["kind"] == "deadline"
    }
    assert deadlines["Acknowledge the completed application"] == ("2026-12-21", "2026-12-22")
    case_deadlines = {d["label"]: d["due_on"] for d in derby.case(case["id"])["deadlines"]}
    assert set(deadlines) <= set(case_deadlines)
    assert {m["reference"] for m in preview["moved_due_dates"]} == {case["reference"]}
    assert _open_due_dates(app, case["id"]) == before  # nothing saved
    assert client.get(DERBY, headers=admin).get_json()["closures"] == []
    assert client.get("/api/v1/councils/derby-city/audit", headers=admin).get_json()["total"] == 0

    saved = _patch(client, admin, closure, url=DERBY).get_json()
    assert saved["moved_due_dates"] == preview["moved_due_dates"]
    after = _open_due_dates(app, case["id"])
    assert after["acknowledge"] == date(2026, 12, 22)
    assert all(after[k] >= before[k] for k in before)
    assert {d["label"]: d["due_on"] for d in derby.case(case["id"])["deadlines"]}[
        "Acknowledge the completed application"
    ] == "2026-12-22"
    history = [h for h in derby.case(case["id"])["history"] if h["event"] == "due_date_moved"]
    assert history and history[0]["detail"] == (
        "Acknowledge the completed application: due 2026-12-21 → 2026-12-22 (closed 17 December 2026 (Office move); "
        "settings version 2: Offices shut on 17 December for the move)"
    )
    assert history[0]["actor"].endswith("@example.org")
    # A closure outside every open task's time moves nothing.
    later = _patch(
        client,
        admin,
        {"reason": "Next year", "closures": ["2026-12-17 Office move", "2027-06-01"]},
        url=DERBY,
    )
    assert later.get_json()["moved_due_dates"] == []
    # The calendar names the closure by its label.
    days = client.get(
        "/api/v1/calendar/working-days?from=2026-12-16&days=1&council=derby-city", headers=admin
    ).get_json()
    assert (days["due_on"], days["skipped"]) == (
        "2026-12-18",
        [{"date": "2026-12-17", "kind": "closure", "reason": "council closure: Office move"}],
    )


def _escalations(derby, case_id: int) -> list[str]:
    return [h["detail"] for h in derby.case(case_id)["history"] if h["event"] == "escalated"]


def _next_timer_at(app, case_id: int) -> str:
    with app.app_context():
        return db.session.get(Case, case_id).next_timer_at.isoformat()[:19]


ACK_ESCALATED = "Acknowledge the completed application: overdue, escalated to community safety manager"


def test_a_closure_moves_the_escalation_already_waiting_with_the_due_date(app, client, derby, clock, runner):
    """The escalation's timer (``end_of_day(due_on)``) was worked out when the task opened; a
    closure added inside the task's time moves it to the end of the new due date."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))
    assert _next_timer_at(app, case["id"]) == "2026-12-22T00:00:00"  # the end of 21 December
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    response = _patch(client, admin, {"reason": "Office move", "closures": ["2026-12-17"]}, url=DERBY)
    assert response.status_code == 200, response.get_json()
    assert _open_due_dates(app, case["id"])["acknowledge"] == date(2026, 12, 22)
    assert _next_timer_at(app, case["id"]) == "2026-12-23T00:00:00"
    assert_consistent(runner)

    run_timers(runner, "2026-12-22T00:00:01+00:00")  # the old day is over: nothing is overdue
    assert _escalations(derby, case["id"]) == []
    run_timers(runner, "2026-12-23T00:00:01+00:00")  # the new one is
    assert [e for e in _escalations(derby, case["id"]) if e.startswith("Acknowledge")] == [ACK_ESCALATED]
    assert_consistent(runner)


def test_a_closure_taken_away_brings_the_escalation_forward(app, client, derby, clock, runner):
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    clock.freeze("2026-12-14T09:00:00+00:00")
    _patch(client, admin, {"reason": "Office move", "closures": ["2026-12-17"]}, url=DERBY)
    case = derby.open_case(application(received_on="2026-12-14"))
    assert _next_timer_at(app, case["id"]) == "2026-12-23T00:00:00"  # worked out with the closure

    response = _patch(client, admin, {"reason": "The move is off", "closures": []}, url=DERBY)
    assert response.status_code == 200, response.get_json()
    assert _open_due_dates(app, case["id"])["acknowledge"] == date(2026, 12, 21)
    assert _next_timer_at(app, case["id"]) == "2026-12-22T00:00:00"
    run_timers(runner, "2026-12-22T00:00:01+00:00")
    assert [e for e in _escalations(derby, case["id"]) if e.startswith("Acknowledge")] == [ACK_ESCALATED]
    assert_consistent(runner)


def test_a_closure_taken_away_after_the_new_due_date_escalates_with_the_change(
    app, client, derby, clock, runner
):
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    clock.freeze("2026-12-14T09:00:00+00:00")
    _patch(client, admin, {"reason": "Office move", "closures": ["2026-12-17"]}, url=DERBY)
    case = derby.open_case(application(received_on="2026-12-14"))
    clock.freeze("2026-12-22T10:00:00+00:00")
    run_timers(runner, "2026-12-22T10:00:00+00:00")
    assert _escalations(derby, case["id"]) == []  # due today, 22 December

    # Without the closure it was due yesterday: overdue now, so it escalates at once, as the
    # sweep would have, rather than waiting on a time already past.
    _patch(client, admin, {"reason": "The move was cancelled", "closures": []}, url=DERBY)
    assert _open_due_dates(app, case["id"])["acknowledge"] == date(2026, 12, 21)
    escalated = [h for h in derby.case(case["id"])["history"] if h["event"] == "escalated"]
    assert ACK_ESCALATED in [h["detail"] for h in escalated]
    assert all(h["actor"].endswith("@example.org") for h in escalated)  # the change's doing
    assert_consistent(runner)


def test_a_case_that_fails_under_the_new_closures_stops_the_change(app, client, derby, clock, monkeypatch):
    from app.engine.runtime import CaseRun, WorkflowError

    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))

    def fails(run, workflow):
        raise WorkflowError("no gateway condition true", "escalate_acknowledge")

    monkeypatch.setattr(CaseRun, "redate_timers", fails)
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    response = _patch(client, admin, {"reason": "Office move", "closures": ["2026-12-17"]}, url=DERBY)
    assert response.status_code == 409
    assert response.get_json()["error"]["message"] == (
        f"Case {case['reference']} could not be run under the new closures, so nothing was saved: "
        "escalate_acknowledge: no gateway condition true"
    )
    assert client.get(DERBY, headers=admin).get_json()["closures"] == []
    assert _open_due_dates(app, case["id"])["acknowledge"] == date(2026, 12, 21)


@pytest.mark.parametrize(
    ("closures", "message"),
    [
        (["12-24 " + "x" * 101], "The label of a closure day must be at most 100 characters long."),
        (
            ["Christmas Eve 12-24"],
            'Not a closure day: \'Christmas Eve 12-24\'. Use "MM-DD" for every year or "YYYY-MM-DD" '
            'for once, and a label after it if you like ("12-24 Christmas Eve").',
        ),
    ],
    ids=["label-too-long", "label-first"],
)
def test_a_closures_label_follows_its_day_and_is_short(app, client, closures, message):
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    response = _patch(client, admin, {"reason": "Christmas", "closures": closures}, url=DERBY)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"closures": {"0": [message]}}


def test_a_relabelled_closure_moves_nothing_and_spaces_are_tidied(app, client, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    derby.open_case(application(received_on="2026-12-14"))
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    _patch(client, admin, {"reason": "Shut", "closures": ["2026-12-17"]}, url=DERBY)
    relabelled = _patch(
        client, admin, {"reason": "Say why", "closures": ["  2026-12-17   Office   move "]}, url=DERBY
    )
    assert relabelled.get_json()["closures"] == ["2026-12-17 Office move"]
    assert relabelled.get_json()["moved_due_dates"] == []


def test_a_yearly_closure_applies_every_year(app, client, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-14"))
    admin = auth_headers(app, client, role="admin", councils=("derby-city",))
    _patch(client, admin, {"reason": "Every 18 December", "closures": ["12-18"]}, url=DERBY)
    assert _open_due_dates(app, case["id"])["acknowledge"] == date(2026, 12, 22)
    with app.app_context():
        calendar = council_settings.settings_for("derby-city").calendar
        assert not calendar.is_working_day(date(2030, 12, 18))


# --- The seed ---------------------------------------------------------------------------------


def test_import_stores_the_file_as_version_1_and_keeps_the_councils_changes(app, client, admin, runner):
    assert runner.invoke(args=["councils", "import"]).exit_code == 0
    assert client.get(EAST_HERTS, headers=admin).get_json()["version"] == 1
    _patch(client, admin, {"reason": "New number", "contacts": {"phone": "01279 000000"}})
    again = runner.invoke(args=["councils", "import"])
    assert "Settings: unchanged (the database's are kept)" in again.output
    assert client.get(EAST_HERTS, headers=admin).get_json()["contacts"]["phone"] == "01279 000000"
    forced = runner.invoke(args=["councils", "import", "--update"])
    assert "Settings: east-herts v3" in forced.output, forced.output
    body = client.get(EAST_HERTS, headers=admin).get_json()
    assert body["contacts"]["phone"] == "01279 655261" and body["reason"].startswith(
        "Loaded from councils.toml"
    )
