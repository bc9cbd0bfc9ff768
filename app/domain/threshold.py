"""The Community Trigger threshold: does an application have enough qualifying complaints?

The rules are in spec/RULES.md §2, after the Anti-social Behaviour, Crime and Policing Act 2014
s.104(4) and (11): at least three complaints (or fewer, as a council sets), each made to a
relevant body within one month after the behaviour, the application made within six months
after the complaint. That is a floor: a council's wording may be more generous, never stricter,
and where it reads narrower on some date the Act's reading applies and the explanation says so.

``evaluate_threshold`` advises; the relevant bodies decide in the threshold task and may depart
from the advice with recorded reasons, except that they cannot refuse an application that
``evaluate_confirmed_records`` (the evaluation on the agencies' confirmed records) finds met by
route ``qualifying_complaints`` (``refusal_barred``). The result carries a plain-English
explanation fit to quote in the decision letter (``explain_threshold``); ``describe_threshold``
words a council's threshold for the letters.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from app.domain.calendar import add_days, add_months, check_date, format_date

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

_METHOD_PHRASES = {
    "writing": "in writing",
    "email": "by email",
    "phone": "by phone",
    "online": "online",
    "in_person_office": "in person at an office",
    "police_officer_on_duty": "to a police officer on duty",
    "onsite_discussion": "in an on-site discussion",
    "diary_sheet": "by a diary sheet",
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
        return _count(self.months, "month") if self.months else _count(self.days, "day")


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

    def method_counts(self, report: "Report") -> bool:
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


@dataclass(frozen=True)
class Report:
    """One report of an incident to an agency. ``confirmed`` is None until the agency has checked
    its records, False when it has no record of it (``not_confirmed`` may say why)."""

    agency: str
    reported_on: date
    method: str
    reporter: str = ""
    reference: str = ""
    confirmed: bool | None = None
    not_confirmed: str = ""

    def __post_init__(self) -> None:
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency {self.agency!r}; expected one of {list(AGENCIES)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; expected one of {list(METHODS)}")
        check_date(self.reported_on, "reported_on")
        _check_text(self.reporter, "reporter")
        _check_text(self.reference, "reference")
        if self.confirmed is not None and not isinstance(self.confirmed, bool):
            raise ValueError(f"confirmed must be true, false or null, got {self.confirmed!r}")
        _check_text(self.not_confirmed, "not_confirmed")


@dataclass(frozen=True)
class Incident:
    """One incident of anti-social behaviour and its reports. ``id`` is unique in an application."""

    id: str
    occurred_on: date
    reports: tuple[Report, ...] = ()
    description: str = ""
    hate_motivated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError(f"an incident needs a non-blank id, got {self.id!r}")
        check_date(self.occurred_on, "occurred_on")
        if isinstance(self.reports, str | Report) or not isinstance(self.reports, Iterable):
            raise ValueError(f"incident {self.id}: reports must be a sequence of Report")
        reports = tuple(self.reports)
        if not all(isinstance(report, Report) for report in reports):
            raise ValueError(f"incident {self.id}: reports must be a sequence of Report")
        object.__setattr__(self, "reports", reports)
        _check_text(self.description, "description")
        if not isinstance(self.hate_motivated, bool):
            raise ValueError(f"hate_motivated must be true or false, got {self.hate_motivated!r}")


def incidents_from_data(items: Iterable[Mapping[str, Any]]) -> tuple[Incident, ...]:
    """Incidents as the application and the case data hold them (dates as ``date`` or ISO text)."""
    return tuple(
        Incident(
            id=str(item["id"]),
            occurred_on=_as_date(item["occurred_on"]),
            description=item.get("description") or "",
            hate_motivated=bool(item.get("hate_motivated", False)),
            reports=tuple(
                Report(
                    agency=r["agency"],
                    reported_on=_as_date(r["reported_on"]),
                    method=r["method"],
                    reporter=r.get("reporter") or "",
                    reference=r.get("reference") or "",
                    confirmed=r.get("confirmed"),
                    not_confirmed=r.get("not_confirmed") or "",
                )
                for r in item.get("reports") or ()
            ),
        )
        for item in items
    )


def _as_date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else check_date(value)


@dataclass(frozen=True)
class Discretionary:
    """A senior officer's activation of a review for a vulnerable victim. ``role`` is a slug of SENIOR_ROLES."""

    by: str
    role: str
    reason: str

    def __post_init__(self) -> None:
        for name in ("by", "role", "reason"):
            _check_text(getattr(self, name), name)

    def is_blank(self) -> bool:
        return not (self.by.strip() or self.role.strip() or self.reason.strip())

    def to_dict(self) -> dict:
        return {"by": self.by, "role": self.role, "reason": self.reason}


