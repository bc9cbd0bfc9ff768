"""Kill tests (issue 14): real ``ctflow`` processes on PostgreSQL killed with SIGKILL mid-work.

- ``ctflow serve --workers 2`` killed (master and workers at once) in the middle of a stream of
  task completions over HTTP, then restarted: ``ctflow check`` is clean, every completion that
  answered 200 is applied exactly once, and the ones cut off are applied wholly or not at all.
- Two ``ctflow worker`` processes killed in the middle of a timer sweep, and again in the middle
  of sending the outbox to a real SMTP server, then restarted: every timer fired once and every
  letter was received once.

Each runs once, on PostgreSQL (the production database); the kill points are chosen by watching
the processes (an open write transaction, a letter the SMTP server is holding), not by sleeping.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import UTC, datetime

import psycopg
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import CaseTask, Document, HistoryEntry
from app.services import mail
from tests.conftest import POSTGRES_DSN
from tests.factories.cases import application
from tests.factories.reading import assert_consistent
from tests.processes import Ctflow, ctflow_env
from tests.smtp import free_port, smtp_server_fixture  # noqa: F401  (the smtp_server fixture)
from tests.test_worker import DUE, document_ids, open_cases_with_letters

pytestmark = pytest.mark.parametrize("app", ["postgresql"], indirect=True)


def history(app, event: str) -> Counter:
    """(case id, detail) -> how many history entries of ``event``."""
    with app.app_context():
        rows = db.session.execute(
            select(HistoryEntry.case_id, HistoryEntry.detail).where(HistoryEntry.event == event)
        )
        return Counter((case_id, detail) for case_id, detail in rows)


# --- The web tier ------------------------------------------------------------------------


def call(base: str, path: str, token: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        base + path,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def wait_healthy(base: str, server: Ctflow, timeout_seconds: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_seconds
    while True:
        assert server.process.poll() is None, f"ctflow serve exited:\n{server.output()}"
        assert time.monotonic() < deadline, (
            f"ctflow serve not healthy in {timeout_seconds}s:\n{server.output()}"
        )
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.1)


STEPS = [  # each case's completions, in order: (form, body)
    ("acknowledge", {"method": "post"}),
    ("screen_eligibility", {"eligible": True}),
]


class Stream:
    """Clients completing each case's STEPS over HTTP, one case per client at a time, recording
    every answer: 200, 409, or None when the connection was cut before an answer came."""

    def __init__(self, base: str, token: str, cases: list[dict], clients: int = 3) -> None:
        self.base, self.token = base, token
        self.todo = list(cases)
        self.answers: list[tuple[int, str, int, int | None]] = []  # (case id, form, task id, status)
        self.lock = threading.Lock()
        self.cut = threading.Event()  # set at the first answer that never came
        self.threads = [threading.Thread(target=self.client, daemon=True) for _ in range(clients)]

    def start(self) -> Stream:
        for thread in self.threads:
            thread.start()
        return self

    def join(self) -> None:
        for thread in self.threads:
            thread.join(120)

    def ok(self) -> int:
        return sum(1 for *_rest, status in self.answers if status == 200)

    def client(self) -> None:
        while True:
            with self.lock:
                if not self.todo or self.cut.is_set():
                    return
                case = self.todo.pop(0)
            for form, body in STEPS:
                tasks = [t for t in case["open_tasks"] if t["form"] == form]
                if not tasks:
                    continue  # done before (a stream cut off and resumed)
                (task,) = tasks
                data = {**body, "sent_on": today()} if form == "acknowledge" else body
                try:
                    status, case = call(self.base, f"/api/v1/tasks/{task['id']}/complete", self.token, data)
                except (OSError, urllib.error.URLError):
                    status = None
                with self.lock:
                    self.answers.append((case_id_of(task), form, task["id"], status))
                if status != 200:
                    if status is None:
                        self.cut.set()
                    break


def case_id_of(task: dict) -> int:
    return task["case_id"]


def today() -> str:
    return datetime.now(UTC).date().isoformat()


@pytest.fixture
def real_clock(clock):
    """The server runs in production, on the real clock: so do the cases made here."""
    clock.freeze(datetime.now(UTC).replace(microsecond=0))
    return clock


def test_sigkill_of_serve_workers_mid_stream_loses_and_doubles_nothing(
    app, derby, real_clock, runner, tmp_path
):
    cases = [derby.open_case(application(received_on=today())) for _ in range(12)]
    token = derby.as_("officer")["Authorization"].removeprefix("Bearer ")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = ctflow_env(
        app,
        env_name="production",
        CTFLOW_SECRET_KEY=app.config["SECRET_KEY"],
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
    )
    serve = ["serve", "--workers", "2", "--port", str(port)]

    server = Ctflow(serve, env, tmp_path / "serve-1.log")
    try:
        wait_healthy(base, server)
        stream = Stream(base, token, cases).start()
        deadline = time.monotonic() + 120
        while stream.ok() < 6:  # mid-stream: some answered, clients still sending
            assert time.monotonic() < deadline and any(t.is_alive() for t in stream.threads), stream.answers
            time.sleep(0.005)
        server.kill_group()
        stream.join()
    finally:
        server.stop()
    assert stream.cut.is_set(), "no request was cut off by the kill"
    answered = [
        (case_id, form, task_id) for case_id, form, task_id, status in stream.answers if status == 200
    ]
    cut_off = [
        (case_id, form, task_id) for case_id, form, task_id, status in stream.answers if status is None
    ]

    server = Ctflow(serve, env, tmp_path / "serve-2.log")
    try:
        wait_healthy(base, server)
        assert_consistent(runner)
        with app.app_context():
            status = dict(db.session.execute(select(CaseTask.id, CaseTask.status)).all())
        completed = history(app, "task_completed")
        names = {form: name for form, name in _task_names(app)}
        for case_id, form, task_id in answered:  # applied, once
            assert status[task_id] == "completed"
            assert completed[(case_id, names[form])] == 1
        for case_id, form, task_id in cut_off:  # wholly applied, or not at all
            assert completed[(case_id, names[form])] == (1 if status[task_id] == "completed" else 0)
        # Everything still to do goes through the restarted server, once.
        rest = [derby.case(c["id"]) for c in cases]
        rest = [c for c in rest if any(t["form"] in dict(STEPS) for t in c["open_tasks"])]
        again = Stream(base, token, rest).start()
        again.join()
        assert all(status == 200 for *_rest, status in again.answers), again.answers
    finally:
        server.stop()
    assert_consistent(runner)
    completed = history(app, "task_completed")
    for case in cases:
        assert [completed[(case["id"], names[form])] for form, _body in STEPS] == [1, 1]
        assert [m["key"] for m in derby.case(case["id"])["milestones"]].count("acknowledged") == 1


def _task_names(app):
    with app.app_context():
        return db.session.execute(select(CaseTask.form_key, CaseTask.name).distinct()).all()


# --- The background worker ---------------------------------------------------------------

WORKER_APP_NAME = "ctflow-kill-test-worker"


def open_write_transactions() -> int:
    """Worker connections that have written in a transaction not yet committed."""
    with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
            (WORKER_APP_NAME,),
        ).fetchone()[0]


def start_workers(app, tmp_path, name: str, now: str, *args: str) -> list[Ctflow]:
    env = ctflow_env(app, CTFLOW_NOW=now)
    env["CTFLOW_DATABASE_URL"] += f"&application_name={WORKER_APP_NAME}"
    return [Ctflow(["worker", *args], env, tmp_path / f"{name}-{i}.log") for i in range(2)]


def outbox(app) -> dict[int, tuple[str, int]]:
    with app.app_context():
        rows = db.session.execute(select(Document.id, Document.email_status, Document.email_attempts))
        return {i: (status, attempts) for i, status, attempts in rows}


def test_sigkill_of_workers_mid_sweep_fires_every_timer_and_sends_every_letter_once(
    app, derby, clock, runner, smtp_server, tmp_path
):
    cases = open_cases_with_letters(derby, clock, 12)
    assert len(outbox(app)) == 12

    # 1. Killed in the middle of firing timers: what was being fired is rolled back.
    workers = start_workers(app, tmp_path, "sweep", DUE, "--interval", "0.2")
    try:
        deadline = time.monotonic() + 120
        while open_write_transactions() == 0:
            assert time.monotonic() < deadline, workers[0].output()
            time.sleep(0.005)
    finally:
        for worker in workers:
            worker.kill_group()
    escalated = history(app, "escalated")
    assert sum(escalated.values()) < len(cases), "the sweep was over before the kill"
    assert set(escalated.values()) <= {1}
    assert smtp_server.messages == []
    assert_consistent(runner)

    # 2. Restarted, they fire the rest; killed again while the server holds their letters.
    smtp_server.hold(after=3)
    workers = start_workers(app, tmp_path, "mail", DUE, "--interval", "0.2")
    try:
        smtp_server.wait_held(2, timeout_seconds=120)  # each worker is in the middle of a send
    finally:
        for worker in workers:
            worker.kill_group()
    smtp_server.release(accept=False)  # their connections are gone: not delivered
    received = document_ids(smtp_server.messages)
    letters = outbox(app)
    assert sorted(i for i, (status, _n) in letters.items() if status == "sent") == received
    assert sum(1 for status, attempts in letters.values() if (status, attempts) == ("pending", 1)) == 2

    # 3. Once the claims' lease has run out, the two letters cut off are sent, and nothing else again.
    after_lease = (datetime.fromisoformat(DUE) + mail.LEASE).isoformat()
    workers = start_workers(app, tmp_path, "once", after_lease, "--once")
    assert [worker.wait(120) for worker in workers] == [0, 0], [w.output() for w in workers]

    assert Counter(document_ids(smtp_server.messages)) == Counter(outbox(app).keys())  # each once
    assert {status for status, _n in outbox(app).values()} == {"sent"}
    assert Counter(case_id for case_id, _detail in history(app, "letter_emailed").elements()) == Counter(
        c["id"] for c in cases
    )
    escalated = history(app, "escalated")
    assert sorted(case_id for case_id, _detail in escalated.elements()) == sorted(c["id"] for c in cases)
    assert set(escalated.values()) == {1}
    assert_consistent(runner)
