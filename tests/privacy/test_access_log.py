"""The access log (issue 17): every view of a case's personal data, by staff and partners, on
pages and through the API, is recorded with who, when and the route's rule; writing it adds no
commit to a request; its managers and data protection staff read it; it is pruned."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import IntegrityError

from app.clock import parse_instant
from app.extensions import db
from app.models import CaseAccess, Council
from app.services import access_log
from tests.factories.cases import application
from tests.factories.users import create_user, token_for
from tests.factories.web import csrf_token, signed_in

OFFICER = "officer.derby-city@example.org"
MANAGER = "manager.derby-city@example.org"
POLICE = "police.derby-city@example.org"
DPO = "dpo.derby-city@example.org"


@pytest.fixture
def case(derby, clock):
    """A case with a letter (the acknowledgement) whose information the police are asked for."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-10"))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    return derby.complete(case, "request_information", {"agencies": ["police"]})


@pytest.fixture
def dpo(app, client):
    create_user(app, role="data_protection", email=DPO)
    return {"Authorization": f"Bearer {token_for(client, DPO)}"}


def _written(app, case_id: int) -> list[tuple[str, str, str]]:
    """The entries written to the database, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(CaseAccess.actor, CaseAccess.route, CaseAccess.target)
            .where(CaseAccess.case_id == case_id)
            .order_by(CaseAccess.id)
        )
        return [tuple(r) for r in rows]


def _logged(app, case_id: int) -> list[tuple[str, str, str]]:
    """What the log holds once this process's pending entries are written."""
    with app.app_context():
        access_log.write_pending()
    return _written(app, case_id)


def _task(derby, case, who: str) -> dict:
    """An open task of the case that ``who``'s role works."""
    tasks = derby.client.get("/api/v1/tasks?scope=all", headers=derby.as_(who)).get_json()["items"]
    partner = who == "police"
    return next(t for t in tasks if t["case_id"] == case["id"] and (t["role"] == "partner_agency") == partner)


def _letter(derby, case) -> dict:
    documents = derby.client.get(f"/api/v1/cases/{case['id']}/documents", headers=derby.as_("officer"))
    return documents.get_json()["items"][0]


def test_api_views_of_the_case_its_tasks_and_letters_are_logged_with_the_route_rule(app, derby, case):
    _logged(app, case["id"])  # what opening the case wrote
    before = len(_written(app, case["id"]))
    client, officer, police = derby.client, derby.as_("officer"), derby.as_("police")
    assert client.get(f"/api/v1/cases/{case['id']}", headers=officer).status_code == 200
    task = _task(derby, case, "police")
    assert client.get(f"/api/v1/tasks/{task['id']}", headers=police).status_code == 200
    letter = _letter(derby, case)
    assert client.get(f"/api/v1/documents/{letter['id']}?format=pdf", headers=officer).status_code == 200
    assert client.get(f"/api/v1/cases/{case['id']}", headers=police).status_code == 200  # a partner's view
    assert client.get(f"/api/v1/cases/{case['id']}/actions", headers=police).status_code == 200

    assert _logged(app, case["id"])[before:] == [
        (OFFICER, "GET /api/v1/cases/<int:case_id>", ""),
        (POLICE, "GET /api/v1/tasks/<int:task_id>", f"task {task['id']}"),
        (OFFICER, "GET /api/v1/documents/<int:document_id>", f"document {letter['id']}"),
        (POLICE, "GET /api/v1/cases/<int:case_id>", ""),
        (POLICE, "GET /api/v1/cases/<int:case_id>/actions", "action plan"),
    ]


