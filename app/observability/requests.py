"""One log line and one latency figure per request, under a request id.

The request id comes from the proxy's ``X-Request-Id`` when it looks like one (1 to 128 letters,
digits or ``._:-``: nothing a log line could be forged with), or is made (uuid4, hex); either
way it is sent back in ``X-Request-Id`` and put on every log line written during the request.

What is logged is chosen so that no personal data reaches the logs: the URL *rule*
(``/api/v1/cases/<int:case_id>``, ``/status/<token>``), never the path or the query string
(``?q=`` searches by name, e-mail and postcode; a status link's path is its secret), and never
a body. Ids, the council and the status are not personal data.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, has_request_context, request

from app.observability import metrics

logger = logging.getLogger(__name__)

HEADER = "X-Request-Id"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
# View arguments that are ids worth a column of their own (never a token: /status/<token>).
ID_ARGUMENTS = {"case_id": "case_id", "task_id": "task_id", "document_id": "document_id"}
COUNCIL_ARGUMENTS = ("council_id", "council")
# A council in a public URL is whatever was typed: logged only when it is shaped like an id.
COUNCIL_ID = re.compile(r"[a-z0-9-]{1,64}")
# Scrapes every few seconds would swamp the latency of the requests people make.
UNTIMED_ENDPOINTS = {"observability.metrics"}


def init_app(app: Flask) -> None:
    # Registered before the blueprints: the id exists before any other hook can refuse the
    # request, and (after_request hooks run in reverse) the line is written after theirs.
    app.before_request(start_request)
    app.after_request(finish_request)


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


def annotate(**fields: Any) -> None:
    """Add fields (case_id, council...) to this request's log line; outside a request, nothing."""
    if has_request_context():
        g.setdefault("log_fields", {}).update(fields)


def start_request() -> None:
    g.request_started = time.perf_counter()
    given = request.headers.get(HEADER, "")
    g.request_id = given if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex


def finish_request(response: Response) -> Response:
    started = g.get("request_started")
    seconds = time.perf_counter() - started if started is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else metrics.UNMATCHED_ROUTE
    response.headers[HEADER] = g.get("request_id") or ""
    if request.endpoint not in UNTIMED_ENDPOINTS:
        metrics.record_request(route, request.method, response.status_code, seconds)
    if logger.isEnabledFor(logging.INFO):
        _log(route, response.status_code, seconds)
    return response


def _log(route: str, status: int, seconds: float) -> None:
    fields = {
        "method": request.method,
        "route": route,
        "status": status,
        "duration_ms": round(seconds * 1000, 1),
        **_context(),
    }
    logger.info("%s %s %s %.1f ms", request.method, route, status, seconds * 1000, extra=fields)


def _context() -> dict[str, Any]:
    fields: dict[str, Any] = {}
    user = g.get("user")
    if user is not None:
        fields["user_id"] = user.id
    arguments = request.view_args or {}
    council = next((arguments[k] for k in COUNCIL_ARGUMENTS if k in arguments), None)
    if isinstance(council, str) and COUNCIL_ID.fullmatch(council):
        fields["council"] = council
    for argument, field in ID_ARGUMENTS.items():
        if argument in arguments:
            fields[field] = arguments[argument]
    fields.update(g.get("log_fields", {}))
    return fields
