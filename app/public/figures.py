"""GET /figures/<council> and /figures/county/<county> (``.csv`` after the path for CSV), no sign-in:
the statutory figures each council has published, and a county's collated (issue 15; spec/API.md).
A council's managers see a year not yet published as a preview, with the button that publishes it
(POST /figures/<council>/<year>/publish, signed in, CSRF-checked)."""

from __future__ import annotations

import csv
import io
import re

from flask import Response, abort, flash, g, redirect, render_template, request, url_for

from app.public import public_bp
from app.services import published_figures
from app.services.published_figures import (
    FIRST_YEAR,
    LAST_YEAR,
    FiguresConflict,
    FiguresForbidden,
    FiguresNotFound,
    PublishedFigures,
)
from app.web import web_bp

_YEAR = re.compile(r"^\d{4}$")
FIGURES = ("applications", "threshold_not_met", "reviews_carried_out", "reviews_with_recommendations")
CSV_COLUMNS = (
    "year", "county", "council", "name", *FIGURES, "appeals", "appeals_upheld", "appeals_not_upheld",
    "appeals_undecided",
)  # fmt: skip
# The Act's four figures (s.104(10)), as a reader of the page finds them.
FIGURE_LABELS = {
    "applications": "Applications for a case review",
    "threshold_not_met": "Applications that did not meet the threshold",
    "reviews_carried_out": "Case reviews carried out",
    "reviews_with_recommendations": "Case reviews that led to recommendations",
}


def _year() -> int | None:
    value = request.args.get("year")
    if value is None or value == "":
        return None
    if not _YEAR.match(value):
        abort(400)
    if not FIRST_YEAR <= int(value) <= LAST_YEAR:
        abort(404)  # no figures were ever counted then
    return int(value)


@public_bp.get("/figures/<council_id>")
def council_figures(council_id: str):
    return _page(_council(council_id), "council_figures", council_id=council_id)


@public_bp.get("/figures/<council_id>.csv")
def council_figures_csv(council_id: str):
    return _csv(_council(council_id))


@public_bp.get("/figures/county/<county_id>")
def county_figures(county_id: str):
    return _page(_county(county_id), "county_figures", county_id=county_id)


def _page(page: PublishedFigures, endpoint: str, **where: str):
    return render_template(
        "public/figures.html",
        page=page,
        labels=FIGURE_LABELS,
        figures=FIGURES,
        # A council's managers see a year not yet published, with the button that publishes it.
        may_publish=page.preview,
        csv_url=url_for(f"public.{endpoint}_csv", year=page.year, **where),
        other_years=[
            (y, url_for(f"public.{endpoint}", year=y, **where)) for y in page.years if y != page.year
        ],
    )


@public_bp.get("/figures/county/<county_id>.csv")
def county_figures_csv(county_id: str):
    return _csv(_county(county_id))


@web_bp.post("/figures/<council_id>/<int:year>/publish")
def publish_figures(council_id: str, year: int):
    try:
        published_figures.publish(g.user, council_id, year)
    except FiguresNotFound:
        abort(404)
    except FiguresForbidden:
        abort(403)
    except FiguresConflict as exc:
        flash(str(exc), "conflict")
    else:
        flash(f"The figures for {year} are published.", "success")
    return redirect(url_for("public.council_figures", council_id=council_id, year=year))


def _council(council_id: str) -> PublishedFigures:
    try:
        return published_figures.council_figures(council_id, _year(), g.get("user"))
    except FiguresNotFound:
        abort(404)


def _county(county_id: str) -> PublishedFigures:
    try:
        return published_figures.county_figures(county_id, _year())
    except FiguresNotFound:
        abort(404)


def _csv(page: PublishedFigures) -> Response:
    """One row per council, and a total row for a county; only published years (a preview too
    for the council's managers, who asked for it)."""
    if page.report is None:
        abort(404)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in page.report.rows:
        appeals = page.appeals[row.council]
        writer.writerow([page.year, row.county, row.council, row.name,
                         *(getattr(row.figures, f) for f in FIGURES),
                         appeals.total, appeals.upheld, appeals.not_upheld, appeals.undecided])  # fmt: skip
    if page.county is not None:
        total, appeals = page.report.total, page.appeals_total
        writer.writerow([page.year, page.county, "", f"Total for {page.name}",
                         *(getattr(total, f) for f in FIGURES),
                         appeals.total, appeals.upheld, appeals.not_upheld, appeals.undecided])  # fmt: skip
    name = f"community-trigger-figures-{page.year}-{page.county or page.council.id}.csv"
    return Response(
        out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
