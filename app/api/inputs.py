"""Reading request bodies and query strings strictly, so bad input is a 400 or 422, never a 500."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from app.boundary import unstorable_fields
from app.errors import ApiError, validation_error


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    number = float(text)
    if number in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is too large a number")
    return number


def json_body() -> Any:
    """The request body parsed as JSON; 400 for a wrong content type or malformed JSON, 422 for
    text that cannot be stored (app/boundary.py), wherever it is in the body."""
    if request.mimetype != "application/json":
        raise ApiError(400, "Send the body as JSON with Content-Type: application/json.", "bad_request")
    raw = request.get_data(cache=True)  # werkzeug raises 413 here when the body is too large
    if not raw.strip():
        raise ApiError(400, "The request body is empty; send a JSON object.", "bad_request")
    try:
        body = json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except UnicodeDecodeError:
        raise ApiError(400, "The request body is not UTF-8 text.", "bad_request") from None
    except json.JSONDecodeError as exc:
        raise ApiError(400, f"Malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}.") from None
    except (ValueError, RecursionError) as exc:
        message = (
            "Malformed JSON: nested too deeply."
            if isinstance(exc, RecursionError)
            else f"Malformed JSON: {exc}."
        )
        raise ApiError(400, message, "bad_request") from None
    problems = unstorable_fields(body)
    if problems:
        raise validation_error(problems)
    return body


def load_body(schema: Schema) -> dict[str, Any]:
    """Parse the JSON body and validate it; 422 lists every field problem at once."""
    return _load(schema, json_body())


def load_query(schema: Schema) -> dict[str, Any]:
    """Validate the query string; a repeated parameter is a 422, not a silent first-wins."""
    args: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            raise validation_error({key: ["Give this parameter once."]})
        args[key] = values[0]
    return _load(schema, args)


def _load(schema: Schema, data: Any) -> dict[str, Any]:
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise validation_error(exc.messages) from None
    except RecursionError:
        raise ApiError(400, "The request body is nested too deeply.", "bad_request") from None
