from flask import g

from app.api import api_bp
from app.api.inputs import load_query
from app.errors import ApiError, NotFound
from app.schemas.audit import AuditPageSchema, AuditQuerySchema
from app.services import audit
from app.services.audit import AuditFilters, AuditForbidden, AuditNotFound

audit_query_schema = AuditQuerySchema()
audit_page_schema = AuditPageSchema()


@api_bp.get("/councils/<council_id>/audit")
def list_audit(council_id: str):
    """The council's audit list: every change to its settings, people and roles, newest first.
    ---
    get:
      tags: [councils]
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
        - {in: query, name: action, schema: {type: string, maxLength: 64}, example: settings, description: "an action, or every action under a dotted prefix"}
        - {in: query, name: actor, schema: {type: string, maxLength: 254}, description: "an e-mail address, or system or cli"}
        - {in: query, name: from, schema: {type: string, format: date}, description: "from this day, included"}
        - {in: query, name: to, schema: {type: string, format: date}, description: "up to this day, included"}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of entries, content: {application/json: {schema: AuditPageSchema}}}
        403: Only the council's admins and community safety managers see it
    """
    try:
        audit.readable_council(g.user, council_id)
    except AuditNotFound:
        raise NotFound("council") from None
    except AuditForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None
    query = load_query(audit_query_schema)
    filters = AuditFilters(
        action=query.get("action"), actor=query.get("actor"), since=query.get("from_"), until=query.get("to")
    )
    items, total = audit.entries(council_id, filters, page=query["page"], per_page=query["per_page"])
    return audit_page_schema.dump(
        {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}
    )
