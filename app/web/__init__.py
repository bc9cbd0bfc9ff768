"""The officers' and partners' pages: GOV.UK Design System, a session cookie and CSRF on every form.

Sign-in is attached to the blueprint, so no page can forget it; pages call the same services
as the API.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, Response, g, get_flashed_messages, redirect, request, session, url_for

from app.errors import API_PREFIX
from app.services import auth as auth_service
from app.services import councils as council_service

web_bp = Blueprint("web", __name__)

# "/" shows visitors the public start page and staff their inbox (app.web.inbox).
PUBLIC_ENDPOINTS = {"web.sign_in", "web.inbox", "web.forgot_password", "web.set_password"}


@web_bp.before_app_request
def load_signed_in_user() -> None:
    """Every page (error pages too) knows who is signed in, and has a CSP nonce."""
    g.csp_nonce = secrets.token_urlsafe(16)
    g.user = None
    if request.path.startswith(API_PREFIX) or request.endpoint == "static" or "sid" not in session:
        return
    g.user = auth_service.user_for_session(session["sid"])
    if g.user is None:
        session.clear()


@web_bp.before_request
def require_sign_in():
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return redirect(url_for("web.sign_in", next=request.full_path.rstrip("?")))
    return None


@web_bp.after_app_request
def add_security_headers(response: Response) -> Response:
    if request.endpoint != "static":
        # Pages and API responses carry case data or personal data: never kept by the browser
        # or proxies (issue 13). Only the static assets may be cached.
        response.headers.setdefault("Cache-Control", "no-store")
    if request.path.startswith(API_PREFIX):
        return response
    nonce = g.get("csp_nonce", "")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


@web_bp.app_context_processor
def layout_context() -> dict:
    """What base.html needs on every page, worked out here rather than in the template."""
    user = g.get("user")
    councils = council_service.councils_visible_to(user) if user is not None else []
    return {
        "cspNonce": g.get("csp_nonce"),
        "current_user": user,
        "council_choices": [{"value": "", "text": "All my councils"}]
        + [{"value": c.id, "text": c.name, "selected": c.id == session.get("council")} for c in councils]
        if len(councils) > 1
        else [],
        "banners": [
            {"type": "success" if category == "success" else None, "text": message, "role": "alert"}
            for category, message in get_flashed_messages(with_categories=True)
        ],
        "navigation": _navigation(user) if user is not None else [],
    }


def _navigation(user) -> list[dict]:
    from app.services import audit, process_versions
    from app.services.cases import staff_councils
    from app.services.dashboard import dashboard_councils
    from app.services.subject_access import SUBJECT_ACCESS_ROLES
    from app.services.tasks import overview_councils
    from app.web.people import PERSON_ENDPOINTS, people_home_council

    items = [{"href": url_for("web.inbox"), "text": "Inbox", "active": request.endpoint == "web.inbox"}]
    if staff_councils(user):
        items.append(
            {"href": url_for("web.case_list"), "text": "Cases", "active": request.endpoint == "web.case_list"}
        )
    if dashboard_councils(user):
        items.append(
            {
                "href": url_for("web.dashboard"),
                "text": "Dashboard",
                "active": request.endpoint == "web.dashboard",
            }
        )
    if overview_councils(user):
        items.append(
            {
                "href": url_for("web.overview"),
                "text": "Council overview",
                "active": request.endpoint in ("web.overview", "web.person_work"),
            }
        )
    if people_home_council(user) is not None:
        items.append(
            {
                "href": url_for("web.people_home"),
                "text": "People",
                "active": (request.endpoint or "").startswith("web.people")
                or request.endpoint in PERSON_ENDPOINTS,
            }
        )
    if process_versions.owned_councils(user):
        items.append(
            {
                "href": url_for("web.studio_index"),
                "text": "Processes",
                "active": (request.endpoint or "").startswith("web.studio"),
            }
        )
    from app.services.council_settings import editable_sections

    editable = [c.id for c in council_service.reachable_councils(user) if editable_sections(user, c.id)]
    if editable:
        council = session.get("council") if session.get("council") in editable else editable[0]
        items.append(
            {
                "href": url_for("web.settings_page", council_id=council),
                "text": "Settings",
                "active": (request.endpoint or "").startswith("web.settings")
                or request.endpoint == "web.council_source",
            }
        )
    if user.service_admin:
        items.append(
            {
                "href": url_for("web.council_new"),
                "text": "Add a council",
                "active": request.endpoint == "web.council_new",
            }
        )
    if any(user.roles_in(c) & SUBJECT_ACCESS_ROLES for c in user.council_ids):
        items.append(
            {
                "href": url_for("web.subject_access_search"),
                "text": "Subject access",
                "active": (request.endpoint or "").startswith("web.subject_access"),
            }
        )
    audited = audit.readable_councils(user)
    if audited:
        council = session.get("council") if session.get("council") in audited else audited[0]
        items.append(
            {
                "href": url_for("web.audit_page", council_id=council),
                "text": "Audit",
                "active": request.endpoint == "web.audit_page",
            }
        )
    return items


def safe_next(target: str | None) -> str:
    """A redirect target after sign-in: a path on this site, never another host."""
    fallback = url_for("web.inbox")
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


# Views register themselves on web_bp; imported last because they import web_bp.
from app.web import access_log as _access_log  # noqa: E402,F401
from app.web import account as _account  # noqa: E402,F401
from app.web import audit as _audit  # noqa: E402,F401
from app.web import auth as _auth  # noqa: E402,F401
from app.web import case_list as _case_list  # noqa: E402,F401
from app.web import cases as _cases  # noqa: E402,F401
from app.web import councils as _councils  # noqa: E402,F401
from app.web import dashboard as _dashboard  # noqa: E402,F401
from app.web import data_protection as _data_protection  # noqa: E402,F401
from app.web import inbox as _inbox  # noqa: E402,F401
from app.web import overview as _overview  # noqa: E402,F401
from app.web import people as _people  # noqa: E402,F401
from app.web import settings as _settings  # noqa: E402,F401
from app.web import studio as _studio  # noqa: E402,F401
from app.web import subject_access as _subject_access  # noqa: E402,F401
from app.web import tasks as _tasks  # noqa: E402,F401
