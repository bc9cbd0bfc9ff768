"""Size checks in front of every operation of diagram code that could cost more than a moment.

The sandbox stops code that runs too long between two of its lines, but one operation done in
C (a sum of lists, a product of huge numbers, text padded to a huge width, bytes repeated, a
comparison of deeply shared lists) holds the interpreter lock until it is done, and with it
every request of the server. So each such operation is checked *before* it runs, against the
size of what it would make or walk:

- arithmetic, ``%``, f-strings and ``str()`` refuse results longer than ``MAX_SEQUENCE`` items or
  characters, integers over ``MAX_INT_BITS`` bits and widths or precisions over ``MAX_WIDTH``;
- comparisons, sorting and ``min``/``max`` refuse values whose written-out size (every item and
  character, each shared reference counted again) exceeds ``MAX_VALUE_SIZE``; a tuple, the only
  container that can be hashed, is measured when it is made, so hashing one is bounded too;
- everything a run makes is counted against ``MAX_WORK`` items and characters, which bounds the
  memory one run can take;
- only the methods listed in ``_METHODS`` can be called on text, numbers and containers.

What this module cannot see (the code of SpiffWorkflow, of the app, a bug here) is bounded once
more by the process limits of app/engine/isolation.py wherever brand-new code first runs.
"""

from __future__ import annotations

import builtins
import math
import operator
import re
import threading
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from RestrictedPython.Guards import safer_getattr

MAX_SEQUENCE = 100_000  # items or characters in one value made by one operation
MAX_INT_BITS = 16_384  # the largest whole number JSON can bring in is about 14,300 bits
MAX_WIDTH = 1_000  # a width or precision in a format
MAX_VALUE_SIZE = 1_000_000  # items and characters a comparison or sort may walk
MAX_WORK = 2_000_000  # items and characters one run may make, all values together
MAX_ROUND_DIGITS = 100


class ScriptError(Exception):
    """Code in a diagram was refused or failed; the message is fit to show a process owner.
    ``element`` is the diagram element whose code it was, once the engine knows it."""

    def __init__(self, message: str, element: str | None = None):
        super().__init__(message)
        self.element = element


class LimitExceeded(ScriptError):
    """Diagram code asked for more than its limits allow."""


class UnstorableValue(ScriptError):
    """A script set a value that could not be saved with the case."""


# -- the meter: what one run has made so far --------------------------------------------------


class Meter:
    __slots__ = ("left",)

    def __init__(self, units: int = MAX_WORK):
        self.left = units

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise LimitExceeded(
                f"Diagram code made more than {MAX_WORK:,} items and characters in one run, "
                "more memory than it may use, and was stopped."
            )


_local = threading.local()


def metering(meter: Meter | None) -> Meter | None:
    """Make ``meter`` the current thread's meter; returns the one it replaces."""
    previous = getattr(_local, "meter", None)
    _local.meter = meter
    return previous


def _charge(units: int) -> None:
    meter = getattr(_local, "meter", None)
    if meter is not None:
        meter.charge(units)


# -- sizes --------------------------------------------------------------------------------------


_TEXT = (str, bytes, bytearray)
_CONTAINERS = (list, tuple, dict, set, frozenset)


def size_of(value: Any, limit: int = MAX_VALUE_SIZE, what: str = "value") -> int:
    """A value's written-out size: one per item, plus the characters of its texts, every
    shared reference counted again (as a comparison, ``str()`` or JSON walks it). Each distinct
    object is visited once, so ``(t, t)`` nested 60 deep is measured (and refused) at once."""
    sizes: dict[int, int] = {}
    stack = [value]
    while stack:
        item = stack[-1]
        key = id(item)
        if key in sizes:
            stack.pop()
            continue
        if isinstance(item, _TEXT):
            size = len(item) + 2
        elif isinstance(item, _CONTAINERS):
            children = (*item.keys(), *item.values()) if isinstance(item, dict) else tuple(item)
            if _FLAT.issuperset(map(type, children)):  # numbers only: counted at C speed
                size = 1 + len(children)
            else:
                pending = [c for c in children if id(c) not in sizes]
                if pending:
                    if any(c is item for c in pending) or len(stack) > MAX_VALUE_SIZE:
                        raise LimitExceeded(f"The {what} contains itself.")
                    stack.extend(pending)
                    continue
                size = 1 + sum(sizes[id(c)] for c in children)
        else:
            size = 1
        if size > limit:
            raise LimitExceeded(f"The {what} is larger than {limit:,} items and characters.")
        sizes[key] = size
        stack.pop()
    return sizes[id(value)]


