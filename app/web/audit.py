"""The audit list page of a council (issue 16): the API's list, with the same filters and checks."""

from __future__ import annotations

import json
from typing import Any

from flask import abort, g, render_template, request, url_for
from marshmallow import ValidationError

from app.models import AuditEntry
from app.schemas.audit import AuditQuerySchema
from app.services import audit
from app.services import councils as council_service
from app.services.audit import AuditFilters, AuditForbidden, AuditNotFound
from app.web import web_bp
from app.web.pagination import page_number, pagination

PER_PAGE = 25
FILTERS = ("action", "actor", "from", "to")
# The API names the first day "from"; the schema's attribute is from_.
FIELD_IDS = {"from_": "from"}
FIELD_LABELS = {"action": "Change", "actor": "Made by", "from": "From", "to": "To"}
ACTION_LABELS = {
    "settings.changed": "Settings changed",
    "settings.confirmed": "Assumed value confirmed",
    "settings.created": "Settings created",
    "settings.imported": "Settings imported",
    "user.invited": "User invited",
    "user.reinvited": "Invitation sent again",
    "user.invitation_accepted": "Invitation accepted",
    "user.role_added": "Role given",
    "user.role_removed": "Role removed",
    "user.agency_changed": "Agency changed",
    "user.deactivated": "Account deactivated",
    "user.reactivated": "Account reactivated",
    "user.password_reset": "Password reset",
    "user.password_changed": "Password changed",
    "council.created": "Council created",
    "process.activated": "Process version put live",
}
query_schema = AuditQuerySchema()


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def _details(entry: AuditEntry) -> str:
    return json.dumps(entry.details, indent=2, ensure_ascii=False, sort_keys=True) if entry.details else ""


@web_bp.get("/councils/<council_id>/audit")
def audit_page(council_id: str):
    try:
        audit.readable_council(g.user, council_id)
    except AuditNotFound:
        abort(404)
    except AuditForbidden:
        abort(403)
    values = {key: request.args.get(key, "").strip() for key in FILTERS}
    errors: list[dict[str, str]] = []
    field_errors: dict[str, Any] = {}
    filters = AuditFilters()
    try:
        query = query_schema.load({k: v for k, v in values.items() if v})
        filters = AuditFilters(query.get("action"), query.get("actor"), query.get("from_"), query.get("to"))
    except ValidationError as exc:
        errors = [
            {"text": " ".join(messages), "href": f"#{FIELD_IDS.get(field, field)}"}
            for field, messages in exc.messages.items()
            if isinstance(messages, list)
        ]
        # The summary names the field; the message beside the field needs no name.
        field_errors = {e["href"][1:]: {"text": e["text"]} for e in errors}
        for e in errors:
            e["text"] = f"{FIELD_LABELS.get(e['href'][1:], e['href'][1:])}: {e['text']}"
    page = page_number()
    items, total = audit.entries(council_id, filters, page=page, per_page=PER_PAGE) if not errors else ([], 0)
    return render_template(
        "web/audit.html",
        council=council_service.policy_for(council_id),
        values=values,
        errors=errors,
        field_errors=field_errors,
        actions=[{"value": "", "text": "Any change"}]
        + [
            {"value": a, "text": action_label(a), "selected": a == values["action"]}
            for a in audit.actions_of(council_id)
        ],
        rows=[
            {"entry": entry, "label": action_label(entry.action), "details": _details(entry)}
            for entry in items
        ],
        total=total,
        filtered=any(values.values()),
        clear_href=url_for("web.audit_page", council_id=council_id),
        pagination=pagination("web.audit_page", page, total, PER_PAGE, council_id=council_id),
    )
