"""The diagram sandbox's limits, timed: ``.venv/bin/python bench/bench_sandbox.py``.

1. What the size checks cost: each kind of code the shipped diagrams run (a due date, a
   condition, a script), evaluated many times; and one whole test-run (a case from application
   to close, every task, timer and letter) per shipped diagram, per task completed.
2. What each hostile expression of issue 13 costs now: how long until it is refused.
3. The server stays responsive: the real server (``ctflow serve``, waitress) is started on a
   fresh SQLite file; one thread uploads diagrams whose due date is hostile code while another
   asks ``GET /api/v1/health`` every 20 ms. The health figures, idle and during the uploads,
   are printed side by side.

``CTFLOW_BENCH_ROOT=/path/to/a/checkout`` runs the same measurements against another checkout
(main, say), for a before/after; part 3 then gives each health request up to 60 s.
"""

import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(os.environ.get("CTFLOW_BENCH_ROOT") or Path(__file__).resolve().parent.parent).resolve()
sys.path.insert(0, str(ROOT))

EXPRESSIONS = {
    "due date": "add_working_days(received_on, 5)",
    "timer": "end_of_day(add_working_days(request_information_done_on, 5))",
    "condition": 'applicant_type == "third_party" and consent_given',
    "length": "len(recommendations) > 0",
}
SCRIPT = 'information_return = {"agency": agency, "summary": summary, "actions_taken": actions_taken}'
DATA = {
    "received_on": "2026-11-02",
    "request_information_done_on": "2026-11-09",
    "applicant_type": "third_party",
    "consent_given": True,
    "recommendations": [{"action": "x"}],
    "agency": "police",
    "summary": "Seen twice",
    "actions_taken": "Visited",
}
HOSTILE = {
    "sum of lists of lists": "sum([[0] * 1000 for i in range(2000)], [])",
    "padding to a huge width": "len('%*d' % (width, 1))",
    "f-string padding": "len(f'{1:>{width}}')",
    "bytes repetition": "len(b'x' * width)",
    "text repetition": "len('x' * width)",
    "memory growth": "len([[0] * 99999 for i in range(300)])",
    "huge working-day count": "add_working_days(received_on, 9999999)",
}
# Sized so that the code before issue 13 (CTFLOW_BENCH_ROOT) takes seconds and 200 MB, not the machine.
HOSTILE_DATA = {"received_on": "2026-11-02", "width": 200_000_000}


def per_call_microseconds(action, repeats: int) -> float:
    best = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(repeats):
            action()
        best.append((time.perf_counter() - started) / repeats * 1e6)
    return min(best)


def bench_expressions() -> None:
    from app.domain.calendar import calendar_for
    from app.engine import sandbox
    from app.engine.functions import diagram_functions

    functions = diagram_functions(calendar_for("england"), lambda: date(2026, 11, 23))
    print("1. Evaluating diagram code (microseconds per call, best of 5 x 2,000)")
    for name, source in EXPRESSIONS.items():
        us = per_call_microseconds(lambda s=source: sandbox.evaluate(s, DATA, functions), 2000)
        print(f"   {name:<12} {us:8.1f}   {source}")
    us = per_call_microseconds(lambda: sandbox.execute(SCRIPT, dict(DATA), functions), 2000)
    print(f"   {'script':<12} {us:8.1f}   {SCRIPT}")


def bench_test_runs() -> None:
    from flask_migrate import upgrade

    from app import create_app

    workdir = Path(tempfile.mkdtemp(prefix="ctflow-bench-sandbox-"))
    app = create_app(
        "test", INSTANCE_PATH=str(workdir), SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SECRET_KEY="bench", NOW="2026-12-14T09:00:00+00:00",
    )  # fmt: skip
    with app.app_context():
        upgrade()
        from app.services import test_runs
        from app.services.councils import sync_council_rows
        from app.services.processes import load_shipped_diagrams
        from app.store import processes as process_store

        sync_council_rows()
        load_shipped_diagrams()
        print("\n   A whole case in memory (a built-in test-run), median of 7")
        for key, council in (
            ("community_trigger", "derby-city"),
            ("community_trigger_east_herts", "east-herts"),
        ):
            version = process_store.latest_version(key)
            scenario = test_runs.scenarios_for(council)[0]
            test_runs.run_scenario(version, council, scenario)  # warm the caches
            timings, tasks = [], 0
            for _ in range(7):
                started = time.perf_counter()
                run = test_runs.run_scenario(version, council, scenario)
                timings.append((time.perf_counter() - started) * 1000)
                tasks = sum(1 for s in run.steps if s.kind == "task_completed")
            ms = statistics.median(timings)
            print(
                f"   {key:<30} {ms:7.1f} ms, {tasks} tasks: {ms / max(tasks, 1):5.2f} ms per task completed"
            )