def _check_text(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {value!r}")


@dataclass(frozen=True)
class Exclusion:
    """An incident that does not count, and why (codes from EXCLUSION_REASONS / REPORT_REASONS).
    ``report_reasons``: each failing report's first reason, once each, in REPORT_REASONS order."""

    incident: str
    reason: str
    report_reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"incident": self.incident, "reason": self.reason, "report_reasons": list(self.report_reasons)}


# Why the Act's reading, not the council's wording, made an incident count (FloorNote.grounds).
FLOOR_GROUNDS = ("window", "report_limit", "agency")


@dataclass(frozen=True)
class FloorNote:
    """A qualifying incident that counts only because the Act's floor applies: ``window`` (it
    happened before the window but was reported inside it), ``report_limit`` (reported after the
    council's limit but within one month), ``agency`` (reported to a relevant body the council's
    wording does not list)."""

    incident: str
    grounds: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"incident": self.incident, "grounds": list(self.grounds)}


@dataclass(frozen=True)
class ThresholdResult:
    """The advice on an application: met or not, by which route, and why (see ``to_dict``).
    ``confirmed_only``: the evaluation on the agencies' confirmed records."""

    met: bool
    route: str | None
    required: int
    qualifying_count: int
    qualifying_incidents: tuple[str, ...]
    excluded: tuple[Exclusion, ...]
    explanation: str
    window_from: date
    window_to: date
    distinct_reporters: int
    discretionary: Discretionary | None
    discretionary_accepted: bool
    hate_incidents: tuple[str, ...] = ()
    act_floor: tuple[FloorNote, ...] = ()
    confirmed_only: bool = False

    def to_dict(self) -> dict:
        """JSON-ready, with API.md's "Threshold result" keys first."""
        return {
            "met": self.met,
            "route": self.route,
            "required": self.required,
            "qualifying_count": self.qualifying_count,
            "qualifying_incidents": list(self.qualifying_incidents),
            "excluded": [exclusion.to_dict() for exclusion in self.excluded],
            "explanation": self.explanation,
            "window": {"from": self.window_from.isoformat(), "to": self.window_to.isoformat()},
            "distinct_reporters": self.distinct_reporters,
            "discretionary": self.discretionary.to_dict() if self.discretionary else None,
            "discretionary_accepted": self.discretionary_accepted,
            "hate_incidents": list(self.hate_incidents),
            "act_floor": [note.to_dict() for note in self.act_floor],
            "confirmed_only": self.confirmed_only,
        }


@dataclass(frozen=True)
class _Window:
    from_: date
    to: date

    def __contains__(self, day: date) -> bool:
        return self.from_ <= day <= self.to


def report_reason(
    report: Report,
    occurred_on: date,
    received_on: date,
    policy: ThresholdPolicy = ThresholdPolicy(),
    confirmed_only: bool = False,
) -> str | None:
    """The first reason ``report`` does not qualify, in REPORT_REASONS order; None when it qualifies."""
    check_date(occurred_on, "occurred_on")
    check_date(received_on, "received_on")
    window = _Window(add_months(received_on, -policy.window_months), received_on)
    return _report_reason(
        report, occurred_on, policy.latest_report_on(occurred_on), window, policy, confirmed_only
    )


