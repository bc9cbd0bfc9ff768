"""``ctflow retention`` (issue 17): closed cases past their council's retention period (Derby
City: 6 years, the seed's) are anonymised, and only they; the statutory figures and the
dashboard give the same numbers before and after; running it again changes nothing; the
worker runs it once a day however many workers run."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Case, CaseTask, Document, HistoryEntry, ScheduledJob, StatusLink
from tests.factories.actors import Council
from tests.factories.cases import application
from tests.factories.closed_cases import PERSONAL, personal_application, walk_to_closed
from tests.factories.reading import assert_consistent


@pytest.fixture
def derby(app, client, processes, monkeypatch):
    """Derby City's people, with tokens that outlive the retention period (the tests run years on)."""
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 10 * 365 * 86400)
    return Council(app, client, "derby-city")


@pytest.fixture
def mixed(derby, at):
    """Three cases of Derby City: closed on 21 December 2026, closed on 21 June 2027, still open."""
    old = walk_to_closed(derby, at, "2026-12")
    recent = walk_to_closed(derby, at, "2027-06")
    at("2027-06-22T09:00:00+00:00")
    still_open = derby.open_case(personal_application("2027-06-22"))
    return {"old": old["id"], "recent": recent["id"], "open": still_open["id"]}


def retention(runner, now: str) -> str:
    result = runner.invoke(args=["retention", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def publish(app, years=(2026, 2027)) -> None:
    from app.services import published_figures
    from app.store.users import get_user_by_email

    with app.app_context():
        for year in years:
            published_figures.publish(get_user_by_email("manager.derby-city@example.org"), "derby-city", year)


def figures(client, derby) -> dict:
    """Every number the statutory figures (as reported and as published) and the dashboard give
    for Derby City over the cases' years."""
    manager = derby.as_("manager")
    numbers = {}
    for year in (2026, 2027):
        numbers[f"annual {year}"] = client.get(
            f"/api/v1/reports/annual?year={year}&council=derby-city", headers=manager
        ).get_json()
        published = client.get(f"/figures/derby-city.csv?year={year}")
        assert published.mimetype == "text/csv"
        numbers[f"published {year}"] = published.get_data(as_text=True)
    dashboard = client.get(
        "/api/v1/reports/dashboard?council=derby-city&from=2026-11-01&to=2027-12-31", headers=manager
    )
    assert dashboard.status_code == 200, dashboard.get_json()
    numbers["dashboard"] = dashboard.get_json()
    return numbers


def stored(app, case_id: int) -> str:
    """Everything the database holds of a case, as one text: its row (workflow included), tasks,
    history, letters (bodies, snapshots, addresses) and status links."""
    with app.app_context():
        case = db.session.get(Case, case_id)
        rows = [
            {c.name: getattr(case, c.key) for c in Case.__table__.columns},
            *({"data": t.data} for t in db.session.scalars(select(CaseTask).filter_by(case_id=case_id))),
            *(
                {"detail": h.detail}
                for h in db.session.scalars(select(HistoryEntry).filter_by(case_id=case_id))
            ),
            *(
                {"html": d.html, "data": d.data, "to": d.email_to, "error": d.email_last_error}
                for d in db.session.scalars(select(Document).filter_by(case_id=case_id))
            ),
            *({"appeal": [a.grounds, a.reasons]} for a in case.appeals),
        ]
        return json.dumps(rows, default=str)


def test_only_expired_closed_cases_are_anonymised_and_the_figures_stay(app, client, derby, runner, at, mixed):
    assert all(
        text in stored(app, mixed["old"]) for text in ("Alex Victim", "Joint visit to Alex", "DE1 1AA")
    )
    # 21 December 2032 is six years to the day after the old case closed: kept that day still.
    at("2032-12-21T12:00:00+00:00")
    assert "0 case(s) anonymised" in retention(runner, "2032-12-21T12:00:00+00:00")

    at("2032-12-22T12:00:00+00:00")
    publish(app)
    before = {key: derby.case(case_id) for key, case_id in mixed.items()}
    kept = {key: stored(app, case_id) for key, case_id in mixed.items() if key != "old"}
    numbers = figures(client, derby)

    output = retention(runner, "2032-12-22T12:00:00+00:00")
    assert "Retention on 2032-12-22: 1 case(s) anonymised" in output
    assert f"anonymised  {before['old']['reference']} (derby-city: closed more than 6 years ago)" in output

    # The expired case: no personal data left anywhere the database holds it.
    anonymised = stored(app, mixed["old"])
    assert [text for text in PERSONAL if text in anonymised] == []
    after = derby.case(mixed["old"])
    assert after["anonymised_at"] == "2032-12-22T12:00:00+00:00"
    victim = after["application"]["victims"][0]
    assert (victim["name"], victim["email"], victim["vulnerable"]) == ("[removed]", "[removed]", True)
    assert (
        after["application"]["incidents"][0]["occurred_on"]
        == before["old"]["application"]["incidents"][0]["occurred_on"]
    )
    # Dates, deadlines, milestones, the stage and the appeals' results stay as they were.
    for key in (
        "reference",
        "status",
        "stage",
        "received_on",
        "clock_started_on",
        "deadlines",
        "milestones",
        "process",
    ):
        assert after[key] == before["old"][key], key
    assert [(a["kind"], a["received_on"], a["decided_on"], a["upheld"]) for a in after["appeals"]] == [
        (a["kind"], a["received_on"], a["decided_on"], a["upheld"]) for a in before["old"]["appeals"]
    ]
    assert after["appeals"][0]["grounds"] == "[removed]"
    assert [(h["at"], h["event"]) for h in after["history"][:-1]] == [
        (h["at"], h["event"]) for h in before["old"]["history"]
    ]
    assert after["history"][-1]["event"] == "anonymised"
    assert "retention policy (6 years after the case closed)" in after["history"][-1]["detail"]
    plan = client.get(f"/api/v1/cases/{mixed['old']}/actions", headers=derby.as_("officer")).get_json()[
        "items"
    ]
    assert [(a["owner_agency"], a["due_on"], a["status"], a["done_on"], a["description"]) for a in plan] == [
        ("police", "2026-12-30", "done", "2026-12-16", "[removed]")
    ]
    # The other two are untouched, and the figures and the dashboard are the same.
    assert {key: stored(app, case_id) for key, case_id in mixed.items() if key != "old"} == kept
    assert derby.case(mixed["recent"]) == before["recent"]
    assert figures(client, derby) == numbers
    assert_consistent(runner)  # the workflow still loads, and the rows agree with it

    # Idempotent: nothing more to do, nothing changes.
    assert "0 case(s) anonymised" in retention(runner, "2032-12-22T13:00:00+00:00")
    assert stored(app, mixed["old"]) == anonymised
    with app.app_context():
        audit = db.session.scalars(select(AuditEntry).filter_by(action="case.anonymised")).all()
        assert [(a.actor, a.subject, a.details["why"]) for a in audit] == [
            ("retention", before["old"]["reference"], "retention")
        ]


def test_an_anonymised_case_is_found_by_its_reference_only_and_its_links_and_letters_are_gone(
    app, client, derby, runner, at, mixed
):
    officer = derby.as_("officer")
    at("2032-12-22T12:00:00+00:00")
    retention(runner, "2032-12-22T12:00:00+00:00")
    reference = derby.case(mixed["old"])["reference"]
    found = client.get("/api/v1/cases?q=alex", headers=officer).get_json()
    assert sorted(c["id"] for c in found["items"]) == [mixed["recent"], mixed["open"]]
    assert [
        c["id"] for c in client.get(f"/api/v1/cases?q={reference}", headers=officer).get_json()["items"]
    ] == [mixed["old"]]
    with app.app_context():
        links = db.session.scalars(select(StatusLink).filter_by(case_id=mixed["old"])).all()
        assert links and all(link.revoked_at is not None and link.nonce is None for link in links)
    documents = client.get(f"/api/v1/cases/{mixed['old']}/documents", headers=officer).get_json()["items"]
    assert documents
    for listed in documents:
        html = client.get(f"/api/v1/documents/{listed['id']}?format=html", headers=officer).get_data(
            as_text=True
        )
        assert listed["title"] in html and reference in html
        assert "Personal data removed on 22 December 2032 under the council&#39;s retention policy" in html
        pdf = client.get(f"/api/v1/documents/{listed['id']}?format=pdf", headers=officer)
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    # An appeal can no longer reopen it.
    appeal = client.post(f"/api/v1/cases/{mixed['old']}/appeals", json={"received_on": "2032-12-22", "grounds": "x"},
                         headers=officer)  # fmt: skip
    assert appeal.status_code == 409
    assert (
        "was anonymised on 22 December 2032; it cannot be reopened" in appeal.get_json()["error"]["message"]
    )


def test_old_drafts_of_applications_are_deleted(app, client, runner, at):
    from app.services import drafts

    with app.app_context():
        drafts.save_draft(None, "derby-city", {"victims": [{"name": "Alex Victim"}]})
    output = retention(runner, "2026-12-01T12:00:00+00:00")
    assert "1 old draft application(s) deleted" in output


def test_the_worker_runs_it_once_a_day_whatever_the_number_of_workers(app, derby, at):
    from app import clock
    from app.services.scheduled_jobs import claim_daily
    from app.services.worker import run_pass

    walk_to_closed(derby, at, "2026-12")
    at("2032-12-22T00:05:00+00:00")
    with app.app_context():
        # Another worker holds today's claim: this one leaves the job to it.
        assert claim_daily("retention", clock.today(), clock.now(), "other:1")
        assert run_pass().retention is None
    at("2032-12-22T01:06:00+00:00")  # the other worker died: its hour's lease has run out
    with app.app_context():
        report = run_pass()
        assert report.retention is not None and len(report.retention.anonymised) == 1
        assert "retention: 1 case(s) anonymised after their retention period" in report.summary()
        assert run_pass().retention is None  # done for today
        job = db.session.get(ScheduledJob, "retention")
        assert (job.done_on.isoformat(), job.claimed_by) == ("2032-12-22", None)
    at("2032-12-23T00:05:00+00:00")
    with app.app_context():
        report = run_pass()
        assert report.retention is not None and report.retention.anonymised == []  # tomorrow's run


def test_two_workers_asking_at_once_get_one_claim(app):
    import threading

    from app import clock
    from app.services.scheduled_jobs import claim_daily

    barrier = threading.Barrier(2)
    won = []

    def worker(name: str) -> None:
        with app.app_context():
            barrier.wait()
            try:
                won.append(claim_daily("retention", clock.today(), clock.now(), name))
            except Exception:  # SQLite's one writer: the loser may be told the database is locked
                won.append(False)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(won) == [False, True]


def test_an_open_case_is_never_anonymised(app, derby, runner, at):
    at("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    assert "0 case(s) anonymised" in retention(runner, "2040-01-01T12:00:00+00:00")
    assert "Alex Victim" in stored(app, case["id"])


def test_ctflow_serve_alone_runs_it_daily_too(app, derby, at):
    """Beside `ctflow serve` in one process (no worker), a loop asks for the day's run."""
    import time

    from app.services.retention import start_background_retention

    case = walk_to_closed(derby, at, "2026-12")
    at("2032-12-22T12:00:00+00:00")
    loop = start_background_retention(app, interval_seconds=0.05)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with app.app_context():
                job = db.session.get(ScheduledJob, "retention")
                done = job is not None and job.done_on is not None
                db.session.remove()
            if done:
                break
            time.sleep(0.05)
    finally:
        loop.stop()
    with app.app_context():
        assert db.session.get(ScheduledJob, "retention").done_on.isoformat() == "2032-12-22"
        assert db.session.get(Case, case["id"]).anonymised_at is not None
