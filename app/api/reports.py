from collections.abc import Iterator
from contextlib import contextmanager

from flask import Response, g, request

from app.api import api_bp
from app.api.inputs import load_query
from app.errors import ApiError, NotFound
from app.schemas.dashboard import DashboardQuerySchema, DashboardSchema
from app.schemas.reports import (
    AnnualReportQuerySchema,
    AnnualReportSchema,
    annual_report_csv,
    annual_report_filename,
)
from app.services import dashboard, reports
from app.services.reports import ReportForbidden, ReportNotFound

annual_report_query_schema = AnnualReportQuerySchema()
annual_report_schema = AnnualReportSchema()
dashboard_query_schema = DashboardQuerySchema()
dashboard_schema = DashboardSchema()

CSV = "text/csv"
JSON = "application/json"


@api_bp.get("/reports/annual")
def annual_report():
    """The statutory figures of a council, or of every council of a county, for a calendar year.
    ---
    get:
      tags: [reports]
      description: >-
        Counted from milestones dated inside the year, whatever diagram recorded them: cases
        received, refusals standing (one overturned on review is not counted), reviews held,
        and reviews that made recommendations. A county's report has a row for every council
        in it, zeros included. Send format=csv or Accept text/csv for a CSV download (one
        row per council, and a total row for a county).
      parameters:
        - {in: query, name: year, required: true, schema: {type: integer, minimum: 1900, maximum: 2199}, example: 2026}
        - {in: query, name: council, schema: {type: string}, example: derby-city, description: a council id}
        - {in: query, name: county, schema: {type: string}, example: derbyshire, description: instead of council}
        - {in: query, name: format, schema: {type: string, enum: [json, csv]}, description: overrides the Accept header}
      responses:
        200:
          description: The figures
          content:
            application/json: {schema: AnnualReportSchema}
            text/csv: {schema: {type: string}}
        401: Not signed in
        403: Partner agencies cannot see reports
        404: No such council or county among the caller's
        422: Invalid or missing parameters
    """
    query = load_query(annual_report_query_schema)
    with report_errors():
        report = reports.annual_report(
            g.user, query["year"], council_id=query.get("council"), county_id=query.get("county")
        )
    headers = {"Vary": "Accept"}
    if _wants_csv(query.get("format")):
        headers["Content-Disposition"] = f'attachment; filename="{annual_report_filename(report)}"'
        return Response(annual_report_csv(report), mimetype=CSV, headers=headers)
    return annual_report_schema.dump(report), 200, headers


def _wants_csv(format_: str | None) -> bool:
    if format_ is not None:
        return format_ == "csv"
    return request.accept_mimetypes.best_match([JSON, CSV], default=JSON) == CSV


@api_bp.get("/reports/dashboard")
def dashboard_report():
    """The managers' dashboard of a council, or of every council of a county, for a period.
    ---
    get:
      tags: [reports]
      description: >-
        The figures of the managers' dashboard page, for a partnership's own reports: deadlines
        due in the period met and missed, per deadline and month (windows, the applicant's time,
        and deadlines still pending are left out); open cases by stage and overdue tasks by role
        and by partner agency, as they stand today; the median working days from receipt to each
        milestone first reached in the period, on each council's calendar; actions open and
        overdue today, and done or closed in the period. The cases behind each figure are listed
        by GET /api/v1/cases with figure, key, from and to. For community safety managers and
        admins of the council; a county's dashboard for those of any of its councils, with
        every council in it.
      parameters:
        - {in: query, name: council, schema: {type: string}, example: derby-city, description: a council id}
        - {in: query, name: county, schema: {type: string}, example: derbyshire, description: instead of council}
        - {in: query, name: from, schema: {type: string, format: date}, description: "first day of the period (default: the first of the month eleven months before its end)"}
        - {in: query, name: to, schema: {type: string, format: date}, description: "last day of the period (default: today); at most five years after from"}
      responses:
        200:
          description: The figures
          content:
            application/json: {schema: DashboardSchema}
        401: Not signed in
        403: Not a manager of the council (or of one of the county's)
        404: No such council or county among the caller's
        422: Invalid or missing parameters
    """
    query = load_query(dashboard_query_schema)
    with report_errors():
        figures = dashboard.dashboard_for(
            g.user,
            council_id=query.get("council"),
            county_id=query.get("county"),
            start=query["period"].start,
            end=query["period"].end,
        )
    return dashboard_schema.dump(figures)


@contextmanager
def report_errors() -> Iterator[None]:
    """A council or county not the caller's is a 404; a member who may not see the report, 403."""
    try:
        yield
    except ReportNotFound as exc:
        raise NotFound(exc.what) from None
    except ReportForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None
