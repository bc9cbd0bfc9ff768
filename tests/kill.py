"""Killing real ``ctflow`` processes with SIGKILL mid-work, and what is found afterwards (issue 14).

The two scenarios ``tests/test_kill.py`` asserts on and ``bench/bench_kill.py`` prints, on
PostgreSQL (the production database); the kill points are chosen by watching the processes (an
answered completion, an open write transaction, a letter the SMTP server is holding), not by
sleeping:

- ``kill_serve_mid_stream``: ``ctflow serve --workers 2`` killed (master and workers at once) in
  the middle of a stream of task completions over HTTP, restarted, and the rest completed through
  the restarted server; ``ctflow check`` after the restart and at the end.
- ``kill_workers_mid_sweep``: two ``ctflow worker`` processes killed in the middle of a timer
  sweep, restarted and killed again in the middle of sending the outbox to a real SMTP server,
  then run once after the claims' lease.

Each returns what it saw; the counts a reader wants (applied once, half-applied, fired once,
received once) are properties of the result.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask
from sqlalchemy import select, text

from app.extensions import db
from app.models import CaseTask, Document, HistoryEntry
from app.services import mail
from tests.factories.cases import application
from tests.processes import Ctflow, ctflow_env, run_ctflow
from tests.smtp import SmtpServer, free_port

OPENED = "2026-12-14T09:00:00+00:00"
DUE = "2026-12-22T00:00:01+00:00"  # the acknowledgement and records check, due on 21 December


def history(app: Flask, event: str) -> Counter:
    """(case id, detail) -> how many history entries of ``event``."""
    with app.app_context():
        rows = db.session.execute(
            select(HistoryEntry.case_id, HistoryEntry.detail).where(HistoryEntry.event == event)
        )
        return Counter((case_id, detail) for case_id, detail in rows)


def check(app: Flask) -> tuple[int, str]:
    """``ctflow check`` on the app's database, as an operator runs it: exit status and output."""
    result = run_ctflow(["check"], ctflow_env(app))
    return result.returncode, (result.stdout + result.stderr).strip()


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


def today() -> str:
    return datetime.now(UTC).date().isoformat()


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

    def with_status(self, wanted: int | None) -> list[tuple[int, str, int]]:
        return [
            (case_id, form, task_id) for case_id, form, task_id, status in self.answers if status == wanted
        ]

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
                    self.answers.append((task["case_id"], form, task["id"], status))
                if status != 200:
                    if status is None:
                        self.cut.set()
                    break


@dataclass
class ServeKill:
    """What ``kill_serve_mid_stream`` saw. Completions are (case id, form, task id)."""

    cases: int
    sent: list[tuple[int, str, int]]  # before the kill, whatever the answer
    answered: list[tuple[int, str, int]]  # 200 before the kill
    cut_off: list[tuple[int, str, int]]  # no answer: the kill came first
    task_status: dict[int, str]  # after the restart
    completed: Counter  # (case id, task name) -> "task completed" history entries, after the restart
    names: dict[str, str]  # form -> task name
    restart_seconds: float  # from starting the killed server again to its answering
    check_after_restart: tuple[int, str]
    rest: list[int | None]  # the answers of the completions sent to the restarted server
    steps_done_at_end: Counter  # how many cases had each step completed once, and acknowledged once
    check_at_end: tuple[int, str]

    def _times_applied(self, case_id: int, form: str) -> int:
        return self.completed[(case_id, self.names[form])]

    @property
    def applied_once(self) -> int:
        """Completions answered 200 whose task is completed with one history entry."""
        return sum(
            1
            for case_id, form, task_id in self.answered
            if self.task_status[task_id] == "completed" and self._times_applied(case_id, form) == 1
        )

    @property
    def half_applied(self) -> int:
        """Completions sent before the kill whose task row and history disagree (completed
        without its one entry, or not completed with one)."""
        return sum(
            1
            for case_id, form, task_id in self.sent
            if self._times_applied(case_id, form) != (1 if self.task_status[task_id] == "completed" else 0)
        )

    @property
    def cut_off_applied(self) -> int:
        return sum(1 for *_rest, task_id in self.cut_off if self.task_status[task_id] == "completed")


