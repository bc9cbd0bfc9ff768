"""The action plans the dashboard and the annual figures count (app/store/reports.py)."""

from __future__ import annotations

from sqlalchemy import JSON, func, select, update

from app.extensions import db
from app.models import Case
from app.store import reports as report_store
from tests.factories.cases import application

PLAN = [{"id": 1, "description": "Joint visit", "owner_agency": "police", "due_on": "2027-01-15",
         "agreed_with_victim": True, "status": "open", "done_on": None, "note": "", "updates": []}]  # fmt: skip


def test_only_the_cases_whose_plan_has_an_action_are_read(app, derby, clock):
    """A case without an action may hold SQL NULL (not reviewed yet), an empty list (a review
    without recommendations) or JSON null (None in a bulk insert): none of them is fetched, so a
    county's dashboard decodes only the plans it counts."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    never, nulled, empty, planned = (derby.open_case(application())["id"] for _ in range(4))
    with app.app_context():
        db.session.execute(update(Case).where(Case.id == nulled).values(action_plan=JSON.NULL))
        db.session.get(Case, empty).action_plan = []
        db.session.get(Case, planned).action_plan = PLAN
        db.session.commit()
        stored = db.session.execute(select(func.count()).where(Case.action_plan.is_not(None))).scalar_one()
        assert stored == 3  # JSON null and [] are not SQL NULL
        query = report_store.action_plans_query(["derby-city"])
        assert db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one() == 1
        assert report_store.action_plans(["derby-city"]) == [(planned, "derby-city", PLAN)]
