"""Diagram code runs in a restricted environment: refused at compile time where possible, stopped at run time otherwise."""

from datetime import date

import pytest

from app.domain.calendar import calendar_for
from app.engine import sandbox
from app.engine.functions import diagram_functions

FUNCTIONS = diagram_functions(calendar_for("england"), lambda: date(2026, 11, 23))


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("__import__('os')", "_"),
        ("().__class__.__base__.__subclasses__()", "__class__"),
        ("x.__dict__", "__dict__"),
        ("open('/etc/passwd')", "open"),
        ("eval('1')", "eval"),
        ("exec('x = 1')", "exec"),
        ("getattr(x, 'a')", "getattr"),
        ("2 ** 1000000", "**"),
        ("10000001", "number"),
        ("lambda: 1", "lambda"),
    ],
    ids=["dunder-import", "subclasses-escape", "dunder-attribute", "open", "eval", "exec", "getattr",
         "power", "huge-number", "lambda"],
)  # fmt: skip
def test_dangerous_expressions_are_refused_when_compiled(source, reason):
    problem = sandbox.check_expression(source)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    ("script", "reason"),
    [
        ("import os", "import"),
        ("from os import path", "import"),
        ("while True:\n    pass", "while"),
        ("def f():\n    return 1", "function"),
        ("class A:\n    pass", "class"),
        ("try:\n    x = 1\nexcept Exception:\n    pass", "try"),
    ],
    ids=["import", "import-from", "while", "def", "class", "try"],
)
def test_dangerous_scripts_are_refused_when_compiled(script, reason):
    problem = sandbox.check_script(script)
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    "source",
    ["'{0.__class__}'.format(1)", "'a' * 100000 * 100000", "x['__class__']", "sum(range(100000))"],
    ids=["format-string-escape", "memory-bomb", "dunder-key", "oversized-range"],
)
def test_what_compiles_but_is_dangerous_is_stopped_at_run_time(source):
    with pytest.raises(sandbox.ScriptError):
        sandbox.evaluate(source, {"x": {"__class__": 1}}, FUNCTIONS)


def test_a_script_that_runs_too_long_is_stopped():
    script = "t = 0\nfor i in range(10000):\n    for j in range(10000):\n        t += 1"
    with pytest.raises(sandbox.ScriptError, match="ran for more than"):
        sandbox.execute(script, {}, FUNCTIONS)


def test_data_cannot_shadow_the_calendar_functions():
    assert sandbox.evaluate("add_working_days(received_on, 5)", {"received_on": "2026-12-21",
                                                                 "add_working_days": "oops"}, FUNCTIONS) == "2026-12-30"  # fmt: skip


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("add_working_days(received_on, 5)", "2026-12-30"),
        ("add_days(received_on, 28)", "2027-01-18"),
        ("add_months(received_on, -6)", "2026-06-21"),
        ("today()", "2026-11-23"),
        ("end_of_day('2026-07-01')", "2026-07-01T23:00:00+00:00"),
        ("end_of_day('2026-12-30')", "2026-12-31T00:00:00+00:00"),
        ("working_days_between(received_on, '2026-12-30')", 5),
        ("threshold_met and len(recommendations) > 0", True),
    ],
    ids=["working-days", "days", "months-back", "today", "end-of-day-summer", "end-of-day-winter",
         "between", "condition"],
)  # fmt: skip
def test_the_calendar_functions_work_on_iso_dates(source, expected):
    data = {"received_on": "2026-12-21", "threshold_met": True, "recommendations": [{"action": "x"}]}
    assert sandbox.evaluate(source, data, FUNCTIONS) == expected


def test_a_script_writes_plain_data_back_and_nothing_else():
    data = {"a": 1}
    sandbox.execute("b = a + 1\nitems = [1]\nitems.append(2)\nd = add_days('2026-01-01', 1)", data, FUNCTIONS)
    assert data == {"a": 1, "b": 2, "items": [1, 2], "d": "2026-01-02"}


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("return 5", "'return' is not allowed"),
        ("x = (yield 5)", "'yield' is not allowed"),
        ("break", "'break' is only allowed inside a for loop"),
        ("continue", "'continue' is only allowed inside a for loop"),
        ("x = ", "It is not valid Python: invalid syntax"),
        ("(" * 10_000 + "1" + ")" * 10_000, "too deeply"),
        ("[" * 10_000 + "1" + "]" * 10_000, "too deeply"),
        ("-" * 100_000 + "1", "too deeply"),
        ("1" + " + 1" * 100_000, "too deeply"),
        ("f" + "(1)" * 50_000, "too deeply"),
        ("y" + "[0]" * 50_000, "too deeply"),
    ],
    ids=["return", "yield", "break", "continue", "syntax-error", "nested-parentheses", "nested-lists",
         "nested-unary", "long-sum", "chained-calls", "chained-subscripts"],
)  # fmt: skip
def test_code_python_cannot_compile_is_a_plain_problem_not_an_exception(source, fragment):
    # Issue 13: each of these raised SyntaxError, RecursionError or MemoryError out of the check.
    checks = [sandbox.check_script] + ([sandbox.check_expression] if fragment == "too deeply" else [])
    for check in checks:
        problem = check(source)
        assert problem is not None and fragment in problem, problem
        assert len(problem) < 200 and "SyntaxError" not in problem and "at statement" not in problem
