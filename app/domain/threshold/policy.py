"""The threshold's vocabulary and a council's parameters, with the Act's floor (RULES.md §2).

A council's wording may be more generous than the Act, never stricter: ``above_the_act`` names a
setting that would ask for more (s.104(4), (11)), and ``ThresholdPolicy`` applies the Act's one
month and relevant bodies wherever the council's own limit or list is narrower.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from app.domain.calendar import add_days, add_months

if TYPE_CHECKING:
    from app.domain.threshold.inputs import Report

# The bodies a complaint can be made to. The first four are the relevant bodies of s.105 (the
# council, the police, the integrated care board, which replaced the clinical commissioning
# group, and social housing providers): a complaint to any of them always counts, whatever a
# council's wording lists (s.104(11)). A council may count others too, e.g. the Youth Offending
# Service (derby-city-application-guidance-notes.txt line 106).
AGENCIES = ("council", "police", "housing_provider", "icb", "youth_offending", "other")
RELEVANT_BODIES = frozenset({"council", "police", "housing_provider", "icb"})
AGENCY_NAMES = {
    "council": "the council",
    "police": "the police",
    "housing_provider": "a social housing provider",
    "icb": "the NHS (the integrated care board)",
    "youth_offending": "the Youth Offending Service",
    "other": "another organisation",
}
METHODS = (
    "writing",
    "email",
    "phone",
    "online",
    "in_person_office",
    "police_officer_on_duty",
    "onsite_discussion",
    "diary_sheet",
)
ROUTES = ("qualifying_complaints", "hate_incident", "community", "discretionary")
# Both in the order RULES.md §2 gives them; the first reason that applies wins.
EXCLUSION_REASONS = ("outside_window", "no_qualifying_report", "same_occasion")
REPORT_REASONS = (
    "outside_window",
    "reported_before_incident",
    "reported_late",
    "ineligible_agency",
    "ineligible_method",
    "not_confirmed",
)

# Who may activate a review for a vulnerable victim: "community safety manager or above,
# police inspector or above" (RULES.md), partner managers of inspector rank or above
# (Derbyshire), a senior manager of the authority (East Herts) or "a similar senior officer
# within another responsible authority" (East Herts, footnote 3).
SENIOR_ROLES: dict[str, str] = {
    "community_safety_manager": "Community Safety Manager",
    "head_of_community_safety": "Head of Community Safety",
    "council_senior_manager": "Senior Manager of the council",
    "head_of_service": "Head of Service",
    "director": "Director",
    "chief_executive": "Chief Executive",
    "police_inspector": "Police Inspector",
    "police_chief_inspector": "Police Chief Inspector",
    "police_superintendent": "Police Superintendent",
    "police_chief_superintendent": "Police Chief Superintendent",
    "police_assistant_chief_constable": "Assistant Chief Constable",
    "police_deputy_chief_constable": "Deputy Chief Constable",
    "police_chief_constable": "Chief Constable",
    "partner_senior_manager": "Senior Manager of a partner agency",
}

# The Act's floor (s.104(4) and (11)): no council's threshold may ask for more.
ACT_MAX_QUALIFYING = 3
ACT_WINDOW_MONTHS = 6
ACT_REPORT_MONTHS = 1
ACT_CITATION = "the Anti-social Behaviour, Crime and Policing Act 2014"


def above_the_act(name: str, value: object) -> str | None:
    """Why a threshold setting raises the threshold above the Act, or None. ``name`` is a
    ThresholdPolicy field; only ``min_qualifying`` and ``window_months`` can."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if name == "min_qualifying" and value > ACT_MAX_QUALIFYING:
        return (
            f"min_qualifying = {value} is above the Act: under s.104(4) of {ACT_CITATION} the threshold "
            f"is met by {ACT_MAX_QUALIFYING} qualifying complaints, or fewer if the council sets fewer, "
            f"never more. Use at most {ACT_MAX_QUALIFYING}."
        )
    if name == "window_months" and value < ACT_WINDOW_MONTHS:
        return (
            f"window_months = {value} is above the Act: under s.104(11) of {ACT_CITATION} a complaint "
            f"qualifies when the application is made within {ACT_WINDOW_MONTHS} months after it, so the "
            f"window may not be shorter. Use at least {ACT_WINDOW_MONTHS}."
        )
    return None


