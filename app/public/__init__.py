"""The applicants' pages: the application form and the private status page. No sign-in.

The form follows GOV.UK question-page patterns (one thing per page, check your answers) and keeps
the answers in the signed session; every page validates through ``ApplicationSchema``, the same
rules as the API, and the case is opened by the same ``open_case``.
"""

from __future__ import annotations

from flask import Blueprint, Response, request

public_bp = Blueprint("public", __name__)


@public_bp.after_request
def _not_cached(response: Response) -> Response:
    # The pages carry an applicant's answers or their case: never kept by browsers or proxies.
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


from app.public import apply as _apply  # noqa: E402,F401
from app.public import figures as _figures  # noqa: E402,F401
from app.public import privacy as _privacy  # noqa: E402,F401
from app.public import status as _status  # noqa: E402,F401
