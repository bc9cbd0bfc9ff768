"""A case's access log (issue 17), for its council's managers and data protection staff."""

from flask import g

from app.api import api_bp
from app.api.inputs import load_query
from app.schemas.access_log import CaseAccessPageSchema
from app.schemas.common import PageQuerySchema
from app.services import access_log

page_query_schema = PageQuerySchema()
access_page_schema = CaseAccessPageSchema()


@api_bp.get("/cases/<int:case_id>/access-log")
def case_access_log(case_id: int):
    """Who viewed or exported this case's personal data, and when, newest first.
    ---
    get:
      tags: [cases]
      description: "Staff and partners' views of the case, its tasks and its letters (pages and API) and
        subject access exports. Entries are kept ACCESS_LOG_RETENTION_DAYS (default 730)."
      parameters:
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of entries, content: {application/json: {schema: CaseAccessPageSchema}}}
        403: "Only the council's community safety managers and data protection staff see it"
        404: No such case among those the caller may see
    """
    case = access_log.readable_case(g.user, case_id)  # 404 or 403 (app/errors.py)
    query = load_query(page_query_schema)
    items, total = access_log.entries_of_case(case.id, query["page"], query["per_page"])
    return access_page_schema.dump(
        {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}
    )
