"""The managers' dashboard's query and JSON (GET /api/v1/reports/dashboard), and the query of the
cases behind one of its figures (the case list's ``figure``, ``key``, ``from`` and ``to``)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_dump, post_load, validate, validates_schema

from app import clock
from app.domain.actions import ACTION_FIGURES
from app.domain.periods import PeriodInvalid, period_of
from app.schemas.common import BaseSchema, IsoDate
from app.schemas.reports import ReportPeriodSchema
from app.store.dashboard import FIGURE_KINDS, CaseFigure

KEY = validate.Length(min=1, max=64)
# A figure's key names a deadline, milestone, role or agency: lower_snake_case, as the diagrams'
# keys are (app/engine/specs.py), so nothing else reaches a query.
FIGURE_KEY = validate.Regexp(
    r"^[a-z][a-z0-9_]{0,63}$", error="Not a key: use lower_snake_case, e.g. acknowledge."
)


def checked_period(data: dict[str, Any]) -> None:
    """Replace ``from`` and ``to`` by the period they make, or say precisely what is wrong."""
    try:
        data["period"] = period_of(data.pop("start", None), data.pop("end", None), clock.today())
    except PeriodInvalid as exc:
        raise ValidationError(exc.message, field_name=exc.field_name) from None


class DashboardQuerySchema(BaseSchema):
    council = fields.String(validate=KEY, metadata={"description": "a council id"})
    county = fields.String(
        validate=KEY, metadata={"description": "instead of council: every council of the county"}
    )
    start = IsoDate(data_key="from", metadata={"description": "first day of the period; default: twelve months before its end"})  # fmt: skip
    end = IsoDate(data_key="to", metadata={"description": "last day of the period; default: today"})

    @validates_schema
    def _council_or_county(self, data, **kwargs):
        if ("council" in data) == ("county" in data):
            raise ValidationError("Give either council or county.", field_name="council")

    @post_load
    def _period(self, data, **kwargs):
        checked_period(data)
        return data


class CaseFigureQueryFields(Schema):
    """The case list's filters for the cases behind a figure of the dashboard: mixed into the
    API's and the page's case queries."""

    county = fields.String(validate=KEY, metadata={"description": "the cases of this county's councils"})
    figure = fields.String(
        validate=validate.OneOf(FIGURE_KINDS),
        metadata={"description": "the cases one figure of the managers' dashboard counted (with key)"},
    )
    key = fields.String(
        validate=FIGURE_KEY,
        metadata={
            "description": "the figure's deadline, role, agency or milestone; for figure=action one of "
            + ", ".join(ACTION_FIGURES)
        },
    )
    start = IsoDate(data_key="from", metadata={"description": "with figure: first day of its period"})
    end = IsoDate(data_key="to", metadata={"description": "with figure: last day of its period"})

    @validates_schema
    def _figure_and_key(self, data, **kwargs):
        if "figure" not in data:
            for name in ("key", "start", "end"):
                if name in data:
                    raise ValidationError(
                        "Give it with figure.", field_name=self.fields[name].data_key or name
                    )
            return
        if "key" not in data:
            raise ValidationError("Give the figure's key.", field_name="key")
        if data["figure"] == "action" and data["key"] not in ACTION_FIGURES:
            raise ValidationError(f"Must be one of: {', '.join(ACTION_FIGURES)}.", field_name="key")

    @post_load
    def _case_figure(self, data, **kwargs):
        if "figure" in data:
            checked_period(data)
            data["figure"] = CaseFigure(data["figure"], data.pop("key"), data.pop("period"))
        return data


class DeadlineMonthSchema(Schema):
    deadline = fields.String(metadata={"description": "the deadline's key, e.g. acknowledge"})
    label = fields.String()
    month = fields.String(metadata={"description": "YYYY-MM of the due dates"})
    met = fields.Integer()
    missed = fields.Integer()


class StageTallySchema(Schema):
    stage = fields.String(attribute="key")
    cases = fields.Integer()


class RoleTallySchema(Schema):
    role = fields.String(attribute="key")
    tasks = fields.Integer(attribute="count")
    cases = fields.Integer(metadata={"description": "the cases with one"})


class AgencyTallySchema(Schema):
    agency = fields.String(attribute="key", metadata={"description": "the partner agency asked"})
    tasks = fields.Integer(attribute="count")
    cases = fields.Integer(metadata={"description": "the cases with one"})


class MilestoneTimeSchema(Schema):
    milestone = fields.String()
    cases = fields.Integer(metadata={"description": "cases that first reached it in the period"})
    median_working_days = fields.Float(metadata={"description": "from receipt, on the council's calendar"})


class DashboardActionsSchema(Schema):
    open = fields.Integer(metadata={"description": "open today (overdue ones included)"})
    overdue = fields.Integer(metadata={"description": "open today and past their due date"})
    done_on_time = fields.Integer(metadata={"description": "done in the period, by their due date"})
    done_late = fields.Integer(metadata={"description": "done in the period, after their due date"})
    closed_undone = fields.Integer(metadata={"description": "closed in the period without being done"})


class CouncilSummarySchema(Schema):
    council = fields.String()
    name = fields.String()
    open_cases = fields.Integer()
    deadlines_met = fields.Integer()
    deadlines_missed = fields.Integer()
    overdue_tasks = fields.Integer()
    actions_overdue = fields.Integer()


class DashboardSchema(Schema):
    council = fields.String(metadata={"description": "a council's dashboard"})
    county = fields.String(metadata={"description": "a county's dashboard"})
    name = fields.String()
    period = fields.Nested(ReportPeriodSchema)
    today = fields.Date(metadata={"description": "the day open, overdue and pending are judged on"})
    deadlines = fields.List(
        fields.Nested(DeadlineMonthSchema),
        metadata={"description": "deadlines due in the period, met or missed, per deadline and month of the due "
                  "date; windows (the applicant's time) and pending deadlines are left out"},
    )  # fmt: skip
    open_cases = fields.List(
        fields.Nested(StageTallySchema), metadata={"description": "open cases now, by stage"}
    )
    overdue_tasks_by_role = fields.List(fields.Nested(RoleTallySchema))
    overdue_tasks_by_agency = fields.List(fields.Nested(AgencyTallySchema))
    milestones = fields.List(fields.Nested(MilestoneTimeSchema))
    actions = fields.Nested(DashboardActionsSchema)
    councils = fields.List(
        fields.Nested(CouncilSummarySchema),
        metadata={"description": "a county's dashboard: each council's line"},
    )

    @post_dump
    def _council_or_county(self, data: dict[str, Any], **kwargs) -> dict[str, Any]:
        if data.get("county") is None:
            data.pop("councils", None)
        return {
            key: value for key, value in data.items() if key not in ("council", "county") or value is not None
        }
