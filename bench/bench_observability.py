"""What observing the service costs: prints figures, asserts nothing.

    .venv/bin/python bench/bench_observability.py [--cases 100000] [--backends sqlite,postgresql]

1. A request's JSON log line and latency figure: GET /api/v1/health with the line written (to
   /dev/null) and without it, and one latency observation in memory and in multiprocess files.
2. A scrape of GET /metrics (its two GROUP BY queries) with N cases in the database.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_engine import fill_cases, make_app  # noqa: E402

from app.extensions import db  # noqa: E402
from app.observability import logs, metrics  # noqa: E402

US, MS = 1e6, 1e3


def median_seconds(call, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def bench_request_line(app, runs: int) -> None:
    client = app.test_client()
    ours = logging.getLogger("app")
    with open(os.devnull, "w") as devnull:
        handler = logging.StreamHandler(devnull)
        handler.setFormatter(logs.json_formatter())
        handler.addFilter(logs.RequestIdFilter())
        root = logging.getLogger()
        kept, root.handlers = root.handlers, [handler]  # production's one handler, nothing else printing
        try:
            samples: dict[str, list[float]] = {"no line": [], "JSON line": []}
            for _ in range(runs):  # interleaved, so a busy machine slows both alike
                for level, name in ((logging.WARNING, "no line"), (logging.INFO, "JSON line")):
                    ours.setLevel(level)
                    samples[name].append(median_seconds(lambda: client.get("/api/v1/health"), 1))
            timings = {name: statistics.median(values) for name, values in samples.items()}
        finally:
            root.handlers = kept
            ours.setLevel(logging.NOTSET)
    print(
        f"GET /api/v1/health, median of {runs}: {timings['no line'] * MS:.3f} ms without the log line, "
        f"{timings['JSON line'] * MS:.3f} ms with it ({(timings['JSON line'] - timings['no line']) * US:+.0f} µs)"
    )


def bench_observation(runs: int) -> None:
    def observe():
        metrics.record_request("/api/v1/tasks/<int:task_id>/complete", "POST", 200, 0.012)

    in_memory = median_seconds(observe, runs)
    with tempfile.TemporaryDirectory() as directory:
        os.environ[metrics.MULTIPROC_DIR] = directory
        try:
            in_files = median_seconds(observe, runs)
        finally:
            del os.environ[metrics.MULTIPROC_DIR]
    print(
        f"one latency observation: {in_memory * US:.1f} µs in memory, {in_files * US:.1f} µs in multiprocess files"
    )


def bench_scrape(app, runs: int) -> tuple[float, int]:
    client = app.test_client()
    sizes = [len(client.get("/metrics").data) for _ in range(2)]
    return median_seconds(lambda: client.get("/metrics"), runs), sizes[-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=500)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    bench_observation(args.runs * 10)
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as workdir:
            app = make_app(backend, Path(workdir))
            print(f"== {backend}")
            bench_request_line(app, args.runs)
            fill_cases(app, args.cases, due=0)
            seconds, size = bench_scrape(app, 20)
            print(f"GET /metrics with {args.cases} cases, median of 20: {seconds * MS:.1f} ms ({size} bytes)")
            with app.app_context():
                db.engine.dispose()


if __name__ == "__main__":
    main()