def kill_serve_mid_stream(app: Flask, council, workdir: Path, cases: int = 12) -> ServeKill:
    """``council`` is a tests.factories.actors.Council whose clock is the real one (the server
    runs in production)."""
    opened = [council.open_case(application(received_on=today())) for _ in range(cases)]
    token = council.as_("officer")["Authorization"].removeprefix("Bearer ")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = ctflow_env(
        app,
        env_name="production",
        CTFLOW_SECRET_KEY=app.config["SECRET_KEY"],
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
    )
    serve = ["serve", "--workers", "2", "--port", str(port)]

    server = Ctflow(serve, env, workdir / "serve-1.log")
    try:
        wait_healthy(base, server)
        stream = Stream(base, token, opened).start()
        deadline = time.monotonic() + 120
        while stream.ok() < cases // 2:  # mid-stream: some answered, clients still sending
            assert time.monotonic() < deadline and any(t.is_alive() for t in stream.threads), stream.answers
            time.sleep(0.005)
        server.kill_group()
        stream.join()
    finally:
        server.stop()

    restarted = time.monotonic()
    server = Ctflow(serve, env, workdir / "serve-2.log")
    try:
        wait_healthy(base, server)
        restart_seconds = time.monotonic() - restarted
        check_after_restart = check(app)
        with app.app_context():
            task_status = dict(db.session.execute(select(CaseTask.id, CaseTask.status)).all())
            names = dict(db.session.execute(select(CaseTask.form_key, CaseTask.name).distinct()).all())
        completed = history(app, "task_completed")
        # Everything still to do goes through the restarted server.
        rest = [council.case(c["id"]) for c in opened]
        rest = [c for c in rest if any(t["form"] in dict(STEPS) for t in c["open_tasks"])]
        again = Stream(base, token, rest).start()
        again.join()
    finally:
        server.stop()
    at_end = history(app, "task_completed")
    done = Counter()
    for case in opened:
        done["each step once"] += [at_end[(case["id"], names[form])] for form, _body in STEPS] == [1, 1]
        milestones = [m["key"] for m in council.case(case["id"])["milestones"]]
        done["acknowledged once"] += milestones.count("acknowledged") == 1
    return ServeKill(
        cases=cases,
        sent=[(c, f, t) for c, f, t, _status in stream.answers],
        answered=stream.with_status(200),
        cut_off=stream.with_status(None),
        task_status=task_status,
        completed=completed,
        names=names,
        restart_seconds=restart_seconds,
        check_after_restart=check_after_restart,
        rest=[status for *_rest, status in again.answers],
        steps_done_at_end=done,
        check_at_end=check(app),
    )


# --- The background worker ---------------------------------------------------------------

WORKER_APP_NAME = "ctflow-kill-test-worker"


def open_cases_with_letters(council, clock, count: int) -> list[dict]:
    """Cases whose acknowledgement (CT1) is waiting to be e-mailed."""
    clock.freeze(OPENED)
    cases = []
    for _ in range(count):
        case = council.open_case(application())
        cases.append(council.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"}))
    return cases


def document_ids(messages) -> list[int]:
    """The document each message carries (its Message-ID names it)."""
    return sorted(int(m["Message-ID"].split("document-")[1].split(".")[0]) for m in messages)


def open_write_transactions(app: Flask) -> int:
    """Worker connections that have written in a transaction not yet committed."""
    with app.app_context(), db.engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = :name AND backend_xid IS NOT NULL"
            ),
            {"name": WORKER_APP_NAME},
        ).scalar_one()


def start_workers(app: Flask, workdir: Path, name: str, now: str, *args: str) -> list[Ctflow]:
    env = ctflow_env(app, CTFLOW_NOW=now)
    env["CTFLOW_DATABASE_URL"] += f"&application_name={WORKER_APP_NAME}"
    return [Ctflow(["worker", *args], env, workdir / f"{name}-{i}.log") for i in range(2)]


def outbox(app: Flask) -> dict[int, tuple[str, int]]:
    """Document id -> (e-mail status, attempts)."""
    with app.app_context():
        rows = db.session.execute(select(Document.id, Document.email_status, Document.email_attempts))
        return {i: (status, attempts) for i, status, attempts in rows}