def _report_reason(
    report: Report,
    occurred_on: date,
    latest: date,
    window: _Window,
    policy: ThresholdPolicy,
    confirmed_only: bool,
) -> str | None:
    if report.reported_on not in window:
        return "outside_window"
    if report.reported_on < occurred_on:
        return "reported_before_incident"
    if report.reported_on > latest:
        return "reported_late"
    if report.agency not in policy.counted_agencies:
        return "ineligible_agency"
    if not policy.method_counts(report):
        return "ineligible_method"
    if report.confirmed is False or (confirmed_only and report.confirmed is not True):
        return "not_confirmed"
    return None


def _incident_reasons(
    incident: Incident, window: _Window, policy: ThresholdPolicy, confirmed_only: bool
) -> tuple[str | None, ...]:
    """``_report_reason`` of each of the incident's reports, with the reporting limit worked out once."""
    latest = policy.latest_report_on(incident.occurred_on)
    return tuple(
        _report_reason(report, incident.occurred_on, latest, window, policy, confirmed_only)
        for report in incident.reports
    )


def _floor_grounds(
    incident: Incident, reasons: tuple[str | None, ...], window: _Window, policy: ThresholdPolicy
) -> tuple[str, ...]:
    """What the council's own wording would have had to read as the Act does for the incident to
    count: none when one of its qualifying reports counts on the local reading too."""
    local_latest = policy.report_within.latest(incident.occurred_on)
    best: tuple[str, ...] | None = None
    for report, reason in zip(incident.reports, reasons, strict=True):
        if reason is not None:
            continue
        grounds = []
        if report.reported_on > local_latest:
            grounds.append("report_limit")
        if report.agency not in policy.eligible_agencies:
            grounds.append("agency")
        if best is None or len(grounds) < len(best):
            best = tuple(grounds)
    if best is None:
        return ()
    # Read as "incidents that occurred within the last six months", the window would leave it out.
    window_ground = ("window",) if incident.occurred_on < window.from_ else ()
    return window_ground + best


def normalise_reporter(name: str) -> str:
    """The key under which reporters are counted once: case-folded, whitespace collapsed."""
    return " ".join(name.split()).casefold()


def normalise_role(role: str) -> str:
    """``"Police Inspector"`` or ``"police-inspector"`` -> ``"police_inspector"``."""
    return "_".join(role.replace("-", " ").split()).casefold()


def role_label(role: str) -> str:
    """The label of a SENIOR_ROLES slug; any other role as written, underscores as spaces."""
    return SENIOR_ROLES.get(normalise_role(role), role.strip().replace("_", " "))


def discretionary_refusal(
    activation: Discretionary, policy: ThresholdPolicy = ThresholdPolicy()
) -> str | None:
    """Why ``activation`` cannot activate a review under ``policy`` (the first problem), or None."""
    if not policy.discretionary_activation:
        return "this council's policy does not allow discretionary activation"
    if not activation.by.strip():
        return "it does not say who made it"
    if not activation.role.strip():
        return "it does not give the officer's role"
    if normalise_role(activation.role) not in policy.discretionary_roles:
        return f"the role of {role_label(activation.role)} is not senior enough to activate a review"
    if not activation.reason.strip():
        return "it gives no reason"
    return None