@dataclass(frozen=True)
class ReportLimit:
    """How soon after an incident a council's wording says a report must be made: a number of
    months or of days. The Act's one month applies where it is longer (``ThresholdPolicy.latest_report_on``)."""

    months: int = 0
    days: int = 0

    def __post_init__(self) -> None:
        for name in ("months", "days"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"report limit {name} must be a whole number of at least 0, got {value!r}")
        if (self.months > 0) == (self.days > 0):
            raise ValueError("a report limit needs exactly one of months or days, greater than 0")

    def latest(self, occurred_on: date) -> date:
        """The last day on which the council's own wording still counts a report of ``occurred_on``."""
        if self.months:
            return add_months(occurred_on, self.months)
        return add_days(occurred_on, self.days)

    @property
    def never_shorter_than_the_act(self) -> bool:
        # 31 days is at least a month from any date; 30 days is a day short after a 31-day month.
        return self.months >= ACT_REPORT_MONTHS or self.days >= 31

    def describe(self) -> str:
        return plural(self.months, "month") if self.months else plural(self.days, "day")


@dataclass(frozen=True)
class ThresholdPolicy:
    """A council's threshold parameters; the defaults are the common case (RULES.md §2).

    Collections may be given as any iterable and ``report_within`` as a mapping such as
    ``{"days": 30}``; they are stored as frozensets and a ``ReportLimit``. Unknown agencies and
    roles, and values above the Act (``above_the_act``), raise ValueError, so a mistake in a
    council's configuration fails loudly.

    ``eligible_agencies`` is what the council's wording lists; the relevant bodies of s.105
    count whatever it lists (``counted_agencies``).
    """

    min_qualifying: int = ACT_MAX_QUALIFYING
    window_months: int = ACT_WINDOW_MONTHS
    report_within: ReportLimit = ReportLimit(months=ACT_REPORT_MONTHS)
    eligible_agencies: frozenset[str] = RELEVANT_BODIES
    onsite_police_only: bool = False
    separate_occasions: bool = False
    community_min_reporters: int | None = None
    hate_incident_route: bool = False
    discretionary_activation: bool = True
    discretionary_roles: frozenset[str] = frozenset(SENIOR_ROLES)

    def __post_init__(self) -> None:
        _check_positive(self.min_qualifying, "min_qualifying")
        _check_positive(self.window_months, "window_months")
        for name in ("min_qualifying", "window_months"):
            problem = above_the_act(name, getattr(self, name))
            if problem:
                raise ValueError(problem)
        if self.community_min_reporters is not None:
            _check_positive(self.community_min_reporters, "community_min_reporters")
        for name in (
            "onsite_police_only",
            "separate_occasions",
            "hate_incident_route",
            "discretionary_activation",
        ):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false, got {getattr(self, name)!r}")
        report_within = self.report_within
        if isinstance(report_within, Mapping):
            unknown = set(report_within) - {"months", "days"}
            if unknown:
                raise ValueError(f"report_within takes months or days, not {sorted(unknown)}")
            report_within = ReportLimit(**report_within)
        if not isinstance(report_within, ReportLimit):
            raise ValueError(f"report_within must be a ReportLimit or mapping, got {report_within!r}")
        object.__setattr__(self, "report_within", report_within)
        for name, allowed in (("eligible_agencies", AGENCIES), ("discretionary_roles", tuple(SENIOR_ROLES))):
            object.__setattr__(self, name, _check_subset(getattr(self, name), allowed, name))

    @property
    def counted_agencies(self) -> frozenset[str]:
        """The bodies a complaint counts to: the relevant bodies, and any others the council adds."""
        return self.eligible_agencies | RELEVANT_BODIES

    def latest_report_on(self, occurred_on: date) -> date:
        """The last day a report of an incident of ``occurred_on`` qualifies: the council's limit
        or the Act's one month, whichever is longer on that date."""
        return max(self.report_within.latest(occurred_on), add_months(occurred_on, ACT_REPORT_MONTHS))

    def method_counts(self, report: Report) -> bool:
        """A diary sheet is never a complaint (east-herts-policy.txt section 5); with
        ``onsite_police_only`` an on-site discussion counts only with the police on duty."""
        if report.method == "diary_sheet":
            return False
        if report.method == "onsite_discussion" and self.onsite_police_only:
            return report.agency == "police"
        return True


def _check_positive(value: object, name: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a whole number of at least 1, got {value!r}")


def _check_subset(values: object, allowed: tuple[str, ...], name: str) -> frozenset[str]:
    if isinstance(values, str) or not isinstance(values, Iterable):
        raise ValueError(f"{name} must be a collection of names, got {values!r}")
    values = frozenset(values)
    unknown = values - set(allowed)
    if unknown:
        raise ValueError(f"{name}: unknown {sorted(unknown)}; expected some of {list(allowed)}")
    return values


# The common case (the London-wide threshold): RULES.md §2's defaults.
DEFAULT_POLICY = ThresholdPolicy()


def plural(n: int, noun: str) -> str:
    """``1 month``, ``2 months``."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"
