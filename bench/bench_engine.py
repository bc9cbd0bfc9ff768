"""Engine benchmarks: prints figures, asserts nothing.

    .venv/bin/python bench/bench_engine.py [--cases 100000] [--due 1000] [--backends sqlite,postgresql]
    .venv/bin/python bench/bench_engine.py --only-completion [--completions 100] [--show-sql] [--cpu]

1. A task completion through the API (HTTP, auth, validation, database) against raw
   SpiffWorkflow completing the same task and serializing (goal: ratio <= 1.5x), with the SQL
   statements one completion sends (``--show-sql`` lists them; BEGIN and COMMIT are not among
   them). The two are timed alternately, one by one, so a busy machine slows both alike. On
   PostgreSQL, also the server's own CPU per completion (read from /proc: the part of the wall
   time beyond the client's CPU time that is the server's work rather than waiting).
2. The inbox query, p50/p95, with N open cases (goal: p95 <= 25 ms).
3. The timer sweep with N cases of which D are due (goal: <= 5 s; cost grows with D, not N).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Case, CaseTask  # noqa: E402
from app.services.councils import sync_council_rows  # noqa: E402
from app.services.processes import load_shipped_diagrams  # noqa: E402
from tests.factories.cases import application  # noqa: E402

POSTGRES_DSN = "postgresql://postgres@127.0.0.1:5432/test"
# What the completions are timed by: wall time, or with --cpu this process's CPU time, steadier on a
# busy machine but blind to the database server's share (not small on PostgreSQL).
clock = time.perf_counter
NOW = "2026-12-14T09:00:00+00:00"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# This process's own, so that two benchmarks can run at once on the shared server.
SCHEMA = f"ctflow_bench_{os.getpid()}"


def make_app(backend: str, workdir: Path, schema: str = SCHEMA):
    """The app on a new database: an SQLite file in ``workdir``, or PostgreSQL's ``schema``
    (dropped first; ``drop_schema`` drops it after), with the councils and the shipped diagrams."""
    options: dict = {}
    if backend == "sqlite":
        url = f"sqlite:///{workdir / 'bench.sqlite3'}"
    else:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
            conn.execute(f'CREATE SCHEMA "{schema}"')
        url = "postgresql+psycopg://" + POSTGRES_DSN.split("://", 1)[1]
        options = {"connect_args": {"options": f"-c search_path={schema}"}}
    app = create_app(
        "test", INSTANCE_PATH=str(workdir), SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=options,
        SECRET_KEY="bench", NOW=NOW, TOKEN_TTL_SECONDS=10 * 365 * 86400,
    )  # fmt: skip
    with app.app_context():
        upgrade()
        sync_council_rows()
        load_shipped_diagrams()
    return app


def drop_schema(app, schema: str = SCHEMA) -> None:
    """Close the app's connections and drop the PostgreSQL schema ``make_app`` made (if any)."""
    with app.app_context():
        backend = db.engine.dialect.name
        db.engine.dispose()
    if backend == "postgresql":
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def officer_headers(app, client) -> dict[str, str]:
    from app.services.users import create_user

    with app.app_context():
        create_user(email="bench@example.org", password="bench-password", councils=["derby-city"],
                    role="community_safety_officer")  # fmt: skip
    token = client.post(
        "/api/v1/auth/token", json={"email": "bench@example.org", "password": "bench-password"}
    )
    return {"Authorization": f"Bearer {token.get_json()['token']}"}


