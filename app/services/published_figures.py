"""The statutory figures as the public sees them, and their publication (issue 15).

Every council must publish its yearly figures (the Act asks for the figures themselves, so small
numbers are shown as they are), and Derbyshire's guidance collates the county's, appeals included:
"annual data had always been published by each council" and it was agreed "how data will be
published" county-wide (derbyshire-county-wide-guidance-case-study.txt, line 28).

A council's figures for a year are public once its community safety manager marks them published;
before that the council's managers see a preview and nobody else sees the year at all. A county's
page shows the councils that have published that year. The figures are the annual report's
(``app.services.reports``: the four statutory figures, counted from milestones), with the appeals of
an outcome received in the year and their results; there is never any personal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app import clock
from app.councils import Council as CouncilPolicy
from app.extensions import db
from app.models import FiguresPublication, Role, User
from app.services import councils
from app.services.reports import AnnualReport, figures_of
from app.store import reports as report_store

PUBLISH_ROLES = {Role.COMMUNITY_SAFETY_MANAGER}
# The Community Trigger began with s.104 of the 2014 Act (in force 20 October 2014); the last year
# is the dates' own limit (app/schemas/common.py LATEST_DATE).
FIRST_YEAR, LAST_YEAR = 2014, 2199
APPEAL_RESULTS = ("upheld", "not_upheld", "undecided")


class FiguresNotFound(Exception):
    """No such council or county, or a year the public may not see."""


class FiguresForbidden(Exception):
    pass


class FiguresConflict(Exception):
    pass


@dataclass(frozen=True)
class AppealCounts:
    upheld: int = 0
    not_upheld: int = 0
    undecided: int = 0

    @property
    def total(self) -> int:
        return self.upheld + self.not_upheld + self.undecided

    def __add__(self, other: AppealCounts) -> AppealCounts:
        return AppealCounts(
            self.upheld + other.upheld, self.not_upheld + other.not_upheld, self.undecided + other.undecided
        )


@dataclass(frozen=True)
class PublishedFigures:
    """One page: a council's year, or a county's (``report.rows``: the councils that published it)."""

    year: int | None  # None: nothing published yet
    name: str
    council: CouncilPolicy | None
    county: str | None
    report: AnnualReport | None
    appeals: dict[str, AppealCounts] = field(default_factory=dict)  # council id -> its appeals
    years: tuple[int, ...] = ()  # the years published (a county: by any of its councils), newest first
    preview: bool = False  # a manager's view of a year not yet published
    not_published: tuple[CouncilPolicy, ...] = ()  # a county's councils that have not published the year
    published_at: datetime | None = None

    @property
    def appeals_total(self) -> AppealCounts:
        return sum(self.appeals.values(), AppealCounts())


def may_publish(user: User | None, council_id: str) -> bool:
    return user is not None and bool(user.roles_in(council_id) & PUBLISH_ROLES)


def council_figures(council_id: str, year: int | None, viewer: User | None = None) -> PublishedFigures:
    """A council's figures for ``year`` (default: the latest published). A year not published is
    not found, except to the council's managers, who see it as a preview."""
    council = councils.registry().get(council_id)
    if council is None:
        raise FiguresNotFound("council")
    years = tuple(report_store.published_years([council.id]).get(council.id, []))
    preview = may_publish(viewer, council.id)
    if year is None:
        year = years[0] if years else (clock.today().year - 1 if preview else None)
    if year is None:
        return PublishedFigures(year=None, name=council.name, council=council, county=None, report=None)
    if year not in years and not preview:
        raise FiguresNotFound("year")
    report = figures_of([council], year, council_id=council.id, county_id=None, name=council.name)
    publication = db.session.get(FiguresPublication, (council.id, year))
    return PublishedFigures(
        year=year,
        name=council.name,
        council=council,
        county=None,
        report=report,
        appeals=_appeals([council], year),
        years=years,
        preview=year not in years,
        published_at=publication.published_at if publication else None,
    )


def county_figures(county_id: str, year: int | None) -> PublishedFigures:
    """A county's figures for ``year`` (default: the latest any of its councils published): a row per
    council that has published it, the others named as not published yet."""
    registry = councils.registry()
    county = registry.county(county_id)
    if county is None:
        raise FiguresNotFound("county")
    members = registry.councils_in(county_id)
    published = report_store.published_years([c.id for c in members])
    years = tuple(sorted({y for ys in published.values() for y in ys}, reverse=True))
    if year is None:
        year = years[0] if years else None
    if year is None:
        return PublishedFigures(year=None, name=county.name, council=None, county=county_id, report=None)
    if year not in years:
        raise FiguresNotFound("year")
    shown = [c for c in members if year in published.get(c.id, [])]
    report = figures_of(shown, year, council_id=None, county_id=county_id, name=county.name)
    return PublishedFigures(
        year=year,
        name=county.name,
        council=None,
        county=county_id,
        report=report,
        appeals=_appeals(shown, year),
        years=years,
        not_published=tuple(c for c in members if c not in shown),
    )


def publish(user: User, council_id: str, year: int) -> FiguresPublication:
    """A council's manager publishes its figures for a year that has ended (once; publishing again
    is a conflict naming when it was). Commits."""
    council = councils.registry().get(council_id)
    if council is None or council_id not in user.council_ids:
        raise FiguresNotFound("council")
    if not may_publish(user, council_id):
        raise FiguresForbidden("Only a community safety manager of the council publishes its figures.")
    if year < FIRST_YEAR:
        raise FiguresConflict(f"There are no figures before {FIRST_YEAR}, when the Community Trigger began.")
    if year >= clock.today().year:
        raise FiguresConflict(f"The figures for {year} can be published once the year has ended.")
    existing = db.session.get(FiguresPublication, (council_id, year))
    if existing is not None:
        raise FiguresConflict(
            f"The figures for {year} were published on {existing.published_at.date().isoformat()}."
        )
    publication = FiguresPublication(
        council_id=council_id, year=year, published_at=clock.now(), published_by=user.email
    )
    db.session.add(publication)
    db.session.commit()
    return publication


def _appeals(members: list[CouncilPolicy], year: int) -> dict[str, AppealCounts]:
    from datetime import date

    counts = report_store.count_appeals([c.id for c in members], date(year, 1, 1), date(year, 12, 31))
    return {
        c.id: AppealCounts(**{result: counts.get((c.id, result), 0) for result in APPEAL_RESULTS})
        for c in members
    }
