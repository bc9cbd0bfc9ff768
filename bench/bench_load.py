"""Load: `ctflow serve --workers 2` and `ctflow worker` on PostgreSQL, over real HTTP (issue 14).
Prints figures; asserts nothing.

    .venv/bin/python bench/bench_load.py [--seconds 20] [--clients 1,4,16] [--workers 2] [--port 5077]

At each level of concurrency, for ``--seconds``, every client is an officer of Derby City
working cases of its own: it opens a case, completes its acknowledgement, the council's records
check and the eligibility screening, and reads its inbox between them. Printed per level:
completions per second, the completions' p50, p95 and p99, the inbox reads' p50 and p95, and the
errors (must be 0). After the run, from the database: every completion that answered 200 must
be applied exactly once (its task completed, one "task completed" history entry for it) and no
other completion applied (lost or duplicated updates: must be 0). Then each gunicorn worker's
memory (RSS), and the worker's.

The database is a schema of its own (``ctflow_bench_load``) on the PostgreSQL server the tests
use (CTFLOW_TEST_POSTGRES_DSN, default postgresql://postgres@127.0.0.1:5432/test), dropped at
the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app import create_app  # noqa: E402
from app.domain.bodies import reports_of  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import CaseTask, HistoryEntry, TaskStatus  # noqa: E402
from app.services.councils import sync_council_rows  # noqa: E402
from app.services.processes import load_shipped_diagrams  # noqa: E402
from app.services.users import create_user  # noqa: E402
from tests.factories.cases import application  # noqa: E402

DSN = os.getenv("CTFLOW_TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
SCHEMA = "ctflow_bench_load"
PASSWORD = "bench-load-password"
# The officer's own steps of a new case, in order: the form, and its body.
STEPS = (
    ("acknowledge", {"sent_on": None, "method": "email"}),
    (
        "confirm_reports",
        {
            "reports": [
                {"report": r["report"], "confirmed": True}
                for r in reports_of(application()["incidents"], "council")
            ]
        },
    ),
    ("screen_eligibility", {"eligible": True}),
)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] if ordered else float("nan")
    )


class Client:
    """One HTTP client: a connection per request (gunicorn's sync workers close each one)."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        try:
            connection.request(
                method, path, body=json.dumps(body) if body is not None else None, headers=headers
            )
            response = connection.getresponse()
            payload = response.read()
            return response.status, (json.loads(payload) if payload else {})
        finally:
            connection.close()


@dataclass
class Tally:
    completions: list[float] = field(default_factory=list)
    inbox: list[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    completed: list[tuple[int, int]] = field(default_factory=list)  # (case id, task id) that answered 200
    lock: threading.Lock = field(default_factory=threading.Lock)


def work(client: Client, until: float, tally: Tally) -> None:
    """Cases of its own, each through the officer's steps, reading the inbox between them."""
    today = time.strftime("%Y-%m-%d")
    while time.monotonic() < until:
        status, case = client.call(
            "POST", "/api/v1/councils/derby-city/cases", application(received_on=today)
        )
        if status != 201:
            with tally.lock:
                tally.errors[f"open case {status}"] += 1
            continue
        for form, body in STEPS:
            if time.monotonic() >= until:
                return
            task = next(
                (t for t in case["open_tasks"] if t["form"] == form and t["agency"] in (None, "council")),
                None,
            )
            if task is None:
                with tally.lock:
                    tally.errors[f"no open {form}"] += 1
                break
            body = {k: (today if v is None else v) for k, v in body.items()}
            started = time.perf_counter()
            status, answer = client.call("POST", f"/api/v1/tasks/{task['id']}/complete", body)
            elapsed = time.perf_counter() - started
            with tally.lock:
                if status == 200:
                    tally.completions.append(elapsed)
                    tally.completed.append((case["id"], task["id"]))
                else:
                    tally.errors[
                        f"complete {form} {status}: {answer.get('error', {}).get('message', '')[:80]}"
                    ] += 1
            if status != 200:
                break
            case = answer
            started = time.perf_counter()
            status, _ = client.call("GET", "/api/v1/tasks?scope=mine")
            elapsed = time.perf_counter() - started
            with tally.lock:
                if status == 200:
                    tally.inbox.append(elapsed)
                else:
                    tally.errors[f"inbox {status}"] += 1


def run_level(port: int, tokens: list[str], clients: int, seconds: float) -> Tally:
    tally = Tally()
    until = time.monotonic() + seconds
    threads = [
        threading.Thread(target=work, args=(Client(port, tokens[n]), until, tally), daemon=True)
        for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally


def verify(app, completed: list[tuple[int, int]]) -> tuple[int, int, int]:
    """(not applied, applied more than once, applied without a 200) among the officers' completions."""
    answered = {task_id for _case_id, task_id in completed}
    cases = {case_id for case_id, _task_id in completed}
    with app.app_context():
        rows = db.session.execute(
            select(CaseTask.id, CaseTask.case_id, CaseTask.name, CaseTask.status).where(
                CaseTask.case_id.in_(cases)
            )
        ).all()
        history = Counter(
            (case_id, detail)
            for case_id, detail in db.session.execute(
                select(HistoryEntry.case_id, HistoryEntry.detail).where(
                    HistoryEntry.case_id.in_(cases), HistoryEntry.event == "task_completed"
                )
            )
        )
    completed_rows = {row.id: row for row in rows if row.status == TaskStatus.COMPLETED}
    lost = len(answered - completed_rows.keys())
    unanswered = len(completed_rows.keys() - answered)
    # A task's completion is in the history once; the records checks share a name, so count by name.
    expected = Counter((row.case_id, row.name) for row in completed_rows.values())
    duplicated = sum(max(0, history[key] - count) for key, count in expected.items())
    return lost, duplicated, unanswered


def rss_of(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return sorted(found)


def wait_until_up(port: int, process: subprocess.Popen, log: Path, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"ctflow serve exited ({process.returncode}):\n{log.read_text()}")
        try:
            if Client(port).call("GET", "/api/v1/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"ctflow serve did not answer in {seconds} s:\n{log.read_text()}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20, help="at each level of concurrency")
    parser.add_argument("--clients", default="1,4,16")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--port", type=int, default=5077)
    parser.add_argument("--ctflow", default=str(Path(sys.executable).with_name("ctflow")))
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]

    with psycopg.connect(DSN, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
        conn.execute(f'CREATE SCHEMA "{SCHEMA}"')
    url = "postgresql+psycopg://" + DSN.split("://", 1)[1]
    options = f"-c search_path={SCHEMA}"
    workdir = Path(tempfile.mkdtemp(prefix="ctflow-bench-load-"))
    app = create_app("test", INSTANCE_PATH=str(workdir), SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench-load",
                     SQLALCHEMY_ENGINE_OPTIONS={"connect_args": {"options": options}})  # fmt: skip
    emails = [f"officer{n}@example.org" for n in range(max(levels))]
    with app.app_context():
        upgrade()
        sync_council_rows()
        load_shipped_diagrams()
        for email in emails:
            create_user(
                email=email, password=PASSWORD, councils=["derby-city"], role="community_safety_officer"
            )
        db.session.commit()

    env = {k: v for k, v in os.environ.items() if not k.startswith("CTFLOW_")}
    env.update(
        CTFLOW_ENV="production",
        CTFLOW_DATABASE_URL=f"{DSN}?options={quote(options.replace(' ', ''), safe='')}",
        CTFLOW_SECRET_KEY="bench-load-secret-key",
        CTFLOW_LOG_LEVEL="WARNING",
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
        PYTHONUNBUFFERED="1",
    )
    (workdir / "metrics").mkdir()
    logs = {name: workdir / f"{name}.log" for name in ("serve", "worker")}
    processes = {}
    try:
        for name, command in (
            ("serve", ["serve", "--workers", str(args.workers), "--port", str(args.port)]),
            ("worker", ["worker", "--interval", "2"]),
        ):
            with open(logs[name], "wb") as out:
                processes[name] = subprocess.Popen([args.ctflow, *command], env=env, stdout=out,
                                                   stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        wait_until_up(args.port, processes["serve"], logs["serve"])
        tokens = []
        for email in emails:
            status, issued = Client(args.port).call(
                "POST", "/api/v1/auth/token", {"email": email, "password": PASSWORD}
            )
            assert status == 200, issued
            tokens.append(issued["token"])
        print(
            f"== ctflow serve --workers {args.workers} and ctflow worker, PostgreSQL, {args.seconds:.0f} s per level"
        )
        completed: list[tuple[int, int]] = []
        errors = 0
        for clients in levels:
            tally = run_level(args.port, tokens, clients, args.seconds)
            completed += tally.completed
            errors += sum(tally.errors.values())
            ms = 1000
            print(f"{clients:2d} client(s): {len(tally.completions) / args.seconds:6.1f} completions/s, "
                  f"p50 {percentile(tally.completions, 50) * ms:.1f} ms, p95 {percentile(tally.completions, 95) * ms:.1f} ms, "
                  f"p99 {percentile(tally.completions, 99) * ms:.1f} ms; inbox p50 {percentile(tally.inbox, 50) * ms:.1f} ms, "
                  f"p95 {percentile(tally.inbox, 95) * ms:.1f} ms; errors {sum(tally.errors.values())}")  # fmt: skip
            for what, count in tally.errors.most_common(5):
                print(f"     {count} x {what}")
        lost, duplicated, unanswered = verify(app, completed)
        print(f"{len(completed)} completions answered 200: lost {lost}, duplicated {duplicated}, "
              f"applied without a 200 {unanswered}; errors {errors}")  # fmt: skip
        master = processes["serve"].pid
        workers = children_of(master)
        sizes = ", ".join(f"{rss_of(pid) / 2**20:.0f} MB" for pid in workers)
        print(f"memory (RSS) after the run: gunicorn master {rss_of(master) / 2**20:.0f} MB, "
              f"{len(workers)} worker(s) {sizes}; ctflow worker {rss_of(processes['worker'].pid) / 2**20:.0f} MB")  # fmt: skip
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes.values():
            try:
                process.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        with app.app_context():
            db.engine.dispose()
        with psycopg.connect(DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


if __name__ == "__main__":
    main()
