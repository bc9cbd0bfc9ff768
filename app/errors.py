"""One error type and one JSON envelope for the API; GOV.UK error pages for everything else.

Every API error is ``{"error": {"code", "message", "fields"?}}`` (spec/API.md). Errors raised
anywhere under ``/api/`` – our own, marshmallow's, werkzeug's for unknown routes, wrong methods
and oversized bodies, and finally anything unexpected – are turned into that envelope here.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, jsonify, request
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

logger = logging.getLogger(__name__)

API_PREFIX = "/api/"

# HTTP status -> our error code, for errors werkzeug raises itself.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
    503: "unavailable",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or HTTP_CODES.get(status, "error")
        self.fields = fields
        self.headers = headers or {}

    def to_dict(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.fields is not None:
            error["fields"] = self.fields
        return {"error": error}


class NotFound(ApiError):
    def __init__(self, what: str = "resource"):
        super().__init__(404, f"No such {what}.", "not_found")


def error_response(error: ApiError) -> Response:
    response = jsonify(error.to_dict())
    response.status_code = error.status
    response.headers.update(error.headers)
    return response


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX) or request.path.rstrip("/") == API_PREFIX.rstrip("/")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(error: ApiError):
        return error_response(error)

    @app.errorhandler(ValidationError)
    def handle_validation_error(error: ValidationError):
        return error_response(validation_error(error.messages))

    _register_domain_errors(app)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        if not is_api_request():
            return web_error_page(error.code or 500, error)
        status = error.code or 500
        api_error = ApiError(status, _http_message(error), HTTP_CODES.get(status, "error"))
        response = error_response(api_error)
        if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
            response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[attr-defined]
        return response

    # Registered last on purpose: anything unexpected is logged with its traceback and the
    # caller gets the envelope without internals.
    app.register_error_handler(Exception, handle_unexpected)


def _register_domain_errors(app: Flask) -> None:
    """Services raise their own exceptions; the API answers them with the envelope's codes."""
    from app.services.cases import CaseBroken, CaseConflict, CaseForbidden, CaseNotFound
    from app.services.tasks import TaskForbidden, TaskNotFound
    from forms import FormError

    def respond(status: int, code: str, message_of=str):
        def handler(error):
            if not is_api_request():
                return web_error_page(status)
            return error_response(ApiError(status, message_of(error), code))

        return handler

    app.register_error_handler(CaseNotFound, respond(404, "not_found", lambda e: "No such case."))
    app.register_error_handler(TaskNotFound, respond(404, "not_found", lambda e: "No such task."))
    app.register_error_handler(CaseForbidden, respond(403, "forbidden"))
    app.register_error_handler(TaskForbidden, respond(403, "forbidden"))
    app.register_error_handler(CaseConflict, respond(409, "conflict"))

    from app.services.subject_access import SubjectAccessForbidden, SubjectAccessNotFound

    app.register_error_handler(
        SubjectAccessNotFound, respond(404, "not_found", lambda e: "No such council or person among yours.")
    )
    app.register_error_handler(SubjectAccessForbidden, respond(403, "forbidden"))

    from app.engine.specs import DiagramInvalid
    from app.services.process_versions import ProcessConflict, ProcessForbidden, ProcessNotFound

    app.register_error_handler(
        ProcessNotFound, respond(404, "not_found", lambda e: "No such process or version.")
    )
    app.register_error_handler(ProcessForbidden, respond(403, "forbidden"))
    app.register_error_handler(ProcessConflict, respond(409, "conflict"))

    @app.errorhandler(DiagramInvalid)
    def handle_invalid_diagram(error: DiagramInvalid):
        fields: dict[str, list[str]] = {}
        for problem in error.problems:
            fields.setdefault(problem.element or "diagram", []).append(problem.message)
        message = f"The diagram has {len(error.problems)} problem(s); each is listed under its element id."
        return error_response(ApiError(422, message, "invalid_diagram", fields=fields))

    @app.errorhandler(CaseBroken)
    def handle_broken(error: CaseBroken):
        logger.error("Case diagram failed: %s", error)
        return error_response(
            ApiError(409, f"The case's process diagram failed: {error}. Nothing was saved.", "process_error")
        )

    @app.errorhandler(OperationalError)
    def handle_database_busy(error: OperationalError):
        # SQLite's write lock held past the busy timeout: a transient state, not a fault.
        if "locked" in str(error).lower():
            return error_response(
                ApiError(
                    503, "The database is busy; try again in a moment.", "busy", headers={"Retry-After": "1"}
                )
            )
        return handle_unexpected(error)

    @app.errorhandler(FormError)
    def handle_form_error(error: FormError):
        return error_response(validation_error(error.messages))


