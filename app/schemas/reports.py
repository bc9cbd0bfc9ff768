"""The annual report's query, its JSON and its CSV download."""

from __future__ import annotations

import csv
import io
import re
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, ValidationError, fields, post_dump, validate, validates_schema

from app.schemas.common import EARLIEST_DATE, LATEST_DATE, BaseSchema

if TYPE_CHECKING:
    from app.services.reports import AnnualReport, Figures

REPORT_FORMATS = ("json", "csv")
_YEAR = re.compile(r"^\d{4}$")


class Year(fields.Integer):
    """A year written as four digits (not "+2026", " 2026" or "2_026", which int() would take)."""

    default_error_messages = {"invalid": "Not a valid year; use YYYY."}

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(min=EARLIEST_DATE.year, max=LATEST_DATE.year), **kwargs)

    def _deserialize(self, value: Any, attr, data, **kwargs) -> int:
        if not isinstance(value, str) or not _YEAR.match(value):
            raise self.make_error("invalid")
        return int(value)


class AnnualReportQuerySchema(BaseSchema):
    year = Year(required=True)
    council = fields.String(validate=validate.Length(min=1, max=64))
    county = fields.String(validate=validate.Length(min=1, max=64))
    format = fields.String(validate=validate.OneOf(REPORT_FORMATS))

    @validates_schema
    def _council_or_county(self, data, **kwargs):
        if ("council" in data) == ("county" in data):
            raise ValidationError("Give either council or county.", field_name="council")


class ReportPeriodSchema(Schema):
    from_ = fields.Date(data_key="from", attribute="start")
    to = fields.Date(attribute="end")


class ActionCountsSchema(Schema):
    """The actions of the plans settled in the year (issue 15), beside the statutory figures."""

    done_on_time = fields.Integer(metadata={"description": "done by their due date"})
    done_late = fields.Integer(metadata={"description": "done after their due date"})
    closed_undone = fields.Integer(metadata={"description": "closed by a manager without being done"})


class AnnualFiguresSchema(Schema):
    """One council's figures for the year."""

    council = fields.String()
    applications = fields.Integer(attribute="figures.applications")
    threshold_not_met = fields.Integer(attribute="figures.threshold_not_met")
    reviews_carried_out = fields.Integer(attribute="figures.reviews_carried_out")
    reviews_with_recommendations = fields.Integer(attribute="figures.reviews_with_recommendations")
    actions = fields.Nested(ActionCountsSchema)


class AnnualReportSchema(Schema):
    year = fields.Integer()
    council = fields.String(metadata={"description": "a council's report only"})
    county = fields.String(metadata={"description": "a county's report only"})
    period = fields.Nested(ReportPeriodSchema)
    applications = fields.Integer(attribute="total.applications")
    threshold_not_met = fields.Integer(
        attribute="total.threshold_not_met",
        metadata={
            "description": "refusals standing at the time of the report: one overturned on review is not counted"
        },
    )
    reviews_carried_out = fields.Integer(attribute="total.reviews_carried_out")
    reviews_with_recommendations = fields.Integer(attribute="total.reviews_with_recommendations")
    actions = fields.Nested(
        ActionCountsSchema,
        attribute="actions_total",
        metadata={
            "description": "the actions of the action plans done or closed in the year; not a statutory figure"
        },
    )
    councils = fields.List(
        fields.Nested(AnnualFiguresSchema),
        attribute="rows",
        metadata={"description": "one row per council of the county (zeros included); one row for a council"},
    )

    @post_dump
    def _council_or_county(self, data: dict[str, Any], **kwargs) -> dict[str, Any]:
        return {
            key: value for key, value in data.items() if key not in ("council", "county") or value is not None
        }


CSV_FIGURES = ("applications", "threshold_not_met", "reviews_carried_out", "reviews_with_recommendations")
CSV_COLUMNS = ("year", "county", "council", "name", *CSV_FIGURES)


def annual_report_csv(report: AnnualReport) -> str:
    """One row per council; a county's report ends with a total row (no council id)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow([report.year, row.county, row.council, row.name, *_figures(row.figures)])
    if report.county is not None:
        writer.writerow([report.year, report.county, "", f"Total for {report.name}", *_figures(report.total)])
    return out.getvalue()


def annual_report_filename(report: AnnualReport) -> str:
    return f"annual-report-{report.year}-{report.council or report.county}.csv"


def _figures(figures: Figures) -> list[int]:
    return [getattr(figures, name) for name in CSV_FIGURES]
