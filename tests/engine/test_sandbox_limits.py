"""Issue 13: the sandbox's limits bind whatever diagram code does.

Each hostile expression below is one operation done in C, which the line tracer alone cannot
interrupt (on main it ran to the end, holding the interpreter lock, or exhausted memory). Each
is now refused before it starts, and quickly.
"""

import time
from datetime import date

import pytest

from app.domain.calendar import calendar_for
from app.engine import sandbox
from app.engine.functions import diagram_functions

FUNCTIONS = diagram_functions(calendar_for("england"), lambda: date(2026, 11, 23))
HUGE = 100_000_000  # from case data, as a width or a count: no constant limit applies


def refused(source, *, script=False, match=None, data=None):
    """Assert diagram code is refused with ScriptError, within a fraction of a second."""
    started = time.process_time()
    with pytest.raises(sandbox.ScriptError, match=match) as caught:
        if script:
            sandbox.execute(source, dict(data or {}), FUNCTIONS)
        else:
            sandbox.evaluate(source, dict(data or {}), FUNCTIONS)
    assert time.process_time() - started < 2
    return str(caught.value)


def test_a_sum_of_lists_of_lists_is_refused():
    refused("sum([[0] * 1000 for i in range(1000)], [])", match=r"sum\(\) adds numbers")


def test_a_huge_integer_multiplication_is_refused():
    refused("x = 9999999\nfor i in range(16):\n    x = x * x", script=True, match="bits")


def test_a_huge_integer_shift_is_refused():
    refused("1 << 9999999", match="bits")


def test_rounding_to_a_huge_number_of_digits_is_refused():
    refused("round(1, -1000000)", match="digits")


def test_percent_padding_to_a_width_from_the_arguments_is_refused():
    refused("'%*d' % (width, 1)", data={"width": HUGE}, match="width")


def test_percent_padding_to_a_huge_written_width_is_refused():
    refused("'%100000000d' % 1", match="width")


def test_percent_precision_to_a_huge_number_of_digits_is_refused():
    refused("'%.100000000f' % 1.5", match="precision")


def test_fstring_padding_to_a_huge_width_is_refused():
    refused("f'{1:>100000000}'", match="width")


def test_fstring_padding_to_a_width_from_data_is_refused():
    refused("f'{1:>{width}}'", data={"width": HUGE}, match="width")


def test_bytes_repetition_is_refused():
    refused("b'x' * width", data={"width": HUGE}, match="longer than")


def test_text_repetition_is_refused():
    refused("'x' * width", data={"width": HUGE}, match="longer than")


def test_text_padding_by_a_method_is_refused():
    refused("'x'.ljust(width)", data={"width": HUGE}, match="longer than")


def test_a_replace_that_multiplies_a_text_is_refused():
    refused("('a' * 99999).replace('', 'bbbbbbbbbb')", match="longer than")


def test_methods_that_allocate_without_limit_are_not_available():
    refused("(1).to_bytes(9999999, 'big')", match="not available")


def test_a_text_of_a_list_that_holds_one_text_many_times_is_refused():
    refused("str([name] * 99999)", data={"name": "x" * 50_000}, match="larger than")


def test_comparing_lists_that_share_a_huge_list_is_refused():
    script = "x = [0] * 99999\ny = [x] * 50\nz = [list(x)] * 50\nsame = y == z"
    refused(script, script=True, match="larger than")


def test_hashing_a_tuple_that_doubles_itself_is_refused():
    # On main hashing this walks 2**64 tuples: the server would never answer again.
    refused("t = (1,)\nfor i in range(64):\n    t = (t, t)\nd = {t: 1}", script=True)


def test_memory_growth_by_a_loop_is_refused():
    # On main this made 2,000 texts of 100,000 characters (200 MB) well within its time budget.
    message = refused("acc = []\nfor i in range(2000):\n    acc.append('x' * 99999)", script=True)
    assert "memory" in message


def test_memory_growth_by_a_comprehension_is_refused():
    refused("[[0] * 99999 for i in range(2000)]", match="memory")


def test_assigning_to_a_slice_is_refused_when_compiled():
    assert "slice" in sandbox.check_script("x = []\nx[0:0] = [1, 2]")


@pytest.mark.parametrize(
    ("script", "name"),
    [
        ("r = range(3)", "range"),
        ("b = b'abc'", "bytes"),
        ("s = {1, 2}", "set"),
        ("n = float('nan')", "nan"),
        ("i = float('inf')", "inf"),
        ("items = []\nitems.append(range(3))", "range"),
        ("d = {1: 'a'}", "key"),
        ("t = 'a\\x00b'", "NUL"),
    ],
    ids=["range", "bytes", "set", "nan", "infinity", "range-appended-in-place", "non-text-key", "nul"],
)
def test_a_script_storing_a_value_that_cannot_be_saved_is_refused_and_writes_nothing(script, name):
    data = {"items": [], "kept": 1}
    with pytest.raises(sandbox.ScriptError, match="cannot be saved") as caught:
        sandbox.execute(script, data, FUNCTIONS)
    assert name in str(caught.value)
    assert data == {"items": [], "kept": 1} or script.startswith("items")


@pytest.mark.parametrize(
    "source",
    [
        "add_working_days(received_on, 100000)",
        "add_days(received_on, 100000)",
        "add_days(received_on, -100000)",
        "add_months(received_on, 10000)",
        "working_days_between(received_on, '2426-01-01')",
    ],
    ids=["working-days", "days", "days-back", "months", "between"],
)
def test_calendar_functions_refuse_huge_counts(source):
    refused(source, data={"received_on": "2026-11-02"}, match="at most|apart")


def test_ordinary_diagram_code_still_runs():
    data = {"incidents": [{"on": "2026-01-01"}, {"on": "2026-02-01"}], "name": "Ann", "n": 3}
    script = (
        "dates = sorted([i['on'] for i in incidents])\n"
        "label = f'{name:>5} has {len(dates)} incidents, {n * 2} points, {\"%03d\" % n}'\n"
        "total = sum([1 for d in dates if d >= '2026-01-15'], 0)\n"
        "pairs = list(zip(dates, range(len(dates))))\n"
        "words = ' '.join(name.upper().split())\n"
        "same = (dates == ['2026-01-01', '2026-02-01'])"
    )
    sandbox.execute(script, data, FUNCTIONS)
    assert data["label"] == "  Ann has 2 incidents, 6 points, 003"
    assert (data["total"], data["words"], data["same"]) == (1, "ANN", True)
    assert data["pairs"] == [("2026-01-01", 0), ("2026-02-01", 1)]
