"""Timings of the process owners' studio: ``.venv/bin/python bench/bench_studio.py``.

- check: the whole validation of an uploaded diagram (safe XML, SpiffWorkflow's parse, our
  conventions, the sandbox compile and dry-run of every expression, reachability, loops, the
  statutory deadlines), on a diagram never seen before (a comment makes each copy new, so the
  parse cache never answers);
- preview: one due-date preview on a council's calendar (what the properties panel asks for as
  the process owner types);
- test-run: each built-in scenario run in memory on each shipped diagram.

Figures are milliseconds: the median and the worst of the repeats. A fresh SQLite file holds the
shipped diagrams; nothing else is in the database.
"""

import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402

REPEATS = 15
START = date(2026, 1, 5).toordinal()  # previews for 200 receipt dates from here
COUNCILS = {  # a council running each diagram; the base diagram runs on Derby City's calendar
    "community_trigger": "derby-city",
    "community_trigger_derbyshire": "derby-city",
    "community_trigger_east_herts": "east-herts",
    "community_trigger_kensington_and_chelsea": "kensington-and-chelsea",
}


def timed(action, repeats: int = REPEATS) -> tuple[float, float]:
    timings = []
    for n in range(repeats):
        started = time.perf_counter()
        action(n)
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), max(timings)


def main() -> None:
    from app.services import studio, test_runs
    from app.services.councils import sync_council_rows
    from app.services.process_versions import diagram_problems
    from app.services.processes import load_shipped_diagrams

    workdir = Path(tempfile.mkdtemp(prefix="ctflow-bench-studio-"))
    app = create_app(
        "test", INSTANCE_PATH=str(workdir), SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.sqlite3'}",
        SECRET_KEY="bench", NOW="2026-12-14T09:00:00+00:00",
    )  # fmt: skip
    with app.app_context():
        upgrade()
        sync_council_rows()
        versions = load_shipped_diagrams()

        print(f"{'diagram':<44} {'check median / worst (ms)':>28}")
        for key in COUNCILS:
            xml = (ROOT / "processes" / f"{key}.bpmn").read_bytes()
            assert diagram_problems(key, xml) == []
            median, worst = timed(
                lambda n, xml=xml, key=key: diagram_problems(key, xml + f"<!-- {n} -->".encode())
            )
            print(f"{key:<44} {median:>17.1f} / {worst:.1f}")

        median, worst = timed(
            lambda n: studio.preview_due(
                "derby-city", "add_working_days(received_on, 5)", date.fromordinal(START + n)
            ),
            200,
        )
        print(f"\n{'due-date preview':<44} {median:>17.3f} / {worst:.3f}")

        print(f"\n{'test-run (diagram, scenario)':<60} {'median / worst (ms)':>20}  outcome")
        for key, council in COUNCILS.items():
            for scenario in test_runs.scenarios_for(council):
                run = test_runs.run_scenario(versions[key], council, scenario)  # warm, and its outcome
                median, worst = timed(
                    lambda n, key=key, council=council, scenario=scenario: test_runs.run_scenario(
                        versions[key], council, scenario
                    ),
                    5,
                )
                label = f"{key} {scenario.key}"
                print(f"{label:<60} {median:>9.1f} / {worst:.1f}  {run.outcome}")


if __name__ == "__main__":
    main()
