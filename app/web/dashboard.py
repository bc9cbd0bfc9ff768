"""The managers' dashboard page (issue 15): the figures of GET /api/v1/reports/dashboard (one
service, app/services/dashboard.py), each as a chart with its table beside it, and every number
linking to the case list of the cases behind it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, g, render_template, request, session, url_for
from markupsafe import Markup
from marshmallow import ValidationError

from app.domain.calendar import format_date
from app.domain.labels import agency_label, in_words, milestone_label, stage_label
from app.schemas.dashboard import DashboardQuerySchema
from app.services import councils as council_service
from app.services import dashboard as dashboard_service
from app.services.cases import staff_councils
from app.services.reports import ReportForbidden, ReportNotFound
from app.web import web_bp
from app.web.charts import bar_chart
from app.web.date_input import NotADate, boxes_of, date_items, entered, read_date

_query_schema = DashboardQuerySchema()
ACTION_LABELS = {
    "open": "Open",
    "overdue": "Overdue",
    "done_on_time": "Done by the due date",
    "done_late": "Done late",
    "closed_undone": "Closed without being done",
}


@dataclass(frozen=True)
class Cell:
    text: str
    href: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class Section:
    """A chart with its table: the same figures, drawn and written."""

    id: str
    title: str
    description: str
    chart: Markup
    head: list[str]
    rows: list[list[Cell]]


@web_bp.get("/dashboard")
def dashboard():
    councils = dashboard_service.dashboard_councils(g.user)
    if not councils:
        abort(403)
    areas = _areas(councils)
    area = request.args.get("area") or f"council:{session.get('council') or councils[0]}"
    if area not in {a["value"] for a in areas}:
        area = areas[0]["value"]
    kind, _, area_id = area.partition(":")
    days, boxes, errors = _period_asked()
    figures = None
    if not errors:
        try:
            query = _query_schema.load({kind: area_id, **days})
            figures = dashboard_service.dashboard_for(
                g.user, council_id=query.get("council"), county_id=query.get("county"),
                start=query["period"].start, end=query["period"].end,
            )  # fmt: skip
        except ValidationError as exc:
            errors = {
                name: " ".join(messages) for name, messages in exc.messages.items() if name in PERIOD_ENDS
            }
        except ReportNotFound:
            abort(404)
        except ReportForbidden:
            abort(403)
    for item in areas:
        item["selected"] = item["value"] == area
    return render_template(
        "web/dashboard.html",
        areas=areas,
        boxes={name: date_items(boxes[name], error=name in errors) for name in PERIOD_ENDS},
        errors=errors,
        error_list=[{"text": message, "href": f"#{name}-day"} for name, message in errors.items()],
        figures=figures,
        period_words=f"{format_date(figures.period.start)} to {format_date(figures.period.end)}"
        if figures
        else "",
        sections=_sections(figures) if figures else [],
        councils=_council_lines(figures) if figures and figures.county else [],
        linked=bool(figures) and _linked(figures),
    )


# The period's ends, as the query names them, and how an error names each.
PERIOD_ENDS = {"from": "The first day of the period", "to": "The last day of the period"}


def _period_asked() -> tuple[dict[str, str], dict[str, dict[str, str]], dict[str, str]]:
    """The period's ends as the dashboard's query takes them (YYYY-MM-DD), what each one's day,
    month and year boxes show, and the ends that are not real dates. A link may give an end as
    ``from=YYYY-MM-DD`` (as the API takes it) instead of the boxes."""
    days: dict[str, str] = {}
    boxes: dict[str, dict[str, str]] = {}
    errors: dict[str, str] = {}
    for name, what in PERIOD_ENDS.items():
        try:
            day = read_date(request.args, name)
        except NotADate:
            boxes[name] = entered(request.args, name)
            errors[name] = f"{what} must be a real date, for example 1 4 2026."
            continue
        text = day.isoformat() if day else request.args.get(name, "").strip()
        if text:
            days[name] = text
        try:
            boxes[name] = boxes_of(date.fromisoformat(text) if text else None)
        except ValueError:  # the query's own check says what is wrong with it
            boxes[name] = boxes_of(None)
    return days, boxes, errors


def _areas(councils: list[str]) -> list[dict[str, Any]]:
    """The council dashboards the user may see, then the counties of those councils."""
    policies = [council_service.policy_for(c) for c in councils]
    registry = council_service.registry()
    counties = dict.fromkeys(p.county for p in policies if p.county and registry.county(p.county))
    return [{"value": f"council:{p.id}", "text": p.name} for p in policies] + [
        {"value": f"county:{c}", "text": f"{registry.county(c).name} (every council)"} for c in counties
    ]


def _linked(figures) -> bool:
    """Numbers link to their cases only where the case list would show every case counted: the
    user works for each council of the dashboard."""
    return set(figures.members) <= set(staff_councils(g.user))


def _cases_href(figures, **filters: str) -> str | None:
    if not _linked(figures):
        return None
    area = {"county": figures.county} if figures.county else {"council": figures.council}
    return url_for("web.case_list", **area, **filters)


def _figure_href(figures, kind: str, key: str, period=None) -> str | None:
    period = period or figures.period
    return _cases_href(
        figures, figure=kind, key=key, **{"from": period.start.isoformat(), "to": period.end.isoformat()}
    )


def _count(n: int, href: str | None) -> Cell:
    return Cell(str(n), href if n else None, numeric=True)


def _month_words(month: str) -> str:
    """ "2026-09" -> "September 2026"."""
    return format_date(date.fromisoformat(f"{month}-01")).split(" ", 1)[1]


def _section(id: str, title: str, description: str, labels: list[str], series: list, head: list[str],
             rows: list[list[Cell]], **chart_options: bool) -> Section:  # fmt: skip
    """A section whose chart carries the same title and description as its heading and text."""
    chart = bar_chart(f"chart-{id}", title, description, labels, series, **chart_options)
    return Section(id, title, description, chart, head, rows)


def _sections(figures) -> list[Section]:
    return [
        _deadlines_by_deadline(figures),
        _deadlines_by_month(figures),
        _open_cases(figures),
        _overdue_tasks(figures, "role"),
        _overdue_tasks(figures, "agency"),
        _milestones(figures),
        _actions(figures),
    ]


def _deadlines_by_deadline(figures) -> Section:
    totals = figures.deadline_totals()
    return _section(
        "deadlines",
        "Deadlines met and missed, by deadline",
        "Each deadline that fell due in the period: how many were met and how many missed. "
        + "; ".join(f"{t.label}: {t.met} met, {t.missed} missed" for t in totals),
        [t.label for t in totals],
        [("Met", [t.met for t in totals]), ("Missed", [t.missed for t in totals])],
        ["Deadline", "Met", "Missed"],
        [
            [
                Cell(t.label),
                _count(t.met, _figure_href(figures, "deadline_met", t.deadline)),
                _count(t.missed, _figure_href(figures, "deadline_missed", t.deadline)),
            ]
            for t in totals
        ],
        stacked=True,
    )


def _deadlines_by_month(figures) -> Section:
    months = figures.month_totals()
    rows = []
    for row in figures.deadlines:
        part = figures.period.month_bounds(row.month)
        rows.append([
            Cell(_month_words(row.month)),
            Cell(row.label),
            _count(row.met, _figure_href(figures, "deadline_met", row.deadline, part)),
            _count(row.missed, _figure_href(figures, "deadline_missed", row.deadline, part)),
        ])  # fmt: skip
    return _section(
        "deadlines-by-month",
        "Deadlines met and missed, by month",
        "Every deadline together, by the month it fell due. "
        + "; ".join(f"{_month_words(m)}: {met} met, {missed} missed" for m, met, missed in months),
        [f"{_month_words(m)[:3]} {m[2:4]}" for m, _, _ in months],
        [("Met", [met for _, met, _ in months]), ("Missed", [missed for _, _, missed in months])],
        ["Month", "Deadline", "Met", "Missed"],
        rows,
        stacked=True,
        horizontal=False,
    )


def _open_cases(figures) -> Section:
    stages = figures.open_cases
    return _section(
        "open-cases",
        "Open cases by stage",
        "The cases open today, by the stage each is at. "
        + "; ".join(f"{stage_label(t.key)}: {t.count}" for t in stages),
        [stage_label(t.key) for t in stages],
        [("Open cases", [t.count for t in stages])],
        ["Stage", "Open cases"],
        [
            [Cell(stage_label(t.key)), _count(t.count, _cases_href(figures, status="open", stage=t.key))]
            for t in stages
        ],
    )


def _overdue_tasks(figures, by: str) -> Section:
    tallies = figures.overdue_tasks_by_role if by == "role" else figures.overdue_tasks_by_agency
    label = in_words if by == "role" else agency_label
    noun = "role" if by == "role" else "partner agency"
    return _section(
        f"overdue-tasks-{by}",
        f"Overdue tasks by {noun}",
        f"Open tasks past their due date today, by the {noun} they wait on. "
        + "; ".join(f"{label(t.key)}: {t.count} on {t.cases} cases" for t in tallies),
        [label(t.key) for t in tallies],
        [("Overdue tasks", [t.count for t in tallies])],
        [noun.capitalize(), "Overdue tasks", "Cases"],
        [
            [
                Cell(label(t.key)),
                Cell(str(t.count), numeric=True),
                _count(t.cases, _figure_href(figures, f"overdue_task_{by}", t.key)),
            ]
            for t in tallies
        ],
    )


def _milestones(figures) -> Section:
    times = figures.milestones
    return _section(
        "milestones",
        "Median working days from receipt to each milestone",
        "For the cases that first reached each milestone in the period, the median number of working days "
        "since the application was received, on the council's calendar. "
        + "; ".join(f"{milestone_label(t.milestone)}: {t.median_working_days:g}" for t in times),
        [milestone_label(t.milestone) for t in times],
        [("Median working days", [t.median_working_days for t in times])],
        ["Milestone", "Median working days", "Cases"],
        [
            [
                Cell(milestone_label(t.milestone)),
                Cell(f"{t.median_working_days:g}", numeric=True),
                _count(t.cases, _figure_href(figures, "milestone", t.milestone)),
            ]
            for t in times
        ],
    )


def _actions(figures) -> Section:
    counts = figures.actions
    return _section(
        "actions",
        "Actions open, overdue and done",
        "The actions of the cases' plans open and overdue today, and those done or closed in the period. "
        + "; ".join(f"{ACTION_LABELS[k]}: {n}" for k, n in counts.items()),
        list(ACTION_LABELS.values()),
        [("Actions", [counts[k] for k in ACTION_LABELS])],
        ["Actions", "Number"],
        [
            [Cell(text), _count(counts[key], _figure_href(figures, "action", key))]
            for key, text in ACTION_LABELS.items()
        ],
    )


def _council_lines(figures) -> list[list[Cell]]:
    return [
        [
            Cell(line.name),
            Cell(str(line.open_cases), numeric=True),
            Cell(str(line.deadlines_met), numeric=True),
            Cell(str(line.deadlines_missed), numeric=True),
            Cell(str(line.overdue_tasks), numeric=True),
            Cell(str(line.actions_overdue), numeric=True),
        ]  # fmt: skip
        for line in figures.councils
    ]
