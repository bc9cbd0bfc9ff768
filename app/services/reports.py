"""The annual report: the four figures every council publishes about the Community Trigger.

Counting rules (spec/API.md, "Annual report"). Every figure counts distinct cases of a council
with a milestone dated inside the calendar year, whatever diagram recorded it:

- ``applications``: a ``received`` milestone in the year (ineligible applications included:
  they were applications).
- ``threshold_not_met``: the case's *standing* threshold decision is "not met" and was made in
  the year, i.e. a ``threshold_not_met`` milestone in the year after which the case recorded no
  other threshold decision (``threshold_met`` or ``threshold_not_met``). So a refusal overturned
  on review (the review records ``threshold_met``) is not counted in any year, even when the
  review came in the next year: the figure for a past year can fall when one of its refusals is
  overturned. A refusal confirmed on review still counts. A case is counted once, in the year of
  its last refusal.
- ``reviews_carried_out``: a ``review_held`` milestone in the year.
- ``reviews_with_recommendations``: a ``recommendations_made`` milestone in the year.

Actions (issue 15) add counts of their own beside the four figures, which stay as the Act
defines them: the actions of the councils' plans settled in the year (``app.domain.actions``),
by the day they were done or closed: done by their due date, done after it, and closed undone.

A county report has a row for every council of the county, in configuration order, including
councils with no cases (all zeros): a published table should show that a council had none,
not leave the reader to wonder whether it was left out.

Who may see a report: the figures are published data, so any member of a council other than
a partner agency sees their council's report, and the report of its county with every council
in it. Partner agencies are refused (403); a council or county the caller has no membership
in, or that does not exist, is not found.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date

from app.councils import Council as CouncilPolicy
from app.domain.actions import ActionCounts, counts_settled_in
from app.models import PARTNER_ROLES, User
from app.services import councils
from app.store import reports as report_store

# figure -> the milestone it counts
FIGURE_MILESTONES = {
    "applications": "received",
    "threshold_not_met": "threshold_not_met",
    "reviews_carried_out": "review_held",
    "reviews_with_recommendations": "recommendations_made",
}
THRESHOLD_DECISIONS = ("threshold_met", "threshold_not_met")
# A refusal stands only while no later threshold decision replaced it.
SUPERSEDED_BY = {"threshold_not_met": THRESHOLD_DECISIONS}


class ReportNotFound(Exception):
    """No such council or county among the caller's."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class ReportForbidden(Exception):
    pass


@dataclass(frozen=True)
class Figures:
    applications: int = 0
    threshold_not_met: int = 0
    reviews_carried_out: int = 0
    reviews_with_recommendations: int = 0

    def __add__(self, other: Figures) -> Figures:
        return Figures(**{f.name: getattr(self, f.name) + getattr(other, f.name) for f in fields(self)})


@dataclass(frozen=True)
class CouncilFigures:
    council: str
    name: str
    county: str
    figures: Figures
    actions: ActionCounts = ActionCounts()


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass(frozen=True)
class AnnualReport:
    year: int
    council: str | None  # set for a council's report
    county: str | None  # set for a county's report
    name: str  # of the council or county
    period: Period
    rows: tuple[CouncilFigures, ...]

    @property
    def total(self) -> Figures:
        return sum((row.figures for row in self.rows), Figures())

    @property
    def actions_total(self) -> ActionCounts:
        return sum((row.actions for row in self.rows), ActionCounts())


def annual_report(user: User, year: int, *, council_id: str | None = None,
                  county_id: str | None = None) -> AnnualReport:  # fmt: skip
    """The figures of one council, or of every council of a county, for a calendar year."""
    if (council_id is None) == (county_id is None):
        raise ValueError("give exactly one of council_id and county_id")
    if council_id is not None:
        members = [_council_for_report(user, council_id)]
        name = members[0].name
    else:
        members, name = _county_for_report(user, county_id)
    return figures_of(members, year, council_id=council_id, county_id=county_id, name=name)


def figures_of(members: list[CouncilPolicy], year: int, *, council_id: str | None, county_id: str | None,
               name: str) -> AnnualReport:  # fmt: skip
    """The report of ``members`` for ``year``, whoever asks (the caller decides who may see it)."""
    period = Period(date(year, 1, 1), date(year, 12, 31))
    counts = report_store.count_cases_by_milestone(
        [c.id for c in members],
        FIGURE_MILESTONES.values(),
        period.start,
        period.end,
        superseded_by=SUPERSEDED_BY,
    )
    plans: dict[str, list] = {}
    for _, council, plan in report_store.action_plans([c.id for c in members]):
        plans.setdefault(council, []).append(plan)
    rows = tuple(
        CouncilFigures(
            council=c.id,
            name=c.name,
            county=c.county,
            figures=Figures(**{fig: counts.get((c.id, key), 0) for fig, key in FIGURE_MILESTONES.items()}),
            actions=counts_settled_in(plans.get(c.id, []), period.start, period.end),
        )
        for c in members
    )
    return AnnualReport(year=year, council=council_id, county=county_id, name=name, period=period,
                        rows=rows)  # fmt: skip


def _is_staff(user: User, council_id: str) -> bool:
    return bool(user.roles_in(council_id) - PARTNER_ROLES)


def _council_for_report(user: User, council_id: str) -> CouncilPolicy:
    return council_for(user, council_id, lambda c: _is_staff(user, c),
                       "Partner agencies cannot see the council's annual report.")  # fmt: skip


def _county_for_report(user: User, county_id: str) -> tuple[list[CouncilPolicy], str]:
    return county_for(user, county_id, lambda c: _is_staff(user, c),
                      "Partner agencies cannot see the county's annual report.")  # fmt: skip


def council_for(user: User, council_id: str, may_see: Callable[[str], bool], refusal: str) -> CouncilPolicy:
    """The council of a report, for a member of it whose roles there ``may_see`` it. A council
    the user is not a member of, or that does not exist, is not found; a member who may not see
    it is refused with ``refusal``."""
    council = councils.visible_council(user, council_id)
    if council is None:
        raise ReportNotFound("council")
    if not may_see(council_id):
        raise ReportForbidden(refusal)
    return council


def county_for(user: User, county_id: str, may_see: Callable[[str], bool],
               refusal: str) -> tuple[list[CouncilPolicy], str]:  # fmt: skip
    """Every council of a county and its name, for a member of one of them whose roles there
    ``may_see`` the county's report (the county's figures are shown whole, every council in
    them). A county with none of the user's councils, or none at all, is not found."""
    registry = councils.registry()
    county = registry.county(county_id)
    members = registry.councils_in(county_id)
    memberships = set(user.council_ids)
    mine = [c.id for c in members if c.id in memberships]
    if county is None or not mine:
        raise ReportNotFound("county")
    if not any(may_see(c) for c in mine):
        raise ReportForbidden(refusal)
    return members, county.name
