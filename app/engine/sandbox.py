"""The restricted environment for everything a diagram evaluates: conditions, due dates, timer
dates, service-task parameters and script tasks.

Diagrams are untrusted input. Code is compiled with RestrictedPython (no names or attributes
starting with ``_``, guarded attribute and item access), with a stricter policy of our own on
top (no imports, no definitions, no ``while``, no ``**``), then run against plain data and a
short list of safe builtins. Every operator, comparison, f-string, display and method call is
routed through the size checks of app/engine/guards.py, which refuse a costly operation before
it starts and count what a run makes (its memory); a line tracer bounds its processor time.
"""

from __future__ import annotations

import ast
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence

from app.engine import guards
from app.engine.guards import (
    MAX_RANGE,
    MAX_SEQUENCE,
    LimitExceeded,
    ScriptError,
    UnstorableValue,
    storable_problem,
)

RUN_BUDGET_SECONDS = 0.5
MAX_NUMBER = 10_000_000
FILENAME = "<diagram>"

__all__ = ["MAX_RANGE", "MAX_SEQUENCE", "LimitExceeded", "ScriptError", "UnstorableValue", "storable_problem"]


def _call(name: str, node: ast.AST, *args: ast.expr) -> ast.expr:
    call = ast.Call(func=ast.Name(name, ast.Load()), args=list(args), keywords=[])
    return ast.fix_missing_locations(ast.copy_location(call, node))


