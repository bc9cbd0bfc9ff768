"""A case's access log page (issue 17): the API's list, for the same people."""

from __future__ import annotations

from flask import g, render_template, url_for

from app.services import access_log
from app.services import councils as council_service
from app.web import web_bp
from app.web.pagination import page_number, pagination

PER_PAGE = 50
KIND_LABELS = {"view": "Viewed", "export": "Exported (subject access)"}


@web_bp.get("/cases/<int:case_id>/access-log")
def access_log_page(case_id: int):
    case = access_log.readable_case(g.user, case_id)  # 404 or 403 pages (app/errors.py)
    page = page_number()
    items, total = access_log.entries_of_case(case.id, page, PER_PAGE)
    return render_template(
        "web/access_log.html",
        case=case,
        council=council_service.policy_for(case.council_id),
        rows=[{"entry": item, "kind": KIND_LABELS.get(item.kind, item.kind)} for item in items],
        total=total,
        retention_days=access_log.retention_days(),
        case_href=url_for("web.case_page", case_id=case.id),
        pagination=pagination("web.access_log_page", page, total, PER_PAGE, case_id=case.id),
    )