_FLAT = frozenset({int, float, bool, type(None)})


def _text_size(value: Any) -> int:
    """About how many characters ``str(value)`` gives, refused over MAX_SEQUENCE; nested text is
    written with quotes and escapes, up to ten characters for one."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, bytes | bytearray):
        return 4 * len(value) + 3
    if isinstance(value, int):
        return value.bit_length() // 3 + 2
    if not isinstance(value, _CONTAINERS):
        return size_of(value, MAX_SEQUENCE, "text")
    total = 0
    for part in _walk(value, MAX_SEQUENCE):
        total += 10 * len(part) + 4 if isinstance(part, _TEXT) else 4
        if total > MAX_SEQUENCE:
            raise LimitExceeded(f"That would make a text longer than {MAX_SEQUENCE:,} characters.")
    return total


def _walk(value: Any, limit: int) -> Iterable[Any]:
    size_of(value, limit, "text")  # bounds the walk below
    stack = [value]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, _CONTAINERS) and not _FLAT.issuperset(map(type, item)):
            stack.extend(item)


def _check_int(value: int) -> int:
    if value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded(f"That would make a number of more than {MAX_INT_BITS:,} bits.")
    return value


def _check_length(length: int, what: str = "a sequence") -> int:
    if length > MAX_SEQUENCE:
        raise LimitExceeded(f"That would make {what} longer than {MAX_SEQUENCE:,}.")
    return length


def _made(value: Any) -> Any:
    """Count a value just made: its length, and for a tuple (hashable, so it must stay small
    enough to hash) its whole written-out size."""
    if isinstance(value, tuple):
        _charge(size_of(value, MAX_VALUE_SIZE, "tuple"))
    elif isinstance(value, (*_TEXT, list, dict, set, frozenset)):
        _charge(len(value))
    elif isinstance(value, int) and not isinstance(value, bool):
        _check_int(value)
    return value


# -- operators ----------------------------------------------------------------------------------


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (*_TEXT, list, tuple))


def _before_add(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        _check_int(max(abs(left), abs(right)) << 1)
    elif _is_sequence(left) and _is_sequence(right):
        _check_length(len(left) + len(right))


def _before_mul(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(f"That would make a number of more than {MAX_INT_BITS:,} bits.")
        return
    for sequence, times in ((left, right), (right, left)):
        if _is_sequence(sequence) and isinstance(times, int):
            _check_length(len(sequence) * max(times, 0))


# A %-format's conversion: flags, width, precision (``*`` takes them from the arguments).
_PERCENT = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])")


def _before_mod(left: Any, right: Any) -> None:
    if not isinstance(left, _TEXT):
        return
    text = left.decode("latin-1") if isinstance(left, bytes | bytearray) else left
    arguments = list(right) if isinstance(right, tuple) else [right]
    for match in _PERCENT.finditer(text):
        width, precision, _kind = match.groups()
        for number in (width, precision):
            if number == "*":
                raise LimitExceeded("A width or precision taken from the arguments (*) is not allowed.")
            if number is not None and int(number) > MAX_WIDTH:
                raise LimitExceeded(f"A width or precision above {MAX_WIDTH:,} is not allowed.")
    values = right.values() if isinstance(right, dict) else arguments
    _check_length(len(text) + sum(_text_size(v) + MAX_WIDTH for v in values), "a text")


def _before_lshift(left: Any, right: Any) -> None:
    if isinstance(left, int) and isinstance(right, int) and right > 0:
        if left.bit_length() + right > MAX_INT_BITS:
            raise LimitExceeded(f"That would make a number of more than {MAX_INT_BITS:,} bits.")


_BINARY: dict[str, tuple[Callable, Callable | None]] = {
    "+": (operator.add, _before_add),
    "-": (operator.sub, _before_add),
    "*": (operator.mul, _before_mul),
    "/": (operator.truediv, None),
    "//": (operator.floordiv, None),
    "%": (operator.mod, _before_mod),
    "<<": (operator.lshift, _before_lshift),
    ">>": (operator.rshift, None),
    "&": (operator.and_, None),
    "|": (operator.or_, None),
    "^": (operator.xor, None),
    "@": (operator.matmul, None),
}
_INPLACE: dict[str, tuple[Callable, Callable | None]] = {
    "+=": (operator.iadd, _before_add),
    "-=": (operator.isub, _before_add),
    "*=": (operator.imul, _before_mul),
    "/=": (operator.itruediv, None),
    "//=": (operator.ifloordiv, None),
    "%=": (operator.imod, _before_mod),
    "|=": (operator.ior, None),
    "&=": (operator.iand, None),
}
BINARY_SYMBOLS = {
    "Add": "+", "Sub": "-", "Mult": "*", "Div": "/", "FloorDiv": "//", "Mod": "%", "LShift": "<<",
    "RShift": ">>", "BitAnd": "&", "BitOr": "|", "BitXor": "^", "MatMult": "@",
}  # fmt: skip


def binary(symbol: str, left: Any, right: Any) -> Any:
    """``left <symbol> right``, checked before and counted after (``_binop_`` in diagram code)."""
    apply, before = _BINARY[symbol]
    if before is not None:
        before(left, right)
    return _made(apply(left, right))


def inplace(symbol: str, target: Any, value: Any) -> Any:
    """``target <symbol> value`` (``_inplacevar_``; RestrictedPython allows it on names only)."""
    if symbol not in _INPLACE:
        raise ScriptError(f"The {symbol} operator is not allowed.")
    apply, before = _INPLACE[symbol]
    if before is not None:
        before(target, value)
    return _made(apply(target, value))


def compared(value: Any) -> Any:
    """An operand of ``==``, ``<``, ``in``...: a container is walked by the comparison, so
    its written-out size is checked first (``_cmp_``)."""
    if isinstance(value, _CONTAINERS):
        size_of(value, MAX_VALUE_SIZE, "value compared")
    return value


# Format spec: [[fill]align][sign][z][#][0][width][grouping][.precision][type]
_SPEC = re.compile(r"^(?:.?[<>=^])?[+\- ]?z?#?0?(\d*)[,_]?(?:\.(\d+))?[a-zA-Z%]?$", re.DOTALL)


def formatted(value: Any, conversion: int, spec: str) -> str:
    """An f-string's ``{value!conversion:spec}``, its width and precision checked (``_format_``)."""
    match = _SPEC.match(spec)
    if match is None:
        raise ScriptError(f"Invalid format specifier {spec!r}.")
    for number in match.groups():
        if number and int(number) > MAX_WIDTH:
            raise LimitExceeded(f"A width or precision above {MAX_WIDTH:,} is not allowed.")
    _check_length(_text_size(value), "a text")
    if conversion == ord("r"):
        value = repr(value)
    elif conversion == ord("a"):
        value = ascii(value)
    elif conversion == ord("s"):
        value = str(value)
    return _made(format(value, spec))