def bench_hostile() -> None:
    from app.domain.calendar import calendar_for
    from app.engine import sandbox
    from app.engine.functions import diagram_functions

    functions = diagram_functions(calendar_for("england"), lambda: date(2026, 11, 23))
    print("\n2. Hostile expressions, in process (seconds until refused)")
    for name, source in HOSTILE.items():
        started = time.perf_counter()
        try:
            sandbox.evaluate(source, HOSTILE_DATA, functions, seconds=0.5)
            outcome = "NOT refused"
        except sandbox.ScriptError as exc:
            outcome = f"refused: {str(exc)[:70]}"
        except MemoryError:
            outcome = "MemoryError"
        print(f"   {name:<24} {time.perf_counter() - started:7.3f} s  {outcome}")


# -- 3. the real server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, *, data: bytes | None = None, headers: dict | None = None, timeout: float = 60):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data else "GET")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:  # noqa: S310 - our own server
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def hostile_diagram(expression: str) -> bytes:
    xml = (ROOT / "processes" / "community_trigger_derbyshire.bpmn").read_text()
    xml, count = re.subn(
        r'(<spiffworkflow:property name="dueOn" value=")add_working_days\(received_on, 5\)(")',
        lambda m: m.group(1) + expression.replace("'", "&apos;") + m.group(2),
        xml,
        count=1,
    )
    assert count == 1, "Derbyshire's first due date has moved"
    return xml.encode()


def percentiles(timings: list[float]) -> str:
    ordered = sorted(timings)
    p95 = ordered[int(len(ordered) * 0.95) - 1] if len(ordered) > 1 else ordered[0]
    return f"n={len(ordered):4d}  median {statistics.median(ordered):7.1f}  p95 {p95:7.1f}  max {ordered[-1]:7.1f} ms"


def bench_server() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ctflow-bench-server-"))
    port = free_port()
    env = {
        **os.environ,
        "CTFLOW_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
    }
    ctflow = [sys.executable, "-c", "from app.cli import main; main()"]
    subprocess.run([*ctflow, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*ctflow, "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    log = (workdir / "server.log").open("w")
    server = subprocess.Popen(
        [*ctflow, "serve", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        for _ in range(200):
            try:
                if request(f"{base}/health", timeout=1)[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        status, body = request(
            f"{base}/auth/token",
            data=json.dumps({"email": "owner.derby-city@example.org", "password": "demo-password"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        token = json.loads(body)["token"]
        print("\n3. GET /api/v1/health on the real server (waitress), every 20 ms")
        idle = health_timings(base, seconds=3)
        print(f"   {'idle':<44}{percentiles(idle)}")
        for name in ("sum of lists of lists", "padding to a huge width", "huge working-day count"):
            uploads: list[tuple[int, float, str]] = []
            stop = threading.Event()
            xml = hostile_diagram(HOSTILE[name].replace("width", "10000000 * 20"))
            uploader = threading.Thread(target=upload_until, args=(base, token, xml, stop, uploads))
            uploader.start()
            during = health_timings(base, seconds=5)
            stop.set()
            uploader.join()
            print(f"   {'while uploading ' + repr(name):<44}{percentiles(during)}")
            codes = sorted({code for code, _, _ in uploads})
            slowest = max(seconds for _, seconds, _ in uploads)
            print(f"      {len(uploads)} uploads answered {codes}, the slowest in {slowest:.2f} s")
            problem = _first_problem(uploads[0][2])
            if problem:
                print(f"      problem given: {problem[:110]}")
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def upload_until(base: str, token: str, xml: bytes, stop: threading.Event, uploads: list) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        code, body = request(
            f"{base}/processes/community_trigger_derbyshire/versions",
            data=xml,
            headers={"Content-Type": "application/xml", "Authorization": f"Bearer {token}"},
            timeout=120,
        )
        uploads.append((code, time.perf_counter() - started, body.decode(errors="replace")))


def _first_problem(body: str) -> str | None:
    try:
        fields = json.loads(body)["error"]["fields"]
    except (ValueError, KeyError, TypeError):
        return None
    element, messages = next(iter(fields.items()))
    return f"{element}: {messages[0]}"


def health_timings(base: str, seconds: float) -> list[float]:
    timings = []
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        status, _ = request(f"{base}/health", timeout=60)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == 200, status
        time.sleep(0.02)
    return timings


def main() -> None:
    print(f"ctflow sandbox benchmark, code from {ROOT}\n")
    bench_expressions()
    bench_test_runs()
    bench_hostile()
    bench_server()


if __name__ == "__main__":
    main()