def test_page_views_of_the_case_its_tasks_and_letters_are_logged_partners_too(app, derby, case):
    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    officer, police = signed_in(app, OFFICER), signed_in(app, POLICE)
    letter = _letter(derby, case)
    officers_task = _task(derby, case, "officer")
    polices_task = _task(derby, case, "police")
    for browser, path in (
        (officer, "/cases"),  # the list names each case's victims
        (officer, f"/cases/{case['id']}"),
        (officer, f"/tasks/{officers_task['id']}"),
        (officer, f"/documents/{letter['id']}"),
        (officer, f"/documents/{letter['id']}.pdf"),
        (police, f"/cases/{case['id']}"),
        (police, f"/tasks/{polices_task['id']}"),
    ):
        assert browser.get(path).status_code == 200, path

    assert _logged(app, case["id"])[before:] == [
        (OFFICER, "GET /cases", "case list"),
        (OFFICER, "GET /cases/<int:case_id>", ""),
        (OFFICER, "GET /tasks/<int:task_id>", f"task {officers_task['id']}"),
        (OFFICER, "GET /documents/<int:document_id>", f"document {letter['id']}"),
        (OFFICER, "GET /documents/<int:document_id>.pdf", f"document {letter['id']}"),
        (POLICE, "GET /cases/<int:case_id>", ""),
        (POLICE, "GET /tasks/<int:task_id>", f"task {polices_task['id']}"),
    ]


def test_the_data_protection_pages_of_a_case_are_logged(app, derby, case, dpo):
    """The anonymise and restriction pages show the case (the restriction page a person's
    details), so they are in its log as the case page is, each request once."""
    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    browser = signed_in(app, DPO)
    anonymise, restriction = f"/cases/{case['id']}/anonymise", f"/cases/{case['id']}/restriction/victim-1"
    assert browser.get(anonymise).status_code == 200
    assert browser.get(restriction).status_code == 200
    done = browser.post(
        restriction, data={"reason": "Her request", "csrf_token": csrf_token(browser, restriction)}
    )
    assert done.status_code == 302
    assert browser.get(f"/cases/{case['id']}/restriction/victim-9").status_code == 404  # no one seen

    assert _logged(app, case["id"])[before:] == [
        (DPO, "GET /cases/<int:case_id>/anonymise", ""),
        (DPO, "GET /cases/<int:case_id>/restriction/<person>", "person victim-1"),
        (DPO, "GET /cases/<int:case_id>/restriction/<person>", "person victim-1"),  # the form's token
        (DPO, "POST /cases/<int:case_id>/restriction/<person>", "person victim-1"),
    ]


def test_what_is_refused_is_not_logged(app, derby, case):
    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    other = {"Authorization": f"Bearer {token_for(derby.client, create_user(app, councils=('erewash',)))}"}
    assert derby.client.get(f"/api/v1/cases/{case['id']}", headers=other).status_code == 404
    letter = _letter(derby, case)
    assert (
        derby.client.get(f"/api/v1/documents/{letter['id']}", headers=derby.as_("police")).status_code == 404
    )
    assert len(_logged(app, case["id"])) == before


@pytest.fixture
def sql(app):
    """The statements and commits the database sees while the test runs."""
    seen: dict[str, list] = {"statements": [], "commits": []}

    def statement(_conn, _cursor, text, *_args):
        seen["statements"].append(text)

    def commit(_conn):
        seen["commits"].append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", statement)
    event.listen(engine, "commit", commit)
    yield seen
    event.remove(engine, "before_cursor_execute", statement)
    event.remove(engine, "commit", commit)


def test_a_read_adds_no_commit_and_no_insert_its_entry_is_written_with_the_next_commit(app, derby, case, sql):
    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    sql["statements"].clear()
    sql["commits"].clear()
    response = derby.client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("manager"))
    assert response.status_code == 200
    assert sql["commits"] == []
    assert not [s for s in sql["statements"] if "case_access" in s]
    assert len(_written(app, case["id"])) == before  # pending, in this process

    # The next transaction of the process that commits anyway writes it, inside that transaction.
    sql["commits"].clear()
    with app.app_context():
        council = db.session.get(Council, "derby-city")
        council.name = council.name + " "
        db.session.commit()
    assert len(sql["commits"]) == 1
    assert _written(app, case["id"])[before:] == [(MANAGER, "GET /api/v1/cases/<int:case_id>", "")]