def made(value: Any) -> Any:
    """A display or comprehension's value, counted (``_new_``)."""
    return _made(value)


# -- builtins -----------------------------------------------------------------------------------


def _safe_range(*args: int) -> range:
    result = range(*args)
    if len(result) > MAX_RANGE:
        raise LimitExceeded(f"range() may give at most {MAX_RANGE:,} numbers.")
    return result


MAX_RANGE = 10_000


def _safe_sum(iterable: Iterable, start: Any = 0) -> Any:
    # sum(lists, []) copies the growing list once per item, in C: quadratic and uninterruptible.
    if isinstance(start, bool) or not isinstance(start, int | float):
        raise ScriptError("sum() adds numbers; to join lists, use a comprehension.")
    return _made(builtins.sum(iterable, start))


def _safe_str(value: Any = "") -> str:
    _check_length(_text_size(value), "a text")
    return _made(str(value))


def _safe_round(number: Any, ndigits: Any = None) -> Any:
    # round(1, -10**7) works out 10 ** 10**7 first.
    if ndigits is not None and isinstance(ndigits, int) and abs(ndigits) > MAX_ROUND_DIGITS:
        raise LimitExceeded(f"round() takes at most {MAX_ROUND_DIGITS} digits.")
    return builtins.round(number, ndigits)


def _ordered(function: Callable) -> Callable:
    """sorted/min/max: the items (or their keys) are compared, so their size is checked first."""

    def checked(*args: Any, key: Callable | None = None, **kwargs: Any) -> Any:
        items = list(args[0]) if len(args) == 1 else list(args)
        _charge(len(items))
        keys = items if key is None else [key(item) for item in items]
        size_of(keys, MAX_VALUE_SIZE, "list compared")
        if key is None:
            return function(items, **kwargs)
        if function is builtins.sorted:
            order = sorted(range(len(items)), key=keys.__getitem__, **kwargs)
            return [items[i] for i in order]
        if not items and "default" in kwargs:
            return kwargs["default"]
        return items[function(range(len(items)), key=keys.__getitem__)]

    checked.__name__ = function.__name__
    return checked