def evaluate_threshold(
    received_on: date,
    incidents: Sequence[Incident],
    policy: ThresholdPolicy = ThresholdPolicy(),
    discretionary: Discretionary | None = None,
    *,
    confirmed_only: bool = False,
) -> ThresholdResult:
    """Apply RULES.md §2 to an application. An all-blank ``discretionary`` counts as none given.

    With ``confirmed_only`` a report counts only once its agency has confirmed it (``confirmed``
    is True); see ``evaluate_confirmed_records``.
    """
    check_date(received_on, "received_on")
    incidents = _check_incidents(incidents)
    if not isinstance(policy, ThresholdPolicy):
        raise ValueError(f"policy must be a ThresholdPolicy, got {policy!r}")
    if discretionary is not None and not isinstance(discretionary, Discretionary):
        raise ValueError(f"discretionary must be a Discretionary or None, got {discretionary!r}")
    if discretionary is not None and discretionary.is_blank():
        discretionary = None

    window = _Window(add_months(received_on, -policy.window_months), received_on)
    excluded, counted = _split_incidents(incidents, window, policy, confirmed_only)
    counted.sort(key=lambda item: item[:2])
    # Without separate_occasions every qualifying incident is its own complaint; with it, the
    # first qualifying incident of a day stands for the day.
    occasions: dict[object, str] = {}
    for occurred_on, index, incident, _ in counted:
        key = occurred_on if policy.separate_occasions else index
        if key in occasions:
            excluded.append((occurred_on, index, Exclusion(incident.id, "same_occasion")))
        else:
            occasions[key] = incident.id
    excluded.sort(key=lambda item: item[:2])

    reporters = {
        normalise_reporter(report.reporter)
        for _, _, incident, reasons in counted
        for report, reason in zip(incident.reports, reasons, strict=True)
        if reason is None and report.reporter.strip()
    }
    qualifying = tuple(occasions.values())
    hate = tuple(incident.id for _, _, incident, _ in counted if incident.hate_motivated)
    floor = tuple(
        FloorNote(incident.id, grounds)
        for _, _, incident, reasons in counted
        if incident.id in qualifying and (grounds := _floor_grounds(incident, reasons, window, policy))
    )
    accepted = discretionary is not None and discretionary_refusal(discretionary, policy) is None
    route = _route(len(occasions), bool(hate), len(reporters), accepted, policy)
    result = ThresholdResult(
        met=route is not None,
        route=route,
        required=policy.min_qualifying,
        qualifying_count=len(occasions),
        qualifying_incidents=qualifying,
        excluded=tuple(exclusion for _, _, exclusion in excluded),
        explanation="",
        window_from=window.from_,
        window_to=window.to,
        distinct_reporters=len(reporters),
        discretionary=discretionary,
        discretionary_accepted=accepted,
        hate_incidents=hate,
        act_floor=floor,
        confirmed_only=confirmed_only,
    )
    return replace(result, explanation=explain_threshold(result, incidents, policy))


def evaluate_confirmed_records(
    received_on: date, incidents: Sequence[Incident], policy: ThresholdPolicy = ThresholdPolicy()
) -> ThresholdResult:
    """The evaluation on the agencies' confirmed records: only reports an agency has confirmed
    (``confirmed`` True) count. No discretionary activation: it is the Act's test, s.104(4)."""
    return evaluate_threshold(received_on, incidents, policy, confirmed_only=True)


def refusal_barred(result: ThresholdResult) -> str | None:
    """Why a decision of "not met" is not open to the relevant bodies, or None when it is.

    The Act obliges the review when the qualifying complaints meet the threshold (s.104(4)), so
    an evaluation on the agencies' confirmed records met by route ``qualifying_complaints``
    cannot be refused. Other routes are the council's own, and it may depart from them."""
    if not (result.confirmed_only and result.met and result.route == "qualifying_complaints"):
        return None
    count = _count(result.qualifying_count, "qualifying complaint")
    return (
        f"The agencies' records confirm {count}, and {result.required} "
        f"{'meets' if result.required == 1 else 'meet'} the threshold: under s.104(4) of {ACT_CITATION} "
        "the case review must take place, so the threshold cannot be decided as not met."
    )


# (occurred_on, input index, ...): the keys both lists are ordered by.
_Excluded = tuple[date, int, Exclusion]
_Counted = tuple[date, int, Incident, tuple[str | None, ...]]  # with each report's reason


