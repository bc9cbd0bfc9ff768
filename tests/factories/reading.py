"""Reading a case as the API returns it, in the shapes the end-to-end tests compare."""

from __future__ import annotations


def deadlines(case):
    """key -> (due_on, done_on, status)."""
    return {d["key"]: (d["due_on"], d["done_on"], d["status"]) for d in case["deadlines"]}


def milestones(case):
    return [(m["key"], m["on"]) for m in case["milestones"]]


BESIDE = ("confirm_reports", "report_action")


def forms(case):
    """The form keys of the open tasks of the case's own path, sorted: the relevant bodies'
    records checks, which run beside it from receipt to the threshold decision, are
    ``records_checks(case)``, and the reports on the plan's actions, which run beside it from the
    outcome (issue 15), are ``action_reports(case)``."""
    return sorted(t["form"] for t in case["open_tasks"] if t["form"] not in BESIDE)


def action_reports(case):
    """The agencies whose report on an action of the plan is open, sorted."""
    return sorted(t["agency"] for t in case["open_tasks"] if t["form"] == "report_action")


def records_checks(case):
    """The agencies whose records checks are open, sorted."""
    return sorted(t["agency"] for t in case["open_tasks"] if t["form"] == "confirm_reports")


def run_timers(runner, now: str) -> str:
    """`ctflow timers --now` and its output."""
    result = runner.invoke(args=["timers", "--now", now])
    assert result.exit_code == 0, result.output
    return result.output


def assert_consistent(runner) -> None:
    """`ctflow check` finds every case's rows in agreement with its workflow."""
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