def _counted(function: Callable) -> Callable:
    def counted(*args: Any, **kwargs: Any) -> Any:
        return _made(function(*args, **kwargs))

    counted.__name__ = function.__name__
    return counted


def _tuples(function: Callable) -> Callable:
    """zip/enumerate make tuples of what they are given: each one is measured as it is made."""

    def measured(*args: Any, **kwargs: Any) -> Iterable:
        for item in function(*args, **kwargs):
            yield _made(item)

    measured.__name__ = function.__name__
    return measured


_PLAIN_BUILTINS = (
    "abs", "all", "any", "bool", "float", "int", "isinstance", "len", "ValueError", "KeyError", "TypeError",
)  # fmt: skip

SAFE_BUILTINS: dict[str, Any] = {
    **{name: getattr(builtins, name) for name in _PLAIN_BUILTINS},
    "dict": _counted(dict),
    "list": _counted(list),
    "set": _counted(set),
    "tuple": _counted(tuple),
    "sorted": _ordered(builtins.sorted),
    "min": _ordered(builtins.min),
    "max": _ordered(builtins.max),
    "zip": _tuples(zip),
    "enumerate": _tuples(enumerate),
    "sum": _safe_sum,
    "str": _safe_str,
    "round": _safe_round,
    "range": _safe_range,
    "True": True,
    "False": False,
    "None": None,
}


# -- methods ------------------------------------------------------------------------------------


def _padded(method: Callable) -> Callable:
    def padded(width: Any, *args: Any) -> Any:
        if isinstance(width, int):
            _check_length(width, "a text")
        return _made(method(width, *args))

    return padded


def _replace(text: str, method: Callable) -> Callable:
    def replace(old: Any, new: Any, count: int = -1) -> Any:
        if isinstance(old, str) and isinstance(new, str):
            times = text.count(old) if old else len(text) + 1
            times = times if count < 0 else min(times, count)
            _check_length(len(text) + times * max(len(new) - len(old), 0), "a text")
        return _made(method(old, new, count))

    return replace


def _join(separator: str) -> Callable:
    def join(iterable: Iterable) -> str:
        parts = list(iterable)
        length = sum(len(p) if isinstance(p, str) else 0 for p in parts)
        _check_length(length + max(len(parts) - 1, 0) * len(separator), "a text")
        return _made(separator.join(parts))

    return join


def _grows(receiver: Any, method: Callable) -> Callable:
    """A method that adds to its receiver (append, extend, update...): what it added is counted."""

    def grows(*args: Any, **kwargs: Any) -> Any:
        before = len(receiver)
        result = method(*args, **kwargs)
        _charge(max(len(receiver) - before, 0) + 1)
        return result

    return grows


def _compares(receiver: Any, method: Callable) -> Callable:
    """A method that compares the receiver's items (count, index, remove, sort)."""

    def compares(*args: Any, **kwargs: Any) -> Any:
        size_of(receiver, MAX_VALUE_SIZE, "list searched")
        for arg in args:
            compared(arg)
        return method(*args, **kwargs)

    return compares


def _makes(method: Callable) -> Callable:
    def makes(*args: Any, **kwargs: Any) -> Any:
        return _made(method(*args, **kwargs))

    return makes


_TEXT_PLAIN = {
    "startswith", "endswith", "find", "rfind", "index", "rindex", "count", "isdigit", "isdecimal",
    "isnumeric", "isalpha", "isalnum", "isspace", "islower", "isupper", "istitle", "isascii",
}  # fmt: skip
_TEXT_MAKES = {
    "lower", "upper", "title", "capitalize", "casefold", "swapcase", "strip", "lstrip", "rstrip",
    "split", "rsplit", "splitlines", "partition", "rpartition", "removeprefix", "removesuffix",
}  # fmt: skip
_METHODS: dict[type, dict[str, str]] = {
    str: {
        **dict.fromkeys(_TEXT_PLAIN, "plain"),
        **dict.fromkeys(_TEXT_MAKES, "makes"),
        **dict.fromkeys(("ljust", "rjust", "center", "zfill"), "padded"),
        "replace": "replace",
        "join": "join",
    },
    list: {
        **dict.fromkeys(("append", "extend", "insert"), "grows"),
        **dict.fromkeys(("count", "index", "remove", "sort"), "compares"),
        **dict.fromkeys(("pop", "reverse", "clear"), "plain"),
        "copy": "makes",
    },
    tuple: dict.fromkeys(("count", "index"), "compares"),
    dict: {
        **dict.fromkeys(("get", "pop", "popitem", "clear", "keys", "values", "items"), "plain"),
        **dict.fromkeys(("update", "setdefault"), "grows"),
        "copy": "makes",
    },
    set: {
        **dict.fromkeys(("add", "update"), "grows"),
        **dict.fromkeys(
            ("discard", "remove", "pop", "clear", "isdisjoint", "issubset", "issuperset"), "plain"
        ),
        **dict.fromkeys(("copy", "union", "intersection", "difference", "symmetric_difference"), "makes"),
    },
    int: dict.fromkeys(("bit_length", "real", "imag", "numerator", "denominator"), "plain"),
    float: dict.fromkeys(("is_integer", "real", "imag"), "plain"),
}
_METHODS[bool] = _METHODS[int]
_METHODS[frozenset] = {name: kind for name, kind in _METHODS[set].items() if kind != "grows"}
_METHODS[bytes] = {name: kind for name, kind in _METHODS[str].items() if kind in ("plain", "makes")}
_METHODS[bytearray] = _METHODS[bytes]


