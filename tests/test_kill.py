"""Kill tests (issue 14): real ``ctflow`` processes on PostgreSQL killed with SIGKILL mid-work
(the scenarios are in tests/kill.py, which bench/bench_kill.py prints).

- ``ctflow serve --workers 2`` killed (master and workers at once) in the middle of a stream of
  task completions over HTTP, then restarted: ``ctflow check`` is clean, every completion that
  answered 200 is applied exactly once, and the ones cut off are applied wholly or not at all.
- Two ``ctflow worker`` processes killed in the middle of a timer sweep, and again in the middle
  of sending the outbox to a real SMTP server, then restarted: every timer fired once and every
  letter was received once.

Each runs once, on PostgreSQL (the production database).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.kill import kill_serve_mid_stream, kill_workers_mid_sweep
from tests.smtp import smtp_server_fixture  # noqa: F401  (the smtp_server fixture)

pytestmark = pytest.mark.parametrize("app", ["postgresql"], indirect=True)

CLEAN = 0  # ctflow check's exit status when every case's rows agree with its workflow


@pytest.fixture
def real_clock(clock):
    """The server runs in production, on the real clock: so do the cases made here."""
    clock.freeze(datetime.now(UTC).replace(microsecond=0))
    return clock


def test_sigkill_of_serve_workers_mid_stream_loses_and_doubles_nothing(app, derby, real_clock, tmp_path):
    seen = kill_serve_mid_stream(app, derby, tmp_path, cases=12)

    assert seen.cut_off, "no request was cut off by the kill"
    assert seen.answered and seen.applied_once == len(seen.answered)
    assert seen.half_applied == 0  # each cut off applied wholly or not at all
    assert seen.check_after_restart[0] == CLEAN, seen.check_after_restart[1]
    # Everything still to do went through the restarted server, once.
    assert seen.rest and all(status == 200 for status in seen.rest), seen.rest
    assert seen.check_at_end[0] == CLEAN, seen.check_at_end[1]
    assert seen.steps_done_at_end == {"each step once": 12, "acknowledged once": 12}


def test_sigkill_of_workers_mid_sweep_fires_every_timer_and_sends_every_letter_once(
    app, derby, clock, smtp_server, tmp_path
):
    seen = kill_workers_mid_sweep(app, derby, clock, smtp_server, tmp_path, cases=12)
    assert len(seen.letters) == 12

    # 1. Killed in the middle of firing timers: what was being fired is rolled back.
    assert sum(seen.fired_before_kill.values()) < 12, "the sweep was over before the kill"
    assert set(seen.fired_before_kill.values()) <= {1}
    assert seen.sent_before_kill == 0
    assert seen.check_after_sweep_kill[0] == CLEAN, seen.check_after_sweep_kill[1]

    # 2. Killed mid-send: what the server received is what is recorded sent, and the two letters
    # cut off are claimed (one attempt) and still pending.
    assert seen.recorded_sent_before_kill == seen.received_before_kill
    assert seen.cut_off_sends == 2

    # 3. After the claims' lease, every letter was received once and every timer fired once.
    assert seen.exit_codes == [0, 0], seen.outputs
    assert seen.received == {document: 1 for document in seen.letters}
    assert {status for status, _n in seen.letters.values()} == {"sent"}
    assert seen.emailed == {case_id: 1 for case_id in seen.cases}
    assert seen.timers_fired_once == 12 and set(seen.fired.values()) == {1}
    assert seen.check_at_end[0] == CLEAN, seen.check_at_end[1]
