from flask import Response, g, request

from app.api import api_bp
from app.api.inputs import load_query
from app.errors import ApiError, NotFound
from app.schemas.reports import (
    AnnualReportQuerySchema,
    AnnualReportSchema,
    annual_report_csv,
    annual_report_filename,
)
from app.services import reports
from app.services.reports import ReportForbidden, ReportNotFound

annual_report_query_schema = AnnualReportQuerySchema()
annual_report_schema = AnnualReportSchema()

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
        401: {description: Not signed in, content: {application/json: {schema: ErrorSchema}}}
        403: {description: Partner agencies cannot see reports, content: {application/json: {schema: ErrorSchema}}}
        404: {description: No such council or county among the caller's, content: {application/json: {schema: ErrorSchema}}}
        422: {description: Invalid or missing parameters, content: {application/json: {schema: ErrorSchema}}}
    """
    query = load_query(annual_report_query_schema)
    try:
        report = reports.annual_report(
            g.user, query["year"], council_id=query.get("council"), county_id=query.get("county")
        )
    except ReportNotFound as exc:
        raise NotFound(exc.what) from None
    except ReportForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None
    headers = {"Vary": "Accept"}
    if _wants_csv(query.get("format")):
        headers["Content-Disposition"] = f'attachment; filename="{annual_report_filename(report)}"'
        return Response(annual_report_csv(report), mimetype=CSV, headers=headers)
    return annual_report_schema.dump(report), 200, headers


def _wants_csv(format_: str | None) -> bool:
    if format_ is not None:
        return format_ == "csv"
    return request.accept_mimetypes.best_match([JSON, CSV], default=JSON) == CSV