def handle_unexpected(error: Exception):
    # The route's template, never the path: a path may carry a secret (/status/<token>).
    route = request.url_rule.rule if request.url_rule else "(no route)"
    logger.exception("Unhandled error on %s %s", request.method, route)
    if not is_api_request():
        return web_error_page(500)
    return error_response(ApiError(500, "Something went wrong on our side; nothing was changed."))


# status -> (heading, paragraphs) of the web's error pages (GOV.UK's page-not-found and
# problem-with-the-service patterns).
WEB_ERROR_PAGES = {
    400: (
        "Sorry, there is a problem with the service",
        ["The form could not be sent. Go back, reload the page and try again."],
    ),
    403: ("You do not have permission to do this", ["Ask your manager if you think you should have access."]),
    404: (
        "Page not found",
        [
            "If you typed the web address, check it is correct.",
            "If you pasted the web address, check you copied the entire address.",
        ],
    ),
    405: ("Page not found", ["This page cannot be used in that way."]),
    413: ("Sorry, there is a problem with the service", ["What you sent is too large."]),
    422: (
        "Sorry, there is a problem with the service",
        [
            "What you sent contains a character that cannot be stored (a NUL or half of a character pair).",
            "Go back, remove it and try again. Nothing was saved.",
        ],
    ),
    429: (
        "Sorry, there is a problem with the service",
        ["There have been too many attempts. Wait a moment and try again."],
    ),
    500: ("Sorry, there is a problem with the service", ["Try again later. Nothing was changed."]),
}
CSRF_PAGE = (
    "Sorry, there is a problem with the service",
    [
        "Your page was open too long or the form was not sent correctly, so nothing was saved.",
        "Go back, reload the page and try again.",
    ],
)


def web_error_page(status: int, error: HTTPException | None = None):
    """An error page with the GOV.UK layout; plain text if even that cannot be rendered."""
    from flask import render_template
    from flask_wtf.csrf import CSRFError

    heading, paragraphs = (
        CSRF_PAGE
        if isinstance(error, CSRFError)
        else WEB_ERROR_PAGES.get(status, WEB_ERROR_PAGES[500] if status >= 500 else WEB_ERROR_PAGES[400])
    )
    try:
        body = render_template("web/error.html", heading=heading, paragraphs=paragraphs)
    except Exception:
        logger.exception("The error page could not be rendered")
        return Response(f"{heading}. {' '.join(paragraphs)}", status=status, mimetype="text/plain")
    response = Response(body, status=status)
    if status == 405 and error is not None and error.valid_methods:  # type: ignore[attr-defined]
        response.headers["Allow"] = ", ".join(sorted(error.valid_methods))  # type: ignore[attr-defined]
    return response


def validation_error(messages: Any) -> ApiError:
    fields = messages if isinstance(messages, dict) else {"_schema": messages}
    return ApiError(422, "The request has invalid fields.", "validation_failed", fields=fields)


def _http_message(error: HTTPException) -> str:
    if error.code == 404:
        return "No such resource."
    if error.code == 405:
        return f"Method {request.method} is not allowed here."
    if error.code == 413:
        return "The request body is too large."
    return error.description or "The request could not be handled."
