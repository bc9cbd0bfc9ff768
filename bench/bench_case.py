"""Whole cases through the API: prints figures, asserts nothing (issue 14).

    .venv/bin/python bench/bench_case.py [--walks 5] [--completions 30] [--backends sqlite,postgresql]

1. A Derby City case from application to closed (threshold met, review held, outcome notified,
   the appeal window's timer closes it) through the API, against the same walk in raw
   SpiffWorkflow: the same tasks completed with the data the API stored, at the same instants,
   each step deserializing and serializing the workflow with SpiffWorkflow's own serializer
   (goal: ratio <= 2x).
2. An old case against a fresh one: the outcome notification completed on a case that took four
   months, every escalation timer fired on the way, with 200 history entries and 60 letters,
   against the same completion on a case walked in a day (goal: ratio <= 1.2x).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_engine  # noqa: E402
from bench_engine import StatementCounter, drop_schema, make_app  # noqa: E402
from sqlalchemy import func, insert, select, text  # noqa: E402

from app.clock import LOCAL_TIMEZONE, parse_instant  # noqa: E402
from app.domain.bodies import reports_of  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import (  # noqa: E402
    Appeal,
    Case,
    CaseAgency,
    CaseTask,
    Deadline,
    Document,
    HistoryEntry,
    Milestone,
    TaskStatus,
)
from tests.factories.actors import Council  # noqa: E402
from tests.factories.cases import application  # noqa: E402

OPENED_AT = "2026-12-14T09:00:00+00:00"
CLOSE_AT = "2027-02-20T00:00:01+00:00"  # the end of the appeal window (28 days from 22 January)
RETURN = {"summary": "Two call-outs.", "actions_taken": "Warning issued."}
REVIEW = {
    "panel": [
        {"agency": "police", "name": "PC Lee", "role": "Neighbourhood officer"},
        {"agency": "housing_provider", "name": "J. Smith", "role": "Housing officer"},
        {"agency": "council", "name": "R. Patel", "role": "ASB coordinator"},
    ],
    "chair": {"name": "Dana Chair", "organisation": "Derby CSP", "independent": True},
    "victim_attended": True,
    "findings": "Agencies acted separately.",
    "recommendations": [{"action": "Joint visit", "owner_agency": "police", "due_on": "2027-06-15"}],
}


def records_check(agency: str) -> dict:
    """Every report made to ``agency`` confirmed, as its records check answers them."""
    return {
        "reports": [
            {"report": r["report"], "confirmed": True} for r in reports_of(application()["incidents"], agency)
        ]
    }


def met_path(days: list[str]) -> list[tuple[str, str, str | None, str, dict]]:
    """The met path's completions (instant, form, agency, who, body) on the days given: the
    acknowledgement, the records checks and eligibility; the threshold decision and the request
    for information; the agencies' returns and the victim's contact; the review; the outcome."""
    ack, threshold, returns, review, outcome = days
    return [
        (ack, "acknowledge", None, "officer", {"sent_on": ack[:10], "method": "email"}),
        (ack, "confirm_reports", "council", "officer", records_check("council")),
        (ack, "confirm_reports", "housing_provider", "housing", records_check("housing_provider")),
        (ack, "confirm_reports", "police", "police", records_check("police")),
        (ack, "screen_eligibility", None, "officer", {"eligible": True}),
        (threshold, "threshold_decision", None, "officer", {"threshold_met": True, "reasons": "Three incidents."}),
        (threshold, "request_information", None, "officer", {"agencies": ["police", "housing_provider"]}),
        (returns, "return_information", "police", "police", RETURN),
        (returns, "return_information", "housing_provider", "housing", RETURN),
        (returns, "contact_victim", None, "officer", {"contacted_on": returns[:10], "victim_will_attend": True}),
        (review, "case_review", None, "chair", {**REVIEW, "held_on": review[:10]}),
        (outcome, "notify_outcome", None, "officer", {"notified_on": outcome[:10], "method": "phone_and_letter"}),
    ]  # fmt: skip


# The walk of tests/api/test_case_lifecycle.py: every step in time, nothing overdue, and the
# police reporting the plan's one action done (issue 15: the case is monitored until it is).
IN_TIME = met_path(["2026-12-16T10:00:00+00:00", "2027-01-06T10:00:00+00:00", "2027-01-11T10:00:00+00:00",
                    "2027-01-20T15:00:00+00:00", "2027-01-22T10:00:00+00:00"]) + [
    ("2027-02-12T10:00:00+00:00", "report_action", "police", "police",
     {"done": True, "done_on": "2027-02-12", "note": "Visited."}),
]  # fmt: skip
# All in a day: the fresh case of the old-case comparison.
IN_A_DAY = met_path(["2026-12-14T10:00:00+00:00"] * 4 + ["2026-12-14T16:00:00+00:00"])
# Every step late, every escalation timer fired on the way: the old case, over four months.
LATE = met_path(["2027-01-05T10:00:00+00:00", "2027-02-01T10:00:00+00:00", "2027-03-01T10:00:00+00:00",
                 "2027-04-01T15:00:00+00:00", "2027-04-20T10:00:00+00:00"])  # fmt: skip


class Walker:
    """Drives a case through the API as its people would, knowing each open task from the last
    response a member of staff got (a partner's response holds only its own part)."""

    def __init__(self, app, council: Council):
        self.app, self.council, self.client = app, council, council.client
        self.clock = app.extensions["ctflow.clock"]

    def open_case(self, at: str) -> dict:
        self.clock.freeze(at)
        case = self.council.open_case(application())
        self.tasks = self._open_tasks(case)
        return case

    def complete(self, at: str, form: str, agency: str | None, who: str, body: dict) -> dict:
        self.clock.freeze(at)
        task_id = self.tasks.pop((form, agency))
        response = self.client.post(
            f"/api/v1/tasks/{task_id}/complete", json=body, headers=self.council.as_(who)
        )
        assert response.status_code == 200, (form, response.get_json())
        case = response.get_json()
        if case["audience"] == "staff":
            self.tasks = self._open_tasks(case)
        return case

    def fire_timers(self, at: str) -> int:
        from app.services.timers import fire_due_timers

        self.clock.freeze(at)
        with self.app.app_context():
            return len(fire_due_timers(parse_instant(at)).fired)

    @staticmethod
    def _open_tasks(case: dict) -> dict:
        return {(t["form"], t["agency"]): t["id"] for t in case["open_tasks"]}


def walk_through_api(walker: Walker) -> tuple[float, int]:
    """Seconds of a whole case through the API, application to closed, and the case's id."""
    started = bench_engine.clock()
    case = walker.open_case(OPENED_AT)
    for step in IN_TIME:
        walker.complete(*step)
    walker.fire_timers(CLOSE_AT)
    elapsed = bench_engine.clock() - started
    with walker.app.app_context():
        assert db.session.get(Case, case["id"]).status == "closed"
    return elapsed, case["id"]


def walk_in_raw_spiff(app, case_id: int) -> float:
    """Seconds of the same walk in raw SpiffWorkflow: start the workflow on the application, then
    complete each task the API completed, with the data it stored, at its instant, and fire the
    timers at the end, deserializing and serializing around every step."""
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
    from SpiffWorkflow.util.task import TaskState

    from app.engine import clock as engine_clock
    from app.engine.properties import task_properties
    from app.engine.runtime import CaseRun
    from app.services.cases import workflow_data
    from app.services.councils import policy_for
    from app.services.processes import parsed

    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    with app.app_context():
        case = db.session.get(Case, case_id)
        council, process, reference = (
            policy_for(case.council_id),
            parsed(case.process_version),
            case.reference,
        )
        stored = {**application(), "received_on": case.received_on.isoformat()}
        done = db.session.scalars(
            select(CaseTask)
            .where(CaseTask.case_id == case_id, CaseTask.status == TaskStatus.COMPLETED)
            .order_by(CaseTask.completed_at, CaseTask.id)
        ).all()
        steps = [(t.completed_at, t.element, t.agency, dict(t.data or {})) for t in done]

    def run_at(instant: datetime) -> CaseRun:
        today = instant.astimezone(LOCAL_TIMEZONE).date()
        return CaseRun(
            process, council.calendar, instant, today, {"council": council, "case_reference": reference}
        )

    started = bench_engine.clock()
    opened = parse_instant(OPENED_AT)
    with engine_clock.workflow_time(opened):
        state = serializer.serialize_json(run_at(opened).start(workflow_data(stored, council)))
    for instant, element, agency, data in steps:
        run = run_at(instant)
        workflow = serializer.deserialize_json(state)
        workflow.script_engine = run.engine
        with engine_clock.workflow_time(instant):
            task = next(
                t
                for t in workflow.get_tasks(state=TaskState.READY, manual=True)
                if t.task_spec.bpmn_id == element
                and run._agency_of(t, task_properties(t.task_spec)) == agency
            )
            task.data.update(data)
            task.data[f"{element}_done_on"] = run.today.isoformat()
            task.run()
            workflow.refresh_timers()
            workflow.do_engine_steps()
        state = serializer.serialize_json(workflow)
    closing = parse_instant(CLOSE_AT)
    workflow = serializer.deserialize_json(state)
    workflow.script_engine = run_at(closing).engine
    with engine_clock.workflow_time(closing):
        workflow.refresh_timers()
        workflow.do_engine_steps()
    serializer.serialize_json(workflow)
    elapsed = bench_engine.clock() - started
    assert workflow.is_completed(), "the raw walk did not close the case"
    return elapsed


def bench_whole_case(app, council: Council, walks: int) -> tuple[list[float], list[float]]:
    walker = Walker(app, council)
    api, raw = [], []
    for _ in range(walks):
        seconds, case_id = walk_through_api(walker)
        api.append(seconds)
        raw.append(walk_in_raw_spiff(app, case_id))
    return api, raw


# --- an old case -------------------------------------------------------------------------------


def build_case(walker: Walker, steps, *, fire_timers: bool) -> int:
    """A case walked up to its outcome notification (left open); with ``fire_timers`` the timers
    due are fired before each step, as the worker would have."""
    case = walker.open_case(OPENED_AT)
    for step in steps[:-1]:
        if fire_timers:
            walker.fire_timers(step[0])
        walker.complete(*step)
    if fire_timers:
        walker.fire_timers(steps[-1][0])
    return case["id"]


def age(app, walker: Walker, case_id: int, history: int, letters: int) -> None:
    """Bring the case to ``history`` entries by its manager giving the open task back and forth
    (each a history entry), and to ``letters`` letters by copies of those it has."""
    client, council = walker.client, walker.council
    task_id = outcome_task(app, case_id)
    people = ["officer.derby-city@example.org", "manager.derby-city@example.org"]
    with app.app_context():
        count = db.session.scalar(select(func.count()).where(HistoryEntry.case_id == case_id))
    for n in range(history - count):
        response = client.post(f"/api/v1/tasks/{task_id}/assign", json={"user": people[n % 2]},
                               headers=council.as_("manager"))  # fmt: skip
        assert response.status_code == 200, response.get_json()
    with app.app_context():
        issued = (
            db.session.execute(select(Document.__table__).where(Document.case_id == case_id)).mappings().all()
        )
        copies = [
            {k: v for k, v in issued[n % len(issued)].items() if k != "id"}
            for n in range(letters - len(issued))
        ]
        if copies:
            db.session.execute(insert(Document.__table__), copies)
        db.session.commit()


CLONED = (CaseTask, Deadline, Milestone, HistoryEntry, CaseAgency, Appeal, Document)


def clone(app, case_id: int, copies: int) -> list[int]:
    """``copies`` copies of the case with all its rows (tasks, deadlines, milestones, history,
    agencies, appeals, letters), so the same completion can be timed on many alike."""
    with app.app_context():
        source = db.session.execute(select(Case.__table__).where(Case.id == case_id)).mappings().one()
        children = {
            model: db.session.execute(select(model.__table__).where(model.case_id == case_id))
            .mappings()
            .all()
            for model in CLONED
        }
        first = db.session.scalar(select(func.max(Case.id))) + 1
        ids = []
        for n in range(copies):
            new_id = first + n
            row = {**source, "id": new_id, "reference": f"{source['reference']}-{n}"}
            db.session.execute(insert(Case.__table__), [row])
            for model, rows in children.items():
                fresh = [{**{k: v for k, v in r.items() if k != "id"}, "case_id": new_id} for r in rows]
                if fresh:
                    db.session.execute(insert(model.__table__), fresh)
            ids.append(new_id)
        if db.engine.dialect.name == "postgresql":  # the ids given above are past the sequence
            db.session.execute(
                text("SELECT setval(pg_get_serial_sequence('case_file', 'id'), max(id)) FROM case_file")
            )
        db.session.commit()
        return ids


def outcome_task(app, case_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(CaseTask.id).where(
                CaseTask.case_id == case_id,
                CaseTask.form_key == "notify_outcome",
                CaseTask.status == TaskStatus.OPEN,
            )  # fmt: skip
        )


def bench_old_case(app, council: Council, completions: int) -> dict[str, tuple[list[float], int, int]]:
    """Per kind (fresh, old): the seconds of each outcome notification, its SQL statements, and
    the case's stored workflow size in bytes."""
    walker = Walker(app, council)
    # The old one first, and both cloned before any other timer fires: the sweeps of the old one's
    # months would fire the fresh one's timers too.
    old = build_case(walker, LATE, fire_timers=True)
    age(app, walker, old, history=200, letters=60)
    old_clones = clone(app, old, completions + 1)
    fresh = build_case(walker, IN_A_DAY, fire_timers=False)
    cases = {"fresh": (fresh, IN_A_DAY[-1]), "old": (old, LATE[-1])}
    clones = {"fresh": clone(app, fresh, completions + 1), "old": old_clones}
    counter = StatementCounter.of(app)
    results: dict[str, tuple[list[float], int, int]] = {}
    timings: dict[str, list[float]] = {"fresh": [], "old": []}
    statements = {}
    for n in range(completions + 1):
        for kind, (_case_id, (at, _form, _agency, who, body)) in cases.items():
            case_id = clones[kind][n]
            task_id = outcome_task(app, case_id)
            walker.clock.freeze(at)
            with counter:
                started = bench_engine.clock()
                response = walker.client.post(f"/api/v1/tasks/{task_id}/complete", json=body,
                                              headers=council.as_(who))  # fmt: skip
                elapsed = bench_engine.clock() - started
            assert response.status_code == 200, response.get_json()
            statements[kind] = len(counter.statements)
            if n:  # the first of each kind warms the caches
                timings[kind].append(elapsed)
    with app.app_context():
        for kind, (case_id, _) in cases.items():
            size = len(db.session.scalar(select(Case.workflow).where(Case.id == case_id)).encode())
            history = db.session.scalar(select(func.count()).where(HistoryEntry.case_id == case_id))
            letters = db.session.scalar(select(func.count()).where(Document.case_id == case_id))
            results[kind] = (timings[kind], statements[kind], size)
            print(
                f"  {kind} case: {history} history entries, {letters} letters, workflow {size / 1024:.0f} KB"
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--walks", type=int, default=5, help="whole cases walked each way")
    parser.add_argument(
        "--completions", type=int, default=30, help="outcome notifications timed on each kind"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--cpu", action="store_true", help="time by this process's CPU time (bench_engine.py)"
    )
    args = parser.parse_args()
    bench_engine.clock = time.process_time if args.cpu else time.perf_counter
    ms = 1000
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            app = make_app(backend, Path(workdir))
            app.config["TOKEN_TTL_SECONDS"] = 2 * 365 * 86400  # tokens outlive the cases' months
            council = Council(app, app.test_client(), "derby-city")
            print(f"== {backend}")
            api, raw = bench_whole_case(app, council, args.walks)
            print(f"whole case{' (CPU time)' if args.cpu else ''}, application to closed ({len(IN_TIME)} completions and the closing timer), median: "
                  f"API {statistics.median(api) * ms:.0f} ms, raw SpiffWorkflow {statistics.median(raw) * ms:.0f} ms, "
                  f"ratio {statistics.median(api) / statistics.median(raw):.2f}x")  # fmt: skip
            results = bench_old_case(app, council, args.completions)
            (fresh, fresh_sql, _), (old, old_sql, _) = results["fresh"], results["old"]
            print(f"outcome notification{' (CPU time)' if args.cpu else ''}, median: fresh case {statistics.median(fresh) * ms:.2f} ms ({fresh_sql} SQL "
                  f"statements), old case {statistics.median(old) * ms:.2f} ms ({old_sql} SQL statements), "
                  f"ratio {statistics.median(old) / statistics.median(fresh):.2f}x")  # fmt: skip
            drop_schema(app)


if __name__ == "__main__":
    main()
