"""The dashboard's SQL form of a deadline's result agrees with the domain rule the case pages use
(app.domain.deadlines.deadline_status), on both backends; and an action counts in the figures the
rule of app.domain.actions says."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app.domain.actions import ACTION_FIGURES, in_action_figure
from app.domain.deadlines import deadline_status
from app.extensions import db
from app.models import Deadline
from app.store.dashboard import deadline_result
from tests.factories.dashboard_cases import make_dashboard_cases

TODAY = date(2026, 11, 23)
DUE = date(2026, 11, 20)
DONE_ON = [None, date(2026, 11, 19), DUE, date(2026, 11, 21)]
DUE_ON = [date(2026, 11, 22), TODAY, date(2026, 11, 24), DUE]


def test_the_sql_result_of_a_deadline_is_the_domain_rule(app, processes):
    with app.app_context():
        case_id = make_dashboard_cases()["DER-F"]
        rows = []
        for n, (due_on, done_on) in enumerate((d, x) for d in DUE_ON for x in DONE_ON):
            rows.append(Deadline(case_id=case_id, key=f"k{n}", label="k", due_on=due_on, done_on=done_on))
        db.session.add_all(rows)
        db.session.commit()
        found = dict(
            db.session.execute(
                select(Deadline.key, deadline_result(TODAY)).where(Deadline.case_id == case_id)
            ).all()
        )
        for row in rows:
            assert found[row.key] == deadline_status(row.due_on, row.done_on, TODAY), (
                row.due_on,
                row.done_on,
            )


@pytest.mark.parametrize(
    ("action", "figures"),
    [
        ({"status": "open", "due_on": "2026-11-30"}, {"open"}),
        ({"status": "open", "due_on": "2026-11-22"}, {"open", "overdue"}),
        ({"status": "open", "due_on": "2026-11-23"}, {"open"}),
        ({"status": "done", "due_on": "2026-10-15", "done_on": "2026-10-15"}, {"done_on_time"}),
        ({"status": "done", "due_on": "2026-10-15", "done_on": "2026-10-16"}, {"done_late"}),
        ({"status": "done", "due_on": "2026-10-15", "done_on": "2026-08-31"}, set()),
        ({"status": "closed", "due_on": "2026-12-15", "done_on": "2026-09-01"}, {"closed_undone"}),
        ({"status": "closed", "due_on": "2026-12-15", "done_on": "2026-11-24"}, set()),
    ],
    ids=["open", "overdue", "due today", "done on the day", "done a day late", "done before the period",
         "closed on the first day", "closed after the period"],
)  # fmt: skip
def test_which_figures_an_action_counts_in(action, figures):
    start, end = date(2026, 9, 1), date(2026, 11, 23)
    assert {f for f in ACTION_FIGURES if in_action_figure(action, f, start, end, TODAY)} == figures