class StatementCounter:
    """The SQL statements the app's engine sends while active (an executemany counts once)."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.statements: list[str] = []
        self.active = False
        event.listen(self.engine, "before_cursor_execute", self._seen)

    def _seen(self, conn, cursor, statement, parameters, context, executemany) -> None:
        if self.active:
            self.statements.append(statement)

    @classmethod
    def of(cls, app) -> StatementCounter:
        """One counter per app (listeners stay on the engine)."""
        counter = app.extensions.get("bench_counter")
        if counter is None:
            counter = app.extensions["bench_counter"] = cls(app)
        return counter

    def __enter__(self):
        self.statements, self.active = [], True
        return self

    def __exit__(self, *exc) -> None:
        self.active = False


def fresh_acknowledgements(client, headers, count: int) -> list[int]:
    """The acknowledgement task of ``count`` new Derby City cases."""
    return [
        client.post("/api/v1/councils/derby-city/cases", json=application(), headers=headers).get_json()[
            "open_tasks"
        ][0]["id"]
        for _ in range(count)
    ]


def complete_through_api(client, headers, task_id: int) -> float:
    """Seconds of one POST /tasks/{id}/complete of an acknowledgement."""
    body = {"sent_on": "2026-12-14", "method": "email"}
    started = clock()
    response = client.post(f"/api/v1/tasks/{task_id}/complete", json=body, headers=headers)
    elapsed = clock() - started
    assert response.status_code == 200, response.get_json()
    return elapsed


class ServerCPU:
    """The CPU seconds the PostgreSQL backends serving the app's engine spent, read from /proc (the
    server runs on this machine); the part of a completion's wall time the client's CPU time
    does not show. None elsewhere (SQLite, or a server on another machine)."""

    def __init__(self, app):
        with app.app_context():
            self.engine = db.engine
        self.backends: set[int] = set()
        if self.engine.dialect.name == "postgresql":
            event.listen(self.engine, "checkout", self._seen)

    def _seen(self, dbapi_connection, _record, _proxy) -> None:
        self.backends.add(dbapi_connection.info.backend_pid)

    def seconds(self) -> float | None:
        try:
            ticks = 0
            for pid in self.backends:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            return None
        return ticks / os.sysconf("SC_CLK_TCK") if self.backends else None


def bench_completion(app, client, headers, runs: int) -> tuple[list[float], list[float], float | None]:
    """Seconds per completion of the acknowledgement, each on a fresh case, through the API and
    in raw SpiffWorkflow, alternated one by one so that a busy machine slows both alike; and the
    PostgreSQL server's mean CPU seconds per completion through the API (None on SQLite)."""
    raw_completion = raw_spiff_completion(app)
    server = ServerCPU(app)
    api, raw = [], []
    tasks = fresh_acknowledgements(client, headers, runs)
    server_before = server.seconds()
    for task_id in tasks:
        raw.append(raw_completion())
        api.append(complete_through_api(client, headers, task_id))
    server_after = server.seconds()
    per_completion = None if None in (server_before, server_after) else (server_after - server_before) / runs
    return api, raw, per_completion


def count_completion(app, client, headers, show: bool) -> int:
    """The SQL statements of one POST /tasks/{id}/complete of the acknowledgement, on a fresh case."""
    case = client.post("/api/v1/councils/derby-city/cases", json=application(), headers=headers).get_json()
    body = {"sent_on": "2026-12-14", "method": "email"}
    with StatementCounter.of(app) as counter:
        response = client.post(
            f"/api/v1/tasks/{case['open_tasks'][0]['id']}/complete", json=body, headers=headers
        )
    assert response.status_code == 200, response.get_json()
    if show:
        for n, statement in enumerate(counter.statements, start=1):
            print(f"  {n:2d}. {' '.join(statement.split())[:160]}")
    return len(counter.statements)


