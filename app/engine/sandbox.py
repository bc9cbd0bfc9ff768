"""The restricted environment for everything a diagram evaluates: conditions, due dates, timer
dates, service-task parameters and script tasks.

Diagrams are untrusted input. Code is compiled with RestrictedPython (no names or attributes
starting with ``_``, guarded attribute and item access), with a stricter policy of our own on
top (no imports, no definitions, no ``while``, no ``**``), then run against plain data and a
short list of safe builtins, with a wall-clock budget enforced by a line tracer.
"""

from __future__ import annotations

import ast
import operator
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from RestrictedPython import RestrictingNodeTransformer, compile_restricted_eval, compile_restricted_exec
from RestrictedPython.Guards import guarded_iter_unpack_sequence, safer_getattr

RUN_BUDGET_SECONDS = 0.5
MAX_RANGE = 10_000
MAX_NUMBER = 10_000_000
MAX_SEQUENCE = 100_000
FILENAME = "<diagram>"


class ScriptError(Exception):
    """Code in a diagram was refused or failed; the message is fit to show a process owner.
    ``element`` is the diagram element whose code it was, once the engine knows it."""

    def __init__(self, message: str, element: str | None = None):
        super().__init__(message)
        self.element = element


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
        node = super().visit_BinOp(node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
            # "x" * n and [0] * n go through a size check instead of allocating without limit.
            call = ast.Call(func=ast.Name("_mul_", ast.Load()), args=[node.left, node.right], keywords=[])
            return ast.fix_missing_locations(ast.copy_location(call, node))
        return node

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
    result = compiler(source, filename=FILENAME, policy=_DiagramPolicy)
    if result.errors:
        raise ScriptError(" ".join(_tidy(e) for e in result.errors))
    return result.code


def _tidy(message: str) -> str:
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


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise ScriptError(f"range() may give at most {MAX_RANGE} numbers.")
    return result


def _safe_mul(left: Any, right: Any) -> Any:
    for sequence, times in ((left, right), (right, left)):
        if isinstance(sequence, str | list | tuple) and isinstance(times, int):
            if len(sequence) * times > MAX_SEQUENCE:
                raise ScriptError(f"That would make a sequence longer than {MAX_SEQUENCE}.")
    return left * right


def _guarded_getitem(obj: Any, key: Any) -> Any:
    if isinstance(key, str) and key.startswith("_"):
        raise ScriptError(f"Access to {key!r} is not allowed.")
    return obj[key]


def _guarded_write(obj: Any) -> Any:
    # Item assignment on plain containers is fine; attribute assignment on anything is not.
    if isinstance(obj, dict | list):
        return obj
    raise ScriptError("Only lists and dictionaries may be changed in diagram code.")


_INPLACE = {
    "+=": operator.iadd, "-=": operator.isub, "*=": operator.imul, "/=": operator.itruediv,
    "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior, "&=": operator.iand,
}  # fmt: skip


def _inplace(op: str, target: Any, value: Any) -> Any:
    if op not in _INPLACE:
        raise ScriptError(f"The {op} operator is not allowed.")
    return _INPLACE[op](target, value)


SAFE_BUILTINS: dict[str, Any] = {
    **{
        name: __builtins__[name] if isinstance(__builtins__, dict) else getattr(__builtins__, name)
        for name in (
            "abs",
            "all",
            "any",
            "bool",
            "dict",
            "enumerate",
            "float",
            "int",
            "isinstance",
            "len",
            "list",
            "max",
            "min",
            "round",
            "set",
            "sorted",
            "str",
            "sum",
            "tuple",
            "zip",
            "ValueError",
            "KeyError",
            "TypeError",
        )
    },  # fmt: skip
    "range": _safe_range,
    "True": True,
    "False": False,
    "None": None,
}

GUARDS: dict[str, Any] = {
    "_getattr_": safer_getattr,
    "_getitem_": _guarded_getitem,
    "_getiter_": iter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_iter_unpack_sequence,
    "_write_": _guarded_write,
    "_inplacevar_": _inplace,
    "_mul_": _safe_mul,
}


class _Budget:
    """Stops diagram code that runs longer than its budget (checked on every line it runs).

    The budget is CPU time of this thread, not wall time, so a busy machine or other request
    threads cannot make well-behaved code fail; only code that itself computes too long does."""

    def __init__(self, seconds: float):
        self.deadline = time.thread_time() + seconds
        self.seconds = seconds

    def __call__(self, frame, event, _arg):
        if frame.f_code.co_filename != FILENAME:
            return None
        if time.thread_time() > self.deadline:
            raise ScriptError(
                f"Diagram code ran for more than {self.seconds:g} s of processor time and was stopped."
            )
        return self


def _run(thunk: Callable[[], Any], seconds: float) -> Any:
    previous = sys.gettrace()
    sys.settrace(_Budget(seconds))
    try:
        return thunk()
    finally:
        sys.settrace(previous)


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
    try:
        return _run(lambda: eval(code, namespace), seconds)  # noqa: S307 - compiled by RestrictedPython
    except ScriptError:
        raise
    except Exception as exc:  # any failure of diagram code is the diagram's, reported as such
        raise ScriptError(f"{type(exc).__name__}: {exc}") from exc


def execute(
    source: str,
    data: dict[str, Any],
    functions: Mapping[str, Callable],
    seconds: float = RUN_BUDGET_SECONDS,
) -> None:
    """Run a script; the names it assigns are written back into ``data`` (functions and guards are not)."""
    code = compile_script(source)
    namespace = make_globals(functions, data)
    reserved = set(namespace) - set(data)
    try:
        _run(lambda: exec(code, namespace), seconds)  # noqa: S102 - compiled by RestrictedPython
    except ScriptError:
        raise
    except Exception as exc:
        raise ScriptError(f"{type(exc).__name__}: {exc}") from exc
    for name, value in namespace.items():
        if name not in reserved and not callable(value) and not name.startswith("_"):
            data[name] = value


def names_used(sources: Iterable[str]) -> set[str]:
    names: set[str] = set()
    for source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        names.update(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))
    return names