def _split_incidents(
    incidents: tuple[Incident, ...], window: _Window, policy: ThresholdPolicy, confirmed_only: bool
) -> tuple[list[_Excluded], list[_Counted]]:
    """Split incidents into those excluded on their own merits and those with a qualifying
    report; ``same_occasion`` is decided afterwards, among the latter."""
    excluded: list[_Excluded] = []
    counted: list[_Counted] = []
    for index, incident in enumerate(incidents):
        reasons = _incident_reasons(incident, window, policy, confirmed_only)
        if None in reasons:
            counted.append((incident.occurred_on, index, incident, reasons))
            continue
        if reasons and all(reason == "outside_window" for reason in reasons):
            exclusion = Exclusion(incident.id, "outside_window")
        else:
            found = set(reasons)
            codes = tuple(reason for reason in REPORT_REASONS if reason in found)
            exclusion = Exclusion(incident.id, "no_qualifying_report", codes)
        excluded.append((incident.occurred_on, index, exclusion))
    return excluded, counted


def _check_incidents(incidents: Sequence[Incident]) -> tuple[Incident, ...]:
    if isinstance(incidents, str | Incident) or not isinstance(incidents, Iterable):
        raise ValueError("incidents must be a sequence of Incident")
    incidents = tuple(incidents)
    seen: set[str] = set()
    for incident in incidents:
        if not isinstance(incident, Incident):
            raise ValueError(f"incidents must be Incident values, got {incident!r}")
        if incident.id in seen:
            raise ValueError(f"incident id {incident.id!r} is used more than once")
        seen.add(incident.id)
    return incidents


def _route(
    complaints: int, hate: bool, reporters: int, discretionary_accepted: bool, policy: ThresholdPolicy
) -> str | None:
    if complaints >= policy.min_qualifying:
        return "qualifying_complaints"
    if policy.hate_incident_route and hate:
        return "hate_incident"
    if policy.community_min_reporters is not None and reporters >= policy.community_min_reporters:
        return "community"
    if discretionary_accepted:
        return "discretionary"
    return None


def explain_threshold(result: ThresholdResult, incidents: Sequence[Incident], policy: ThresholdPolicy) -> str:
    """The plain-English explanation of ``result`` for the decision letter.

    ``incidents`` and ``policy`` are those the result was evaluated from: they give the
    dates, delays, agencies and methods the reasons talk about. ``result.explanation`` is
    not read. The sentences are: the headline (met and by which route, or how many of the
    qualifying complaints needed there were and why the others did not count); for a met
    threshold, the incidents not counted; the complaints only the Act's floor made count; the
    community rule when it is on and did not decide; the discretionary activation when one was
    given and did not decide; and, on the confirmed records, that only those were counted.
    """
    by_id = {incident.id: incident for incident in incidents}
    window = _Window(result.window_from, result.window_to)
    clauses = [_exclusion_clause(e, by_id[e.incident], result, policy) for e in result.excluded]
    complaints = f"{result.qualifying_count} of the {_count(result.required, 'qualifying complaint')} needed"
    activation = result.discretionary

    if result.route == "qualifying_complaints":
        count = _count(result.qualifying_count, "qualifying complaint")
        occasions = " on separate occasions" if policy.separate_occasions else ""
        headline = f"The threshold is met: {count}{occasions}, of the {result.required} needed."
    elif result.route == "hate_incident":
        hate = _and([_subject(by_id[i]) for i in result.hate_incidents])
        headline = (
            f"The threshold is met: {complaints}, and {hate}, a qualifying complaint, was motivated by hate; "
            "under this council's procedure one such complaint meets the threshold."
        )
    elif result.route == "community":
        headline = (
            f"The threshold is met: {complaints}, and {_people(result.distinct_reporters)} made qualifying "
            f"complaints, of the {policy.community_min_reporters} needed."
        )
    elif result.route == "discretionary":
        headline = (
            f"The threshold is met: {complaints}, and the review was activated by {activation.by.strip()} "
            f"({role_label(activation.role)}) because {activation.reason.strip().rstrip('.')}."
        )
    elif not incidents:
        headline = f"{complaints}: the application lists no incidents."
    else:
        headline = f"{complaints}: {'; '.join(clauses)}." if clauses else f"{complaints}."
    sentences = [headline]

    if result.met and clauses:
        sentences.append(f"Not counted: {'; '.join(clauses)}.")
    if result.act_floor:
        floor = [
            _floor_clause(note, by_id[note.incident], window, result, policy) for note in result.act_floor
        ]
        these = "this complaint" if len(floor) == 1 else f"these {len(floor)} complaints"
        sentences.append(
            f"The Act's floor (s.104(11)), not the council's narrower wording, made {these} count: "
            f"{'; '.join(floor)}."
        )
    if policy.community_min_reporters is not None and result.route in (None, "discretionary"):
        needed = policy.community_min_reporters
        sentences.append(
            f"{_people(result.distinct_reporters).capitalize()} made qualifying complaints; "
            f"{needed} {'is' if needed == 1 else 'are'} needed."
        )
    if activation is not None and result.route != "discretionary":
        sentences.append(_activation_not_used(activation, policy))
    if result.confirmed_only:
        sentences.append("Only reports the agencies have confirmed from their records are counted.")
    return " ".join(sentences)


