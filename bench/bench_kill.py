"""Kill bench (issue 14): real ctflow processes on PostgreSQL killed with SIGKILL mid-work, and
what is found afterwards. Prints figures; asserts nothing (tests/test_kill.py asserts the same
scenarios, tests/kill.py).

    .venv/bin/python bench/bench_kill.py [--cases 12]

1. ``ctflow serve --workers 2`` killed (master and workers at once) in the middle of a stream of
   task completions over HTTP from three clients, then restarted: the completions sent, the 200s,
   those applied exactly once, those the kill cut off (applied wholly or not at all: half-applied
   must be 0), the time until the restarted server answers, ``ctflow check`` after the restart,
   the rest completed through the restarted server, and ``ctflow check`` at the end.
2. Two ``ctflow worker`` processes killed in the middle of a timer sweep (seen by their open write
   transaction), restarted and killed again in the middle of sending the outbox to a real SMTP
   server (which holds their letters), then run once after the claims' lease: timers fired once,
   letters received once, ``ctflow check`` after each kill.

Each scenario runs on a schema of its own (``ctflow_bench_kill``, dropped at the end) of the
PostgreSQL server the tests use.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg  # noqa: E402
from bench_engine import POSTGRES_DSN, make_app  # noqa: E402

from app.extensions import db  # noqa: E402
from tests.factories.actors import Council  # noqa: E402
from tests.kill import kill_serve_mid_stream, kill_workers_mid_sweep  # noqa: E402
from tests.smtp import SmtpServer  # noqa: E402

SCHEMA = "ctflow_bench_kill"


def check_line(result: tuple[int, str]) -> str:
    code, output = result
    last = output.splitlines()[-1] if output else ""
    return f"exit {code} ({last})"


def bench_serve(workdir: Path, cases: int) -> None:
    app = make_app("postgresql", workdir, SCHEMA)
    app.extensions["ctflow.clock"].freeze(datetime.now(UTC).replace(microsecond=0))  # as the server's
    council = Council(app, app.test_client(), "derby-city")
    seen = kill_serve_mid_stream(app, council, workdir, cases=cases)
    other = len(seen.sent) - len(seen.answered) - len(seen.cut_off)
    print(f"== ctflow serve --workers 2 SIGKILLed (master and workers) mid-stream, {cases} cases, 3 clients")
    print(f"completions sent before the kill: {len(seen.sent)} (200: {len(seen.answered)}, "
          f"cut off by the kill: {len(seen.cut_off)}, other answers: {other})")  # fmt: skip
    print(f"answered 200 and applied exactly once: {seen.applied_once} of {len(seen.answered)}")
    print(f"cut off and applied wholly: {seen.cut_off_applied} of {len(seen.cut_off)}, "
          f"not at all: {len(seen.cut_off) - seen.cut_off_applied}; half-applied: {seen.half_applied}")  # fmt: skip
    print(f"serving again {seen.restart_seconds:.1f} s after the restart")
    print(f"ctflow check after the restart: {check_line(seen.check_after_restart)}")
    ok = sum(1 for status in seen.rest if status == 200)
    print(f"the rest through the restarted server: {ok} of {len(seen.rest)} completions answered 200")
    print(f"at the end: every step completed once on {seen.steps_done_at_end['each step once']} of {cases} "
          f"cases, acknowledged once on {seen.steps_done_at_end['acknowledged once']}; "
          f"ctflow check: {check_line(seen.check_at_end)}")  # fmt: skip
    with app.app_context():
        db.engine.dispose()


def bench_workers(workdir: Path, cases: int) -> None:
    smtp_server = SmtpServer()
    smtp_server.controller.start()
    try:
        app = make_app("postgresql", workdir, SCHEMA)
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp_server.port, SMTP_STARTTLS=False,
                          SMTP_FROM="letters@ctflow.test", SMTP_TIMEOUT_SECONDS=5)  # fmt: skip
        council = Council(app, app.test_client(), "derby-city")
        seen = kill_workers_mid_sweep(
            app, council, app.extensions["ctflow.clock"], smtp_server, workdir, cases
        )
    finally:
        smtp_server.controller.stop()
    per_case = seen.timers_per_case
    print(f"== two ctflow worker SIGKILLed mid-sweep, then mid-send, {cases} cases with a timer due "
          "and a letter to e-mail")  # fmt: skip
    print(f"killed mid-sweep: {sum(seen.fired_before_kill.values())} timers had fired (each once: "
          f"{set(seen.fired_before_kill.values()) <= {1}}), {seen.sent_before_kill} letters sent; "
          f"ctflow check: {check_line(seen.check_after_sweep_kill)}")  # fmt: skip
    print(f"killed mid-send: {len(seen.received_before_kill)} letters received, "
          f"{len(seen.recorded_sent_before_kill)} recorded sent (the same: "
          f"{seen.received_before_kill == seen.recorded_sent_before_kill}), {seen.cut_off_sends} cut off mid-send")  # fmt: skip
    print(f"after the claims' lease (worker --once, exit {seen.exit_codes}): timers fired once on "
          f"{seen.timers_fired_once} of {cases} cases, more than once {sum(1 for c in seen.cases if per_case[c] > 1)}, "
          f"never {sum(1 for c in seen.cases if not per_case[c])}")  # fmt: skip
    print(f"letters received once: {seen.letters_received_once} of {len(seen.letters)}, twice or more "
          f"{seen.letters_received_twice}, never {sum(1 for d in seen.letters if not seen.received[d])}; "
          f"ctflow check: {check_line(seen.check_at_end)}")  # fmt: skip
    with app.app_context():
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=12)
    args = parser.parse_args()
    try:
        with tempfile.TemporaryDirectory() as workdir:
            bench_serve(Path(workdir), args.cases)
        with tempfile.TemporaryDirectory() as workdir:
            bench_workers(Path(workdir), args.cases)
    finally:
        with psycopg.connect(POSTGRES_DSN, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')


if __name__ == "__main__":
    main()
