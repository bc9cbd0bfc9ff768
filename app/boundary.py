"""What every request's values must be before a view sees them: integers the database can hold,
and text it can store.

These are rules of the database, not of any one field, so they are applied here once, for every
route, API and web alike (issue 13, "No input causes a 500"):

- an integer in a path (``<int:...>``), a query string or a form read with ``type=int`` lies in
  PostgreSQL's ``integer`` range, the type of every id column; a larger one would make the
  query itself fail (``integer out of range``, or SQLite's ``OverflowError``). Out of range in
  a path matches no route (404); in a query or form it is as if it were not a number.
- text holds no NUL (PostgreSQL refuses it in ``text`` columns) and no lone surrogate (half of
  a UTF-16 pair, which JSON's ``\\ud800`` can spell but UTF-8 cannot encode). Such text is
  refused with 422 before anything is saved: once stored, it breaks every later step of a case.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Flask, Request, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

# PostgreSQL's `integer` (SQLite's INTEGER is wider, so this bound holds for both).
DATABASE_INTEGER_MAX = 2**31 - 1
DATABASE_INTEGER_MIN = -(2**31)

MAX_REPORTED_DEPTH = 16
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
NUL_MESSAGE = "Contains a NUL character (U+0000), which cannot be stored; remove it."
SURROGATE_MESSAGE = (
    "Contains half of a UTF-16 surrogate pair (U+D800 to U+DFFF), which is not a character; "
    "send the text as UTF-8."
)


def database_int(value: str) -> int:
    """``int(value)`` for an integer a database column can hold; ValueError otherwise."""
    number = int(value)
    if not DATABASE_INTEGER_MIN <= number <= DATABASE_INTEGER_MAX:
        raise ValueError(f"{value} is outside the database's integer range")
    return number


class DatabaseIntConverter(IntegerConverter):
    """``<int:id>`` matches only ids a database column can hold, so a huge one is a plain 404."""

    def __init__(self, map, fixed_digits=0, min=None, max=DATABASE_INTEGER_MAX, signed=False):
        super().__init__(map, fixed_digits, min, max, signed)


class BoundedValues(ImmutableMultiDict):
    """Query and form values where ``type=int`` reads only database-sized integers (else the default)."""

    def get(self, key, default=None, type=None):
        return super().get(key, default, database_int if type is int else type)

    def getlist(self, key, type=None):
        return super().getlist(key, database_int if type is int else type)


class BoundedRequest(Request):
    parameter_storage_class = BoundedValues


def unstorable_message(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    match = _UNSTORABLE.search(text)
    if match is None:
        return None
    return NUL_MESSAGE if match.group() == "\x00" else SURROGATE_MESSAGE


def unstorable_fields(data: Any) -> dict[Any, Any]:
    """Every string in decoded JSON (keys too) that cannot be stored, shaped like marshmallow's
    messages: ``{"incidents": {0: {"description": [message]}}}``."""
    if isinstance(data, str):
        message = unstorable_message(data)
        return {"_schema": [message]} if message else {}
    problems: dict[Any, Any] = {}
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack:  # iterative: a body may be nested as deep as the JSON parser allows
        value, path = stack.pop()
        children = (
            value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        )
        for key, child in children:
            message = unstorable_message(key) if isinstance(key, str) else None
            if message is None and isinstance(child, str):
                message = unstorable_message(child)
            if message is not None:
                _report(problems, (*path, key), message)
            elif isinstance(child, dict | list):
                stack.append((child, (*path, key)))
    return problems


def _report(problems: dict[Any, Any], path: tuple[Any, ...], message: str) -> None:
    # Deeper than any real field, the path is cut short: the answer must stay shallow enough to
    # be written back as JSON.
    path = path[:MAX_REPORTED_DEPTH]
    node = problems
    for part in path[:-1]:
        if not isinstance(node.get(part), dict):
            node[part] = {}
        node = node[part]
    node[path[-1]] = [message]


def refuse_unstorable_values():
    """Before every view: the path, query string and form hold only storable text."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and unstorable_message(value):
            return _refuse(404, {name: [unstorable_message(value)]})
    problems: dict[str, list[str]] = {}
    for source in (request.args, request.form):
        for name, values in source.lists():
            for text in (name, *values):
                message = unstorable_message(text)
                if message:
                    problems.setdefault(name, []).append(message)
                    break
    return _refuse(422, problems) if problems else None


def _refuse(status: int, problems: dict[str, list[str]]):
    from app.errors import ApiError, NotFound, is_api_request, validation_error, web_error_page

    if not is_api_request():
        return web_error_page(status)
    error: ApiError = NotFound() if status == 404 else validation_error(problems)
    raise error


def bound_integers(app: Flask) -> None:
    """Before any route is added (a rule resolves its converters when it is added)."""
    app.url_map.converters["int"] = DatabaseIntConverter
    app.request_class = BoundedRequest
