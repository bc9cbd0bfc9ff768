"""The manager's view: everything overdue or due this week across a council."""

from __future__ import annotations

from flask import abort, g, render_template, request, session

from app.services import councils as council_service
from app.services import tasks as task_service
from app.web import web_bp
from app.web.inbox import TaskList, task_rows

# A council's week of work fits one page; more than this is itself the news.
LIMIT = 200


@web_bp.get("/overview")
def overview():
    councils = task_service.overview_councils(g.user)
    if not councils:
        abort(403)
    wanted = request.args.get("council") or session.get("council")
    council = wanted if wanted in councils else councils[0]
    items, total = task_service.due_this_week(g.user, council, page=1, per_page=LIMIT)
    rows = task_rows(items, action=None)
    overdue = [row for row in rows if row.due.overdue]
    this_week = [row for row in rows if not row.due.overdue]
    return render_template(
        "web/overview.html",
        council=council_service.policy_for(council),
        overdue=TaskList(overdue, len(overdue), None),
        this_week=TaskList(this_week, len(this_week), None),
        truncated=total > LIMIT,
        return_to=request.full_path.rstrip("?"),
    )