def _activation_not_used(activation: Discretionary, policy: ThresholdPolicy) -> str:
    who = activation.by.strip() or "an unnamed officer"
    refusal = discretionary_refusal(activation, policy)
    if refusal is None:
        return f"The discretionary activation by {who} ({role_label(activation.role)}) was not needed."
    return f"The discretionary activation by {who} was not accepted: {refusal}."


def _subject(incident: Incident) -> str:
    return f"the incident of {format_date(incident.occurred_on)}"


def _window_phrase(result: ThresholdResult, policy: ThresholdPolicy) -> str:
    return f"the {_count(policy.window_months, 'month')} before the application of {format_date(result.window_to)}"


def _exclusion_clause(
    exclusion: Exclusion, incident: Incident, result: ThresholdResult, policy: ThresholdPolicy
) -> str:
    subject = _subject(incident)
    if exclusion.reason == "outside_window":
        if incident.occurred_on > result.window_to:
            return f"{subject} happened after the application of {format_date(result.window_to)}"
        return f"{subject} was reported outside {_window_phrase(result, policy)}"
    if exclusion.reason == "same_occasion":
        return f"{subject} happened on the same day as another qualifying complaint, so they count as one occasion"
    if not incident.reports:
        return f"{subject} was not reported to any agency"
    return f"{subject} was " + ", and ".join(_report_problems(exclusion, incident, result, policy))


def _report_problems(
    exclusion: Exclusion, incident: Incident, result: ThresholdResult, policy: ThresholdPolicy
) -> list[str]:
    """Phrases for an incident's failing reports, one per reason (and per method)."""
    window = _Window(result.window_from, result.window_to)
    failing = list(
        zip(incident.reports, _incident_reasons(incident, window, policy, result.confirmed_only), strict=True)
    )
    problems = []
    for code in exclusion.report_reasons:
        reports = [report for report, reason in failing if reason == code]
        if code == "outside_window":
            problems.append(f"reported outside {_window_phrase(result, policy)}")
        elif code == "reported_before_incident":
            problems.append("reported before it happened")
        elif code == "reported_late":
            delay = min((report.reported_on - incident.occurred_on).days for report in reports)
            problems.append(
                f"reported {_count(delay, 'day')} after it happened, more than {_limit_phrase(policy)}"
            )
        elif code == "ineligible_agency":
            problems.append(f"reported to {_agencies(reports)}, not a relevant body")
        elif code == "ineligible_method":
            for method in dict.fromkeys(report.method for report in reports):
                problems.append(_method_problem(method))
        else:
            problems.extend(_not_confirmed_problems(reports))
    return problems


def _not_confirmed_problems(reports: list[Report]) -> list[str]:
    problems = []
    denied = [report for report in reports if report.confirmed is False]
    if denied:
        why = "; ".join(dict.fromkeys(r.not_confirmed.strip() for r in denied if r.not_confirmed.strip()))
        problems.append(f"not found in the records of {_agencies(denied)}" + (f" ({why})" if why else ""))
    unchecked = [report for report in reports if report.confirmed is None]
    if unchecked:
        problems.append(f"not yet confirmed by the records of {_agencies(unchecked)}")
    return problems