def raw_spiff_completion(app):
    """A function timing one deserialize -> complete acknowledge -> do_engine_steps -> serialize,
    with SpiffWorkflow's own serializer (spec embedded), as an application using the library
    plainly would."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))

    from app.engine.runtime import CaseRun
    from app.services.cases import workflow_data
    from app.services.councils import policy_for
    from app.services.processes import parsed
    from app.store.processes import active_version_for

    with app.app_context():
        council = policy_for("derby-city")
        run = CaseRun(parsed(active_version_for("derby-city")), council.calendar,
                      datetime.fromisoformat(NOW), date(2026, 12, 14), {"council": council})  # fmt: skip
        stored = {**application(), "received_on": "2026-12-14"}
        start = serializer.serialize_json(run.start(workflow_data(stored, council)))

    def complete() -> float:
        started = clock()
        workflow = serializer.deserialize_json(start)
        workflow.script_engine = run.engine
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update({"sent_on": "2026-12-14", "method": "email", "notes": ""})
        task.run()
        workflow.do_engine_steps()
        serializer.serialize_json(workflow)
        return clock() - started

    return complete


def fill_cases(app, total: int, due: int) -> None:
    """``total`` open cases spread over the councils, each with one open task; ``due`` of them are
    real Derby City workflows whose escalation timer is due, the rest placeholders not due for weeks."""
    from app.models import CouncilProcess

    with app.app_context():
        client = app.test_client()
        headers = officer_headers(app, client) if not db.session.execute(
            text("SELECT 1 FROM user_account WHERE email='bench@example.org'")).first() else None  # fmt: skip
        if headers is None:
            token = client.post(
                "/api/v1/auth/token", json={"email": "bench@example.org", "password": "bench-password"}
            )
            headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
        template = client.post(
            "/api/v1/councils/derby-city/cases", json=application(), headers=headers
        ).get_json()
        case_row = db.session.get(Case, template["id"])
        task_row = db.session.get(CaseTask, template["open_tasks"][0]["id"])
        councils = [row.council_id for row in db.session.query(CouncilProcess)]
        version_id = case_row.process_version_id
        now = datetime.fromisoformat(NOW)
        cases, tasks = [], []
        first_id = case_row.id + 1
        for n in range(total):
            is_due = n < due
            case_id = first_id + n
            council = "derby-city" if is_due else councils[n % len(councils)]
            cases.append({
                "id": case_id, "council_id": council, "reference": f"BEN-{n:07d}", "process_version_id": version_id,
                "status": "open", "stage": "acknowledgement", "received_on": date(2026, 12, 14) - timedelta(days=n % 90),
                "application": {}, "workflow": case_row.workflow if is_due else "{}", "version": 1,
                "next_timer_at": now - timedelta(hours=1) if is_due else now + timedelta(days=30 + n % 60),
                "created_at": now, "updated_at": now,
            })  # fmt: skip
            tasks.append({
                "case_id": case_id, "council_id": council, "spiff_id": task_row.spiff_id if is_due else f"x{n}",
                "element": "acknowledge", "form_key": "acknowledge", "name": "Acknowledge the application",
                "role": "community_safety_officer", "stage": "acknowledgement", "status": "open",
                "due_on": date(2026, 12, 21) - timedelta(days=n % 120), "created_at": now,
            })  # fmt: skip
        for start in range(0, total, 5000):
            db.session.execute(insert(Case), cases[start : start + 5000])
            db.session.execute(insert(CaseTask), tasks[start : start + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()


def bench_inbox(app, runs: int) -> list[float]:
    client = app.test_client()
    token = client.post(
        "/api/v1/auth/token", json={"email": "bench@example.org", "password": "bench-password"}
    )
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    timings = []
    for n in range(runs):
        query = "/api/v1/tasks" if n % 2 else "/api/v1/tasks?overdue=true&page=3"
        started = time.perf_counter()
        response = client.get(query, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    return timings


def bench_sweep(app) -> tuple[float, int]:
    from app.clock import parse_instant
    from app.services.timers import fire_due_timers

    with app.app_context():
        started = time.perf_counter()
        report = fire_due_timers(parse_instant(NOW))
        return time.perf_counter() - started, len(report.fired)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=200, help="inbox calls")
    parser.add_argument("--completions", type=int, default=100, help="completions timed each way")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--only-completion", action="store_true", help="skip the inbox and the sweep")
    parser.add_argument("--show-sql", action="store_true", help="list the statements of one completion")
    parser.add_argument("--cpu", action="store_true", help="time the completions by this process's CPU time")
    args = parser.parse_args()
    global clock
    clock = time.process_time if args.cpu else time.perf_counter
    ms = 1000
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            app = make_app(backend, Path(workdir))
            client = app.test_client()
            headers = officer_headers(app, client)
            print(f"== {backend}")
            api, raw, server = bench_completion(app, client, headers, args.completions)
            statements = count_completion(app, client, headers, args.show_sql)
            print(f"task completion{' (CPU time)' if args.cpu else ''}, median: API {statistics.median(api) * ms:.2f} ms ({statements} SQL statements), "
                  f"raw SpiffWorkflow {statistics.median(raw) * ms:.2f} ms, "
                  f"ratio {statistics.median(api) / statistics.median(raw):.2f}x")  # fmt: skip
            if server is not None:
                print(
                    f"  PostgreSQL's own CPU per completion through the API (its backend's, mean): {server * ms:.2f} ms"
                )
            if args.only_completion:
                drop_schema(app)
                continue
            started = time.perf_counter()
            fill_cases(app, args.cases, args.due)
            print(
                f"filled {args.cases} open cases ({args.due} with a timer due) in {time.perf_counter() - started:.1f} s"
            )
            inbox = bench_inbox(app, args.runs)
            print(f"inbox GET /api/v1/tasks ({args.runs} calls): p50 {percentile(inbox, 50) * ms:.2f} ms, "
                  f"p95 {percentile(inbox, 95) * ms:.2f} ms")  # fmt: skip
            seconds, fired = bench_sweep(app)
            print(f"timer sweep: {fired} cases fired of {args.cases} open in {seconds:.2f} s "
                  f"({seconds / max(fired, 1) * ms:.2f} ms per fired case)")  # fmt: skip
            drop_schema(app)
    _ = UTC


if __name__ == "__main__":
    main()