def attribute(obj: Any, name: str, default: Any = None, getattr: Callable = safer_getattr) -> Any:
    """``obj.name`` in diagram code (``_getattr_``): text, numbers and containers offer only
    the methods above, each checked as it needs; other objects (dates) as RestrictedPython allows."""
    kind = _METHODS.get(type(obj), {}).get(name) if type(obj) in _METHODS else "other"
    if kind is None:
        raise ScriptError(f"{type(obj).__name__}.{name} is not available in diagram code.")
    value = getattr(obj, name, default)
    if kind in ("plain", "other"):
        return value
    if kind == "makes":
        return _makes(value)
    if kind == "padded":
        return _padded(value)
    if kind == "replace":
        return _replace(obj, value)
    if kind == "join":
        return _join(obj)
    if kind == "grows":
        return _grows(obj, value)
    return _compares(obj, value)


def item(obj: Any, key: Any) -> Any:
    """``obj[key]`` (``_getitem_``): no private keys; a slice is a copy, counted."""
    if isinstance(key, str) and key.startswith("_"):
        raise ScriptError(f"Access to {key!r} is not allowed.")
    value = obj[key]
    return _made(value) if isinstance(key, slice) else value


# -- what can be stored ---------------------------------------------------------------------------

MAX_STORED_DEPTH = 32


def storable_problem(value: Any) -> str | None:
    """Why ``value`` cannot be saved with a case (as JSON, on PostgreSQL too), or None.

    A range, bytes, a set, NaN, infinity, a text with NUL or a lone surrogate, a dict with
    keys other than text, or a value too large or too deep would either fail when the case is
    saved or be saved as something else."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    total = 0
    while stack:
        item_, depth = stack.pop()
        total += 1 + (len(item_) if isinstance(item_, str | list | tuple | dict) else 0)
        if total > MAX_VALUE_SIZE:
            return f"it is larger than {MAX_VALUE_SIZE:,} items and characters"
        if depth > MAX_STORED_DEPTH:
            return f"it is nested more than {MAX_STORED_DEPTH} deep"
        if isinstance(item_, list | tuple):
            stack.extend((child, depth + 1) for child in item_)
        elif isinstance(item_, dict):
            for key, child in item_.items():
                if not isinstance(key, str):
                    return f"a dict in it has the key {key!r}, and keys must be text"
                stack.append((key, depth + 1))
                stack.append((child, depth + 1))
        else:
            problem = _scalar_problem(item_)
            if problem:
                return problem
    return None


def _scalar_problem(value: Any) -> str | None:
    if value is None or isinstance(value, bool | date | timedelta | UUID):
        return None  # SpiffWorkflow's serializer stores dates, durations and UUIDs itself
    if isinstance(value, int):
        return (
            f"a number in it has more than {MAX_INT_BITS:,} bits"
            if value.bit_length() > MAX_INT_BITS
            else None
        )
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{value!r} is not a number JSON can hold"
    if isinstance(value, str):
        if "\x00" in value:
            return "a text in it holds a NUL character"
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return "a text in it holds a lone surrogate"
        return None
    return f"a {type(value).__name__} cannot be saved (only text, numbers, true/false, lists and dicts)"


GUARDS: dict[str, Any] = {
    "_getattr_": attribute,
    "_getitem_": item,
    "_getiter_": iter,
    "_inplacevar_": inplace,
    "_binop_": binary,
    "_cmp_": compared,
    "_format_": formatted,
    "_new_": made,
}
