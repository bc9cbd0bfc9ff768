"""Logging set up once per app: one JSON object a line (production's default), or a readable line
(development and tests), chosen by ``LOG_FORMAT`` (``CTFLOW_LOG_FORMAT``).

JSON lines are made by python-json-logger rather than a formatter of our own: it already puts a
record's ``extra`` fields, its exception and a UTC timestamp in the object, and escapes what a
message holds, so a value can never break a line or forge another. Every record written during
a request carries its ``request_id`` (``RequestIdFilter``); the request's own line
(app.observability.requests) adds the route, status, duration, user, council and case.
"""

from __future__ import annotations

import logging
import sys

from flask import Flask
from flask.logging import default_handler
from pythonjsonlogger.json import JsonFormatter

FORMATS = ("json", "text")
HANDLER_NAME = "ctflow"
# Shown on a text line before the message when a record has them.
TEXT_CONTEXT = ("request_id", "user_id", "council", "case_id", "task_id")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from app.observability.requests import request_id

        current = request_id()
        if current is not None and getattr(record, "request_id", None) is None:
            record.request_id = current
        return True


class TextFormatter(logging.Formatter):
    """``2026-11-23 10:00:00,123 INFO app.observability.requests [request_id=… user_id=3] GET …``"""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(context)s%(message)s")

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 (logging's name)
        pairs = [
            f"{key}={getattr(record, key)}" for key in TEXT_CONTEXT if getattr(record, key, None) is not None
        ]
        record.context = f"[{' '.join(pairs)}] " if pairs else ""
        return super().formatMessage(record)


def json_formatter() -> logging.Formatter:
    return JsonFormatter(
        ["levelname", "name", "message"],
        rename_fields={"levelname": "level", "name": "logger"},
        timestamp="time",
    )


def formatter(name: str) -> logging.Formatter:
    return json_formatter() if name == "json" else TextFormatter()


def log_format(app: Flask) -> str:
    return app.config.get("LOG_FORMAT") or ("json" if app.config["ENV_NAME"] == "production" else "text")


class StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each record, not as it was when the app was made
    (test runners and the CLI's runner swap it)."""

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr


def configure_logging(app: Flask) -> None:
    """Our one handler on the root logger (replacing the one a previous app put there), so the
    loops' and libraries' records come out in the same format as the requests'."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == HANDLER_NAME]:
        root.removeHandler(old)
    if not app.config["LOG_TO_STDERR"]:
        return
    handler = StderrHandler()
    handler.name = HANDLER_NAME
    handler.setFormatter(formatter(log_format(app)))
    handler.addFilter(RequestIdFilter())
    root.addHandler(handler)
    # LOG_LEVEL is for ctflow's own records; libraries speak from WARNING up (WeasyPrint logs
    # each step of every PDF at INFO).
    level = logging.getLevelName(app.config["LOG_LEVEL"])
    logging.getLogger(app.import_name).setLevel(level)
    root.setLevel(max(level, logging.WARNING))
    # Flask's own handler would print the app's records a second time, unformatted.
    logging.getLogger(app.import_name).removeHandler(default_handler)
