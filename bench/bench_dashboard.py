"""The managers' dashboard over a large case set: prints figures, asserts nothing.

    .venv/bin/python bench/bench_dashboard.py [--cases 100000] [--runs 20] [--backends sqlite,postgresql]

N cases spread over the councils as bench_engine.py spreads them (a tenth of them Derby City's,
most of them Derbyshire's), received over the year before today, each with an acknowledgement
deadline (met, missed or pending), a received and an acknowledged milestone, an open task with a
due date, and every tenth case an action plan of three actions. Then, p50/p95 of:
1. GET /api/v1/reports/dashboard for Derby City (about N/11 cases) and for Derbyshire (9/11 of N);
2. GET /api/v1/cases with a figure's filter (the cases behind "acknowledgement missed").
Goal: a council's dashboard well under a second with 100k cases in the database.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import Case, CaseTask, CouncilProcess, Deadline, Milestone  # noqa: E402
from app.services.users import create_user  # noqa: E402
from bench.bench_engine import NOW, make_app, percentile  # noqa: E402

SCHEMA = "ctflow_bench_dashboard"  # not bench_engine's, so the two can run at once
TODAY = date(2026, 12, 14)
CHUNK = 5000


def fill(app, total: int) -> None:
    now = datetime.fromisoformat(NOW)
    with app.app_context():
        bindings = list(db.session.scalars(select(CouncilProcess)))
        councils = [(b.council_id, b.version.id) for b in bindings]
        cases, deadlines, milestones, tasks = [], [], [], []
        for n in range(total):
            case_id = n + 1
            council, version = councils[n % len(councils)]
            received = TODAY - timedelta(days=n % 365)
            due = received + timedelta(days=7)
            done = {0: due - timedelta(days=2), 1: due + timedelta(days=3)}.get(n % 3)  # met, missed, not yet
            plan = None
            if n % 10 == 0:
                plan = [
                    {"id": k, "description": "Action", "owner_agency": "police", "status": s, "updates": [],
                     "due_on": (received + timedelta(days=30 * k)).isoformat(), "agreed_with_victim": True,
                     "done_on": (received + timedelta(days=20)).isoformat() if s != "open" else None, "note": ""}
                    for k, s in ((1, "done"), (2, "open"), (3, "closed"))
                ]  # fmt: skip
            cases.append({
                "id": case_id, "council_id": council, "reference": f"DSH-{n:07d}", "process_version_id": version,
                "status": "open" if n % 4 else "closed", "stage": ("closed", "threshold", "review", "monitoring")[n % 4],
                "received_on": received, "application": {}, "workflow": "{}", "version": 1, "action_plan": plan,
                "created_at": now, "updated_at": now,
            })  # fmt: skip
            deadlines.append({"case_id": case_id, "key": "acknowledge", "label": "Acknowledge the application",
                              "due_on": due, "done_on": done})  # fmt: skip
            milestones.append({"case_id": case_id, "council_id": council, "key": "received", "on": received,
                               "at": now, "element": "start"})  # fmt: skip
            if done is not None:
                milestones.append({"case_id": case_id, "council_id": council, "key": "acknowledged", "on": done,
                                   "at": now, "element": "acknowledge"})  # fmt: skip
            tasks.append({
                "case_id": case_id, "council_id": council, "spiff_id": f"x{n}", "element": "t", "form_key": "f",
                "name": "A task", "role": ("community_safety_officer", "partner_agency")[n % 2],
                "agency": "police" if n % 2 else None, "stage": "threshold", "status": "open",
                "due_on": TODAY + timedelta(days=10 - n % 30), "created_at": now,
            })  # fmt: skip
        for model, rows in ((Case, cases), (Deadline, deadlines), (Milestone, milestones), (CaseTask, tasks)):
            for start in range(0, len(rows), CHUNK):
                db.session.execute(insert(model), rows[start : start + CHUNK])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
        create_user(email="manager@example.org", password="bench-password",
                    councils=[c for c, _ in councils], role="community_safety_manager")  # fmt: skip


def timed(client, headers, path: str, runs: int) -> list[float]:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_json()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    ms = 1000
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            app = make_app(backend, Path(workdir), SCHEMA)
            started = time.perf_counter()
            fill(app, args.cases)
            print(f"== {backend}: {args.cases} cases filled in {time.perf_counter() - started:.1f} s")
            client = app.test_client()
            token = client.post(
                "/api/v1/auth/token", json={"email": "manager@example.org", "password": "bench-password"}
            )
            headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
            for what, path in (
                ("dashboard, a council (Derby City)", "/api/v1/reports/dashboard?council=derby-city"),
                ("dashboard, a county (Derbyshire)", "/api/v1/reports/dashboard?county=derbyshire"),
                ("cases behind a figure (acknowledgement missed)",
                 "/api/v1/cases?council=derby-city&figure=deadline_missed&key=acknowledge"),
            ):  # fmt: skip
                timings = timed(client, headers, path, args.runs)
                print(f"{what} ({args.runs} calls): p50 {percentile(timings, 50) * ms:.0f} ms, "
                      f"p95 {percentile(timings, 95) * ms:.0f} ms")  # fmt: skip
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