class _DiagramPolicy(RestrictingNodeTransformer):
    """RestrictedPython's policy plus what diagram code never needs."""

    def _refuse(self, node: ast.AST, what: str) -> None:
        self.error(node, f"{what} is not allowed in diagram code.")

    def visit_Import(self, node):
        self._refuse(node, "import")

    visit_ImportFrom = visit_Import

    def visit_While(self, node):
        self._refuse(node, "A while loop")

    def visit_FunctionDef(self, node):
        self._refuse(node, "Defining a function")

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node):
        self._refuse(node, "lambda")

    def visit_ClassDef(self, node):
        self._refuse(node, "Defining a class")

    def visit_Global(self, node):
        self._refuse(node, "global")

    visit_Nonlocal = visit_Global

    def visit_With(self, node):
        self._refuse(node, "with")

    def visit_Try(self, node):
        self._refuse(node, "try")

    def visit_Raise(self, node):
        self._refuse(node, "raise")

    def visit_BinOp(self, node):
        if isinstance(node.op, ast.Pow):
            self._refuse(node, "The ** operator")
            return node
        node = super().visit_BinOp(node)
        if isinstance(node, ast.BinOp):
            # Every operator is checked before it runs: "x" * n, n * m, "%*d" % (n, 1)...
            symbol = guards.BINARY_SYMBOLS[type(node.op).__name__]
            return _call("_binop_", node, ast.Constant(symbol), node.left, node.right)
        return node

    def visit_Compare(self, node):
        node = super().visit_Compare(node)
        # A comparison walks both sides in C; each operand's size is checked first.
        node.left = _call("_cmp_", node.left, node.left)
        node.comparators = [_call("_cmp_", c, c) for c in node.comparators]
        return node

    def visit_FormattedValue(self, node):
        node = super().visit_FormattedValue(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        value = _call("_format_", node, node.value, ast.Constant(node.conversion), spec)
        return ast.copy_location(ast.FormattedValue(value=value, conversion=-1, format_spec=None), node)

    def _made(self, node, visit):
        node = visit(node)
        if isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            return _call("_new_", node, node)
        return node

    def visit_List(self, node):
        return self._made(node, super().visit_List)

    def visit_Tuple(self, node):
        return self._made(node, super().visit_Tuple)

    def visit_Set(self, node):
        return self._made(node, super().visit_Set)

    def visit_Dict(self, node):
        return self._made(node, super().visit_Dict)

    def visit_ListComp(self, node):
        return self._made(node, super().visit_ListComp)

    def visit_SetComp(self, node):
        return self._made(node, super().visit_SetComp)

    def visit_DictComp(self, node):
        return self._made(node, super().visit_DictComp)

    def visit_Call(self, node):
        if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            self._refuse(node, "Calling with *args or **kwargs")
        return super().visit_Call(node)

    def visit_Subscript(self, node):
        if isinstance(node.ctx, ast.Store) and isinstance(node.slice, ast.Slice):
            # l[0:0] = big inserts without going through a check, as often as a loop runs.
            self._refuse(node, "Assigning to a slice")
        return super().visit_Subscript(node)

    def visit_Constant(self, node):
        if (
            isinstance(node.value, int | float)
            and not isinstance(node.value, bool)
            and abs(node.value) > MAX_NUMBER
        ):
            self._refuse(node, f"A number above {MAX_NUMBER}")
        if isinstance(node.value, str) and len(node.value) > MAX_SEQUENCE:
            self._refuse(node, f"A text longer than {MAX_SEQUENCE} characters")
        return super().visit_Constant(node)

    def visit_Name(self, node):
        if node.id in {"eval", "exec", "open", "compile", "globals", "locals", "vars", "getattr", "setattr"}:
            self._refuse(node, f"{node.id}")
        return super().visit_Name(node)


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    return _compile(source, compile_restricted_eval)


@lru_cache(maxsize=1024)
def compile_script(source: str):
    return _compile(source, compile_restricted_exec)


def _compile(source: str, compiler: Callable):
    if not isinstance(source, str) or not source.strip():
        raise ScriptError("The expression is empty.")
    try:
        result = compiler(source, filename=FILENAME, policy=_DiagramPolicy)
    except SyntaxError as exc:
        # What Python refuses only when compiling (RestrictedPython reports parse errors itself):
        # 'return' or 'yield' outside a function, 'break' or 'continue' outside a loop.
        raise ScriptError(_syntax_problem(exc.msg, exc.lineno)) from None
    except (RecursionError, MemoryError):
        # Python's parser gives up on brackets, operators or calls nested thousands deep (its
        # stack overflows); such code is refused as the diagram's, never a server error.
        raise ScriptError(TOO_DEEP) from None
    if result.errors:
        raise ScriptError(" ".join(_tidy(e) for e in result.errors))
    return result.code


TOO_DEEP = (
    "It nests brackets, operators or calls too deeply for Python to read; "
    "split it into smaller steps (a script can set intermediate variables)."
)
# Python's compile-time refusals, said as what to change.
_COMPILE_REFUSALS = {
    "'return' outside function": "'return' is not allowed: diagram code has no functions; set a variable instead.",
    "'yield' outside function": "'yield' is not allowed: diagram code has no functions; set a variable instead.",
    "'await' outside function": "'await' is not allowed in diagram code.",
    "'break' outside loop": "'break' is only allowed inside a for loop.",
    "'continue' not properly in loop": "'continue' is only allowed inside a for loop.",
}
_RESTRICTED_SYNTAX = re.compile(
    r"^Line (\d+|None): (?:SyntaxError|IndentationError|TabError): (.*?)(?: at statement: .*)?$", re.S
)


def _syntax_problem(message: str, line: int | None) -> str:
    plain = _COMPILE_REFUSALS.get(message)
    if plain is None:
        if "too many nested parentheses" in message:
            return TOO_DEEP
        plain = f"It is not valid Python: {message}"
    return plain if not line or line == 1 else f"{plain} (line {line})"


def _tidy(message: str) -> str:
    # RestrictedPython's "Line 1: SyntaxError: ... at statement: '<the whole source>'".
    match = _RESTRICTED_SYNTAX.match(message)
    if match:
        return _syntax_problem(match[2], None if match[1] == "None" else int(match[1]))
    return message.replace("Line 1: ", "")


def check_expression(source: str) -> str | None:
    """None when the expression compiles under the policy, else the reason."""
    try:
        compile_expression(source)
    except ScriptError as exc:
        return str(exc)
    return None


def check_script(source: str) -> str | None:
    try:
        compile_script(source)
    except ScriptError as exc:
        return str(exc)
    return None


def _guarded_write(obj: Any) -> Any:
    # Item assignment on plain containers is fine; attribute assignment on anything is not.
    if isinstance(obj, dict | list):
        return obj
    raise ScriptError("Only lists and dictionaries may be changed in diagram code.")


GUARDS: dict[str, Any] = {
    **guards.GUARDS,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_iter_unpack_sequence,
    "_write_": _guarded_write,
}
SAFE_BUILTINS = guards.SAFE_BUILTINS


class _Budget:
    """Stops diagram code that runs longer than its budget (checked on every line it runs).

    The budget is processor time of this thread, not wall time, so a busy machine or other
    request threads cannot make well-behaved code fail; only code that itself computes too long
    does. Reading this thread's processor time is a system call (microseconds), so it is only
    read once the cheap wall clock says the budget could have been spent: from then on, the code
    may use the budget once more in processor time of its own."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.wall_deadline = time.perf_counter() + seconds
        self.cpu_deadline: float | None = None

    def __call__(self, frame, event, _arg):
        if frame.f_code.co_filename != FILENAME:
            return None
        if time.perf_counter() > self.wall_deadline:
            now = time.thread_time()
            if self.cpu_deadline is None:
                self.cpu_deadline = now + self.seconds
            elif now > self.cpu_deadline:
                raise LimitExceeded(
                    f"Diagram code ran for more than {self.seconds:g} s of processor time and was stopped."
                )
        return self


def _run(thunk: Callable[[], Any], seconds: float) -> Any:
    previous_trace = sys.gettrace()
    previous_meter = guards.metering(guards.Meter())
    sys.settrace(_Budget(seconds))
    try:
        return thunk()
    except ScriptError:
        raise
    except MemoryError:
        raise LimitExceeded("Diagram code ran out of memory and was stopped.") from None
    except NameError as exc:
        raise ScriptError(_unknown_name(getattr(exc, "name", None) or str(exc))) from exc
    except Exception as exc:  # any failure of diagram code is the diagram's, reported as such
        raise ScriptError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        sys.settrace(previous_trace)
        guards.metering(previous_meter)


_ISO_DURATION = re.compile(r"^P(?:\d+[YMWD])*(?:T(?:\d+[HMS])+)?$")


def _unknown_name(name: str) -> str:
    if _ISO_DURATION.match(name):
        # Camunda and bpmn.io write a timer's duration bare (P5D); here a time is an expression.
        return (
            f"{name} is read as a name here, since a time is an expression: quote it ('{name}'), "
            "or give a date, e.g. end_of_day(add_working_days(received_on, 5))."
        )
    return f"{name!r} is not known: it is neither case data nor a calendar function."


def make_globals(functions: Mapping[str, Callable], data: Mapping[str, Any]) -> dict[str, Any]:
    namespace: dict[str, Any] = {"__builtins__": SAFE_BUILTINS, **GUARDS}
    namespace.update(data)
    namespace.update(functions)  # functions win over data, so data cannot shadow the calendar
    return namespace


def evaluate(
    source: str,
    data: Mapping[str, Any],
    functions: Mapping[str, Callable],
    seconds: float = RUN_BUDGET_SECONDS,
):
    code = compile_expression(source)
    namespace = make_globals(functions, data)
    return _run(lambda: eval(code, namespace), seconds)  # noqa: S307 - compiled by RestrictedPython


def execute(
    source: str,
    data: dict[str, Any],
    functions: Mapping[str, Callable],
    seconds: float = RUN_BUDGET_SECONDS,
) -> None:
    """Run a script; the names it assigns are written back into ``data`` (functions and guards
    are not). A value that could not be saved with the case (a range, a set, NaN...) is refused
    and nothing is written back, so the case stays as it was."""
    code = compile_script(source)
    namespace = make_globals(functions, data)
    reserved = set(namespace) - set(data)
    _run(lambda: exec(code, namespace), seconds)  # noqa: S102 - compiled by RestrictedPython
    written = {
        name: value
        for name, value in namespace.items()
        if name not in reserved and not callable(value) and not name.startswith("_")
    }
    for name, value in written.items():
        # Text and numbers the script did not touch were saved before; anything new or
        # changed, and any list or dict (changed in place or not), is checked.
        if data.get(name, _MISSING) is value and not isinstance(value, list | dict):
            continue
        problem = storable_problem(value)
        if problem:
            raise UnstorableValue(f"The script sets {name}, which cannot be saved with the case: {problem}.")
    data.update(written)


_MISSING = object()


def names_used(sources: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue  # not code: check_expression says why
        names.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return names


def dated_fields_used(source: str) -> dict[str, set[str]]:
    """The date fields an expression reads from an object in the case data, by name:
    ``action["due_on"]`` -> ``{"action": {"due_on"}}`` (a key ending in ``_on`` is a date, as a
    name is). What one item of a multi-instance step carries, such as an action's due date."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    fields: dict[str, set[str]] = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Subscript)
            and isinstance(node.value, ast.Name)
            and isinstance(node.slice, ast.Constant)
            and isinstance(node.slice.value, str)
            and node.slice.value.endswith("_on")
        ):
            fields.setdefault(node.value.id, set()).add(node.slice.value)
    return fields