@dataclass
class WorkersKill:
    """What ``kill_workers_mid_sweep`` saw, after each of its three runs."""

    cases: list[int]
    # 1. Killed mid-sweep.
    fired_before_kill: Counter  # (case id, detail) -> "escalated" entries
    sent_before_kill: int  # messages the SMTP server received meanwhile (none: timers come first)
    check_after_sweep_kill: tuple[int, str]
    # 2. Killed mid-send, the server holding their letters.
    received_before_kill: list[int]  # documents received
    recorded_sent_before_kill: list[int]  # documents recorded sent
    cut_off_sends: int  # letters claimed (one attempt) and not recorded sent
    # 3. Run once after the claims' lease.
    exit_codes: list[int]
    received: Counter  # document id -> times received, over all runs
    letters: dict[int, tuple[str, int]]  # document id -> (status, attempts), at the end
    emailed: Counter  # case id -> "letter emailed" entries
    fired: Counter  # (case id, detail) -> "escalated" entries, at the end
    check_at_end: tuple[int, str]
    outputs: list[str] = field(default_factory=list)  # the last workers' output, for a failure

    @property
    def timers_per_case(self) -> Counter:
        """Case id -> timers fired on it (an "escalated" entry each); one timer is due on each."""
        return Counter(case_id for case_id, _detail in self.fired.elements())

    @property
    def timers_fired_once(self) -> int:
        return sum(1 for case_id in self.cases if self.timers_per_case[case_id] == 1)

    @property
    def letters_received_once(self) -> int:
        return sum(1 for document in self.letters if self.received[document] == 1)

    @property
    def letters_received_twice(self) -> int:
        return sum(1 for count in self.received.values() if count > 1)


def kill_workers_mid_sweep(
    app: Flask, council, clock, smtp_server: SmtpServer, workdir: Path, cases: int = 12
) -> WorkersKill:
    """Cases whose acknowledgement letter is waiting and whose first timers are due at DUE;
    ``smtp_server`` is running and the app's SMTP settings point at it."""
    opened = [c["id"] for c in open_cases_with_letters(council, clock, cases)]

    # 1. Killed in the middle of firing timers: what was being fired is rolled back.
    workers = start_workers(app, workdir, "sweep", DUE, "--interval", "0.2")
    try:
        deadline = time.monotonic() + 120
        while open_write_transactions(app) == 0:
            assert time.monotonic() < deadline, workers[0].output()
            time.sleep(0.005)
    finally:
        for worker in workers:
            worker.kill_group()
    fired_before_kill = history(app, "escalated")
    sent_before_kill = len(smtp_server.messages)
    check_after_sweep_kill = check(app)

    # 2. Restarted, they fire the rest; killed again while the server holds their letters.
    smtp_server.hold(after=3)
    workers = start_workers(app, workdir, "mail", DUE, "--interval", "0.2")
    try:
        smtp_server.wait_held(2, timeout_seconds=120)  # each worker is in the middle of a send
    finally:
        for worker in workers:
            worker.kill_group()
    smtp_server.release(accept=False)  # their connections are gone: not delivered
    received_before_kill = document_ids(smtp_server.messages)
    letters = outbox(app)
    recorded_sent = sorted(i for i, (status, _n) in letters.items() if status == "sent")
    cut_off_sends = sum(1 for status, attempts in letters.values() if (status, attempts) == ("pending", 1))

    # 3. Once the claims' lease has run out, the letters cut off are sent, and nothing else again.
    after_lease = (datetime.fromisoformat(DUE) + mail.LEASE).isoformat()
    workers = start_workers(app, workdir, "once", after_lease, "--once")
    exit_codes = [worker.wait(120) for worker in workers]
    return WorkersKill(
        cases=opened,
        fired_before_kill=fired_before_kill,
        sent_before_kill=sent_before_kill,
        check_after_sweep_kill=check_after_sweep_kill,
        received_before_kill=received_before_kill,
        recorded_sent_before_kill=recorded_sent,
        cut_off_sends=cut_off_sends,
        exit_codes=exit_codes,
        received=Counter(document_ids(smtp_server.messages)),
        letters=outbox(app),
        emailed=Counter(case_id for case_id, _detail in history(app, "letter_emailed").elements()),
        fired=history(app, "escalated"),
        check_at_end=check(app),
        outputs=[worker.output() for worker in workers],
    )
