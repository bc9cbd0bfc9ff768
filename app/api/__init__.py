"""The JSON API under /api/v1: bearer-token auth is attached to the blueprint, so no view can forget it."""

from __future__ import annotations

from flask import Blueprint, g, request

from app.errors import ApiError
from app.services import auth as auth_service

api_bp = Blueprint("api", __name__, url_prefix="/api/v1")

# Endpoints anyone may call (spec/API.md: health and the public application routes; the API
# description is documentation, not data).
PUBLIC_ENDPOINTS = {
    "api.health",
    "api.health_ready",
    "api.create_token",
    "api.request_password_reset",
    "api.set_password_with_link",
    "api.openapi",
}


@api_bp.before_request
def require_token() -> None:
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthenticated("Sign in first: send Authorization: Bearer <token>.")
    user = auth_service.user_for_token(token.strip())
    if user is None:
        raise _unauthenticated("The token is invalid, expired or revoked; get a new one.")
    g.user = user


def _unauthenticated(message: str) -> ApiError:
    return ApiError(401, message, "unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="ctflow"'})


# Views register themselves on api_bp; imported last because they import api_bp.
from app.api import access_log as _access_log  # noqa: E402,F401
from app.api import audit as _audit  # noqa: E402,F401
from app.api import auth as _auth  # noqa: E402,F401
from app.api import calendar as _calendar  # noqa: E402,F401
from app.api import cases as _cases  # noqa: E402,F401
from app.api import councils as _councils  # noqa: E402,F401
from app.api import data_protection as _data_protection  # noqa: E402,F401
from app.api import documents as _documents  # noqa: E402,F401
from app.api import health as _health  # noqa: E402,F401
from app.api import openapi as _openapi  # noqa: E402,F401
from app.api import people as _people  # noqa: E402,F401
from app.api import processes as _processes  # noqa: E402,F401
from app.api import reports as _reports  # noqa: E402,F401
from app.api import settings as _settings  # noqa: E402,F401
from app.api import subject_access as _subject_access  # noqa: E402,F401
from app.api import tasks as _tasks  # noqa: E402,F401
