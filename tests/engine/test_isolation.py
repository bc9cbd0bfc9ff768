"""Issue 13: brand-new diagram code is checked in a child process the server can always stop."""

import threading
import time

import pytest

from app.engine import isolation


def _hog():
    isolation.note_progress("acknowledge")
    return 10**10**8  # one operation in C, minutes long: nothing in process could interrupt it


def _swallow_memory():
    isolation.note_progress("triage")
    return len(b"x" * (4 * 1024**3))


def test_a_result_and_an_exception_come_back_from_the_child():
    assert isolation.run_isolated(sum, [1, 2, 3]) == 6
    with pytest.raises(TypeError):
        isolation.run_isolated(sum, ["a"])


def test_work_past_the_deadline_is_killed_and_names_the_element():
    started = time.monotonic()
    with pytest.raises(isolation.LimitBreached, match="did not finish within 2 seconds") as caught:
        isolation.run_isolated(_hog, wall_seconds=2)
    assert time.monotonic() - started < 5
    assert caught.value.element == "acknowledge"


def test_work_past_its_processor_time_is_stopped():
    with pytest.raises(isolation.LimitBreached, match="processor time|did not finish"):
        isolation.run_isolated(_hog, cpu_seconds=1, wall_seconds=20)


def test_work_past_its_memory_is_stopped_and_names_the_element():
    with pytest.raises(isolation.LimitBreached, match="MB of memory") as caught:
        isolation.run_isolated(_swallow_memory, memory_bytes=256 * 1024 * 1024)
    assert caught.value.element == "triage"


def test_the_parent_keeps_serving_while_the_child_computes():
    """The child holds its own interpreter lock: another thread of the server runs meanwhile."""
    ticks = []
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.01)

    server = threading.Thread(target=serve)
    server.start()
    try:
        with pytest.raises(isolation.LimitBreached):
            isolation.run_isolated(_hog, wall_seconds=1.5)
    finally:
        stop.set()
        server.join()
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False)]
    assert len(ticks) > 50 and max(gaps) < 0.5