def test_entries_of_a_transaction_that_fails_stay_pending(app, derby, case):
    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    derby.client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("manager"))
    with app.app_context():
        db.session.add(Council(id="derby-city", name="A second Derby City"))  # the primary key is taken
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()
        assert len(_written(app, case["id"])) == before
        assert access_log.write_pending() == 1
    assert _written(app, case["id"])[before:] == [(MANAGER, "GET /api/v1/cases/<int:case_id>", "")]


def test_the_writer_thread_writes_what_reads_left_pending(app, derby, case):
    """Off in the tests' app (ACCESS_LOG_WRITER): here a second app on the same database."""
    from app import create_app

    _logged(app, case["id"])
    before = len(_written(app, case["id"]))
    other = create_app(
        "test",
        INSTANCE_PATH=app.instance_path,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SQLALCHEMY_ENGINE_OPTIONS=app.config["SQLALCHEMY_ENGINE_OPTIONS"],
        SECRET_KEY="test-secret-key",
        NOW="2026-12-14T10:00:00+00:00",
        ACCESS_LOG_WRITER=True,
        ACCESS_LOG_FLUSH_SECONDS=0.05,
    )
    client = other.test_client()
    headers = {"Authorization": f"Bearer {token_for(client, MANAGER)}"}

    def written_soon(count: int) -> list:
        deadline = time.monotonic() + 10
        while len(_written(app, case["id"])) < before + count and time.monotonic() < deadline:
            time.sleep(0.02)
        return _written(app, case["id"])[before:]

    assert client.get(f"/api/v1/cases/{case['id']}", headers=headers).status_code == 200
    assert written_soon(1) == [(MANAGER, "GET /api/v1/cases/<int:case_id>", "")]
    # The writer, idle since, wakes for the next entry (and only once it is due).
    assert client.get(f"/api/v1/cases/{case['id']}/actions", headers=headers).status_code == 200
    assert written_soon(2)[1:] == [(MANAGER, "GET /api/v1/cases/<int:case_id>/actions", "action plan")]
    with other.app_context():
        db.engine.dispose()


# Who may read a case's log: its council's managers and data protection staff; 403 for others
# who see the case, 404 for those who do not (another council, a partner not asked).
@pytest.mark.parametrize(
    ("who", "status"),
    [("manager", 200), ("dpo", 200), ("officer", 403), ("chair", 403), ("owner", 403), ("police", 403),
     ("youth", 404), ("other_manager", 404), ("other_dpo", 404), ("nobody", 401)],
)  # fmt: skip
def test_who_reads_a_case_log(app, derby, case, dpo, who, status):
    if who == "dpo":
        headers = dpo
    elif who.startswith("other_"):
        role = {"other_manager": "community_safety_manager", "other_dpo": "data_protection"}[who]
        email = create_user(app, councils=("erewash",), role=role)
        headers = {"Authorization": f"Bearer {token_for(derby.client, email)}"}
    elif who == "nobody":
        headers = {}
    else:
        headers = derby.as_(who)
    response = derby.client.get(f"/api/v1/cases/{case['id']}/access-log", headers=headers)
    assert response.status_code == status, response.get_json()
    if status == 200:
        body = response.get_json()
        assert body["total"] >= 1 and body["page"] == 1 and body["per_page"] == 25
    else:
        assert "error" in response.get_json()
    assert (
        derby.client.get("/api/v1/cases/999999/access-log", headers=derby.as_("manager")).status_code == 404
    )


