"""The manager's view of a council: each person's open and overdue work, and everything overdue
or due this week (issue 12, "Managers: each officer's open and overdue work")."""

from __future__ import annotations

from flask import abort, g, render_template, request, session, url_for

from app.services import councils as council_service
from app.services import tasks as task_service
from app.web import web_bp
from app.web.inbox import TaskList, task_rows
from app.web.pagination import page_number, pagination

# A council's week of work fits one page; more than this is itself the news.
LIMIT = 200
PER_PAGE = 25


def _council() -> str:
    councils = task_service.overview_councils(g.user)
    if not councils:
        abort(403)
    wanted = request.args.get("council") or session.get("council")
    return wanted if wanted in councils else councils[0]


@web_bp.get("/overview")
def overview():
    council = _council()
    items, total = task_service.due_this_week(g.user, council, page=1, per_page=LIMIT)
    rows = task_rows(items, action=None)
    overdue = [row for row in rows if row.due.overdue]
    this_week = [row for row in rows if not row.due.overdue]
    team = [
        {
            "name": w.person.name if w.person else "Nobody (unclaimed)",
            "email": w.person.email if w.person else "",
            "href": url_for("web.person_work", user_id=w.person.id, council=council)
            if w.person and w.open
            else None,
            "open": w.open,
            "overdue": w.overdue,
        }
        for w in task_service.team_workload(g.user, council)
    ]
    return render_template(
        "web/overview.html",
        council=council_service.policy_for(council),
        team=team,
        overdue=TaskList(overdue, len(overdue), None),
        this_week=TaskList(this_week, len(this_week), None),
        truncated=total > LIMIT,
        return_to=request.full_path.rstrip("?"),
    )


@web_bp.get("/overview/people/<int:user_id>")
def person_work(user_id: int):
    """One person's open tasks at the council, overdue first, each with a way to reassign it."""
    council = _council()
    person = task_service.team_member(g.user, council, user_id)
    if person is None:
        abort(404)
    page = page_number()
    items, total = task_service.work_of(g.user, council, person.id, page=page, per_page=PER_PAGE)
    return render_template(
        "web/person_work.html",
        council=council_service.policy_for(council),
        person=person,
        tasks=TaskList(
            task_rows(items, action=None),
            total,
            pagination("web.person_work", page, total, PER_PAGE, user_id=user_id),
        ),
        return_to=request.full_path.rstrip("?"),
    )
