"""The inbox service's filters: stage, and claimed by me / unclaimed."""

from __future__ import annotations

from app.models import User
from app.services import tasks
from tests.factories.cases import application


def _inbox(app, email, **filters):
    with app.app_context():
        user = User.query.filter_by(email=email).one()
        options = {"scope": "mine", "council": None, "overdue": False, "page": 1, "per_page": 50}
        items, total = tasks.inbox(user, **{**options, **filters})
        return [t.case_id for t in items], total


def test_the_stage_filter_keeps_the_tasks_of_that_stage(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    officer = "officer.derby-city@example.org"
    assert _inbox(app, officer, stage="acknowledgement") == ([case["id"]], 1)
    # The council's own records check, beside the acknowledgement, is of the threshold stage.
    assert _inbox(app, officer, stage="threshold") == ([case["id"]], 1)
    assert _inbox(app, officer) == ([case["id"], case["id"]], 2)
    derby.check_records(case, agency="council")
    assert _inbox(app, officer, stage="threshold") == ([], 0)


def test_claimed_splits_my_tasks_from_the_unclaimed_ones(app, derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    first = derby.check_records(derby.open_case(application()), agency="council")
    second = derby.check_records(derby.open_case(application()), agency="council")
    officer = "officer.derby-city@example.org"
    task_id = first["open_tasks"][0]["id"]
    assert client.post(f"/api/v1/tasks/{task_id}/claim", headers=derby.as_("officer")).status_code == 200
    assert _inbox(app, officer, claimed=True) == ([first["id"]], 1)
    assert _inbox(app, officer, claimed=False) == ([second["id"]], 1)
    # The manager works officers' tasks too, but someone else's claim is not theirs.
    assert _inbox(app, "manager.derby-city@example.org", claimed=True) == ([], 0)