def test_the_log_newest_first_paginated_with_this_process_pending_entries(app, derby, case, clock):
    _logged(app, case["id"])
    clock.freeze("2026-12-15T09:00:00+00:00")
    derby.client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police"))  # pending
    body = derby.client.get(
        f"/api/v1/cases/{case['id']}/access-log?per_page=1", headers=derby.as_("manager")
    ).get_json()
    assert body["items"] == [
        {"at": "2026-12-15T09:00:00+00:00", "actor": POLICE, "route": "GET /api/v1/cases/<int:case_id>",
         "kind": "view", "target": ""}
    ]  # fmt: skip
    total = body["total"]
    second = derby.client.get(
        f"/api/v1/cases/{case['id']}/access-log?per_page=1&page=2", headers=derby.as_("manager")
    ).get_json()
    assert second["total"] == total and second["items"][0]["at"] < "2026-12-15"
    bad = derby.client.get(f"/api/v1/cases/{case['id']}/access-log?per_page=0", headers=derby.as_("manager"))
    assert bad.status_code == 422 and "per_page" in bad.get_json()["error"]["fields"]


def test_the_log_page_is_linked_from_the_case_page_for_its_readers_only(app, derby, case):
    manager, officer = signed_in(app, MANAGER), signed_in(app, OFFICER)
    derby.client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("police"))
    page = manager.get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f'href="/cases/{case["id"]}/access-log"' in page
    assert "/access-log" not in officer.get(f"/cases/{case['id']}").get_data(as_text=True)
    log = manager.get(f"/cases/{case['id']}/access-log")
    assert log.status_code == 200
    html = log.get_data(as_text=True)
    assert f"Who viewed case {case['reference']}" in html
    assert POLICE in html and "GET /api/v1/cases/&lt;int:case_id&gt;" in html
    assert officer.get(f"/cases/{case['id']}/access-log").status_code == 403
    assert signed_in(app, POLICE).get(f"/cases/{case['id']}/access-log").status_code == 403


def test_entries_past_the_retention_are_pruned_by_the_command_and_the_worker(
    app, derby, case, runner, monkeypatch, clock
):
    from app.services import worker

    _logged(app, case["id"])
    with app.app_context():
        db.session.execute(CaseAccess.__table__.update().values(at=parse_instant("2024-01-01T00:00:00Z")))
        db.session.commit()
    derby.client.get(f"/api/v1/cases/{case['id']}", headers=derby.as_("manager"))
    _logged(app, case["id"])
    monkeypatch.setitem(app.config, "ACCESS_LOG_RETENTION_DAYS", 365)
    result = runner.invoke(args=["access-log", "prune", "--now", "2026-12-14T09:00:00Z"])
    assert result.exit_code == 0, result.output
    assert "from before 2025-12-14T09:00:00+00:00 (365 days)" in result.output
    assert _written(app, case["id"]) == [(MANAGER, "GET /api/v1/cases/<int:case_id>", "")]
    assert "Removed 0 access log entries" in runner.invoke(args=["access-log", "prune"]).output

    # The worker prunes once a day, whichever worker claims the day's run.
    monkeypatch.setitem(app.config, "ACCESS_LOG_RETENTION_DAYS", 1)
    with app.app_context():
        db.session.execute(CaseAccess.__table__.update().values(at=parse_instant("2026-12-01T00:00:00Z")))
        db.session.commit()
        assert worker.run_pass().access_log_pruned == 1
        assert worker.run_pass().access_log_pruned is None  # done today
        clock.freeze("2026-12-15T09:00:00+00:00")
        assert worker.run_pass().access_log_pruned == 0  # the next day's
    assert _written(app, case["id"]) == []


def test_the_retention_setting_comes_from_the_environment():
    from app.config import ConfigError, read_environment

    assert read_environment({"CTFLOW_ACCESS_LOG_RETENTION_DAYS": "365"})["ACCESS_LOG_RETENTION_DAYS"] == 365
    with pytest.raises(ConfigError, match="CTFLOW_ACCESS_LOG_RETENTION_DAYS must be days"):
        read_environment({"CTFLOW_ACCESS_LOG_RETENTION_DAYS": "0"})
