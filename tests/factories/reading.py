"""Reading a case as the API returns it, in the shapes the end-to-end tests compare."""

from __future__ import annotations


def deadlines(case):
    """key -> (due_on, done_on, status)."""
    return {d["key"]: (d["due_on"], d["done_on"], d["status"]) for d in case["deadlines"]}


def milestones(case):
    return [(m["key"], m["on"]) for m in case["milestones"]]


def forms(case):
    """The form keys of the open tasks, sorted."""
    return sorted(t["form"] for t in case["open_tasks"])


def run_timers(runner, now: str) -> str:
    """`ctflow timers --now` and its output."""
    result = runner.invoke(args=["timers", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output