def _agencies(reports: Iterable[Report]) -> str:
    return _and([AGENCY_NAMES[agency] for agency in dict.fromkeys(report.agency for report in reports)])


def _method_problem(method: str) -> str:
    phrase = _METHOD_PHRASES[method]
    if method == "diary_sheet":
        return f"reported {phrase}, which is not a complaint"
    return f"reported {phrase}, which counts only with a police officer or PCSO on duty"


def _limit_phrase(policy: ThresholdPolicy) -> str:
    """The reporting limit as it applies: the council's, or the Act's month where that is longer."""
    local = policy.report_within
    if local.never_shorter_than_the_act:
        return local.describe()
    return f"the longer of {local.describe()} and {_count(ACT_REPORT_MONTHS, 'month')}"


def _floor_clause(
    note: FloorNote, incident: Incident, window: _Window, result: ThresholdResult, policy: ThresholdPolicy
) -> str:
    reasons = _incident_reasons(incident, window, policy, result.confirmed_only)
    qualifying = [report for report, reason in zip(incident.reports, reasons, strict=True) if reason is None]
    phrases = []
    if "window" in note.grounds:
        first = min(report.reported_on for report in qualifying)
        phrases.append(
            f"happened before the {_count(policy.window_months, 'month')} but was reported inside them, on "
            f"{format_date(first)}, and it is the complaint that must be in them"
        )
    if "report_limit" in note.grounds:
        delay = min((report.reported_on - incident.occurred_on).days for report in qualifying)
        phrases.append(
            f"was reported {_count(delay, 'day')} after it happened, later than the council's "
            f"{policy.report_within.describe()} but within {_count(ACT_REPORT_MONTHS, 'month')}"
        )
    if "agency" in note.grounds:
        bodies = [r for r in qualifying if r.agency not in policy.eligible_agencies]
        phrases.append(
            f"was reported to {_agencies(bodies)}, a relevant body (s.105) that the council's wording does not list"
        )
    return f"{_subject(incident)} " + " and ".join(phrases)


def describe_threshold(policy: ThresholdPolicy) -> list[str]:
    """The council's threshold in plain English, for the letters that explain it. Worded from the
    same policy the evaluation applies (the Act's floor included), so the two cannot disagree."""
    agencies = [AGENCY_NAMES[a] for a in AGENCIES if a in policy.counted_agencies]
    local = policy.report_within
    limit = f"within {local.describe()} of it happening"
    if not local.never_shorter_than_the_act:
        limit += f", or within {_count(ACT_REPORT_MONTHS, 'month')} where that is longer"
    sentences = [
        f"The threshold for a case review is met when at least {_count(policy.min_qualifying, 'qualifying complaint')} "
        f"about the anti-social behaviour were made in the {_count(policy.window_months, 'month')} before your "
        "application.",
        f"A complaint qualifies when the incident was reported to {_or(agencies)} {limit}.",
    ]
    if policy.separate_occasions:
        sentences.append("Complaints about incidents on the same day count as one.")
    if policy.onsite_police_only:
        sentences.append(
            "A diary sheet kept for an investigation is not a complaint, and a conversation with an officer out in "
            "the community counts only when it was with a police officer or PCSO on duty."
        )
    else:
        sentences.append("A diary sheet kept for an investigation is not a complaint.")
    if policy.hate_incident_route:
        sentences.append("It is also met by one qualifying complaint about an incident motivated by hate.")
    if policy.community_min_reporters is not None:
        sentences.append(
            f"It is also met when at least {policy.community_min_reporters} different people have made "
            "qualifying complaints about the same problem."
        )
    if policy.discretionary_activation:
        sentences.append(
            "A senior officer can also decide that a case review should take place to protect a vulnerable victim."
        )
    return sentences


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _people(n: int) -> str:
    if n == 0:
        return "no one"
    return "1 person" if n == 1 else f"{n} different people"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
