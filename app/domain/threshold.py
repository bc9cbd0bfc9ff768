"""The Community Trigger threshold: does an application have enough qualifying complaints?

The rules are in spec/RULES.md §2. ``evaluate_threshold`` advises; an officer decides in the
threshold task and may depart from the advice with recorded reasons. The result carries a
plain-English explanation fit to quote in the decision letter (``explain_threshold``).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.calendar import add_days, add_months, check_date, format_date

AGENCIES = ("council", "police", "housing_provider", "icb", "other")
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
ROUTES = ("qualifying_complaints", "community", "discretionary")
# Both in the order RULES.md §2 gives them; the first exclusion reason that applies wins.
EXCLUSION_REASONS = ("outside_window", "no_qualifying_report", "same_occasion")
REPORT_REASONS = ("reported_late", "reported_before_incident", "ineligible_agency", "ineligible_method")

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


@dataclass(frozen=True)
class ReportLimit:
    """How soon after an incident a report must be made: a number of months or of days."""

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
        """The last day on which a report of an incident of ``occurred_on`` still qualifies."""
        if self.months:
            return add_months(occurred_on, self.months)
        return add_days(occurred_on, self.days)

    def describe(self) -> str:
        return _count(self.months, "month") if self.months else _count(self.days, "day")


@dataclass(frozen=True)
class ThresholdPolicy:
    """A council's threshold parameters; the defaults are the common case (RULES.md §2).

    Collections may be given as any iterable and ``report_within`` as a mapping such as
    ``{"days": 30}``; they are stored as frozensets and a ``ReportLimit``. Unknown agencies,
    methods and roles raise ValueError, so a typo in a council's configuration fails loudly.
    """

    min_qualifying: int = 3
    window_months: int = 6
    report_within: ReportLimit = ReportLimit(months=1)
    eligible_agencies: frozenset[str] = frozenset({"council", "police", "housing_provider"})
    eligible_methods: frozenset[str] = frozenset(
        {"writing", "email", "phone", "online", "in_person_office", "police_officer_on_duty"}
    )
    police_only_methods: frozenset[str] = frozenset({"onsite_discussion"})
    community_min_reporters: int | None = None
    discretionary_activation: bool = True
    discretionary_roles: frozenset[str] = frozenset(SENIOR_ROLES)

    def __post_init__(self) -> None:
        _check_positive(self.min_qualifying, "min_qualifying")
        _check_positive(self.window_months, "window_months")
        if self.community_min_reporters is not None:
            _check_positive(self.community_min_reporters, "community_min_reporters")
        if not isinstance(self.discretionary_activation, bool):
            raise ValueError(
                f"discretionary_activation must be true or false, got {self.discretionary_activation!r}"
            )
        report_within = self.report_within
        if isinstance(report_within, Mapping):
            unknown = set(report_within) - {"months", "days"}
            if unknown:
                raise ValueError(f"report_within takes months or days, not {sorted(unknown)}")
            report_within = ReportLimit(**report_within)
        if not isinstance(report_within, ReportLimit):
            raise ValueError(f"report_within must be a ReportLimit or mapping, got {report_within!r}")
        object.__setattr__(self, "report_within", report_within)
        for name, allowed in (
            ("eligible_agencies", AGENCIES),
            ("eligible_methods", METHODS),
            ("police_only_methods", METHODS),
            ("discretionary_roles", tuple(SENIOR_ROLES)),
        ):
            object.__setattr__(self, name, _check_subset(getattr(self, name), allowed, name))


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
    """One report of an incident to an agency."""

    agency: str
    reported_on: date
    method: str
    reporter: str = ""
    reference: str = ""

    def __post_init__(self) -> None:
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency {self.agency!r}; expected one of {list(AGENCIES)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; expected one of {list(METHODS)}")
        check_date(self.reported_on, "reported_on")
        _check_text(self.reporter, "reporter")
        _check_text(self.reference, "reference")


@dataclass(frozen=True)
class Incident:
    """One incident of anti-social behaviour and its reports. ``id`` is unique in an application."""

    id: str
    occurred_on: date
    reports: tuple[Report, ...] = ()
    description: str = ""

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
    """An incident that does not count, and why (codes from EXCLUSION_REASONS / REPORT_REASONS)."""

    incident: str
    reason: str
    report_reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"incident": self.incident, "reason": self.reason, "report_reasons": list(self.report_reasons)}


@dataclass(frozen=True)
class ThresholdResult:
    """The advice on an application: met or not, by which route, and why (see ``to_dict``)."""

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
        }


def report_reasons(
    report: Report, occurred_on: date, policy: ThresholdPolicy = ThresholdPolicy()
) -> tuple[str, ...]:
    """Why ``report`` does not qualify, in REPORT_REASONS order; empty when it qualifies."""
    check_date(occurred_on, "occurred_on")
    return _report_failures(report, occurred_on, policy.report_within.latest(occurred_on), policy)


def _report_failures(
    report: Report, occurred_on: date, latest: date, policy: ThresholdPolicy
) -> tuple[str, ...]:
    reasons = []
    if report.reported_on > latest:
        reasons.append("reported_late")
    if report.reported_on < occurred_on:
        reasons.append("reported_before_incident")
    if report.agency not in policy.eligible_agencies:
        reasons.append("ineligible_agency")
    police_only = report.method in policy.police_only_methods and report.agency == "police"
    if report.method not in policy.eligible_methods and not police_only:
        reasons.append("ineligible_method")
    return tuple(reasons)


def _incident_failures(incident: Incident, policy: ThresholdPolicy) -> tuple[tuple[str, ...], ...]:
    """``report_reasons`` of each of the incident's reports, with the reporting limit worked out once."""
    latest = policy.report_within.latest(incident.occurred_on)
    return tuple(
        _report_failures(report, incident.occurred_on, latest, policy) for report in incident.reports
    )


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
) -> ThresholdResult:
    """Apply RULES.md §2 to an application. An all-blank ``discretionary`` counts as none given."""
    check_date(received_on, "received_on")
    incidents = _check_incidents(incidents)
    if not isinstance(policy, ThresholdPolicy):
        raise ValueError(f"policy must be a ThresholdPolicy, got {policy!r}")
    if discretionary is not None and not isinstance(discretionary, Discretionary):
        raise ValueError(f"discretionary must be a Discretionary or None, got {discretionary!r}")
    if discretionary is not None and discretionary.is_blank():
        discretionary = None

    window_from = add_months(received_on, -policy.window_months)
    excluded, counted = _split_incidents(incidents, window_from, received_on, policy)
    counted.sort(key=lambda item: item[:2])
    occasions: dict[date, str] = {}
    for occurred_on, index, incident, _ in counted:
        if occurred_on in occasions:
            excluded.append((occurred_on, index, Exclusion(incident.id, "same_occasion")))
        else:
            occasions[occurred_on] = incident.id
    excluded.sort(key=lambda item: item[:2])

    reporters = {
        normalise_reporter(report.reporter)
        for _, _, incident, failures in counted
        for report, reasons in zip(incident.reports, failures, strict=True)
        if not reasons and report.reporter.strip()
    }
    accepted = discretionary is not None and discretionary_refusal(discretionary, policy) is None
    route = _route(len(occasions), len(reporters), accepted, policy)
    result = ThresholdResult(
        met=route is not None,
        route=route,
        required=policy.min_qualifying,
        qualifying_count=len(occasions),
        qualifying_incidents=tuple(occasions.values()),
        excluded=tuple(exclusion for _, _, exclusion in excluded),
        explanation="",
        window_from=window_from,
        window_to=received_on,
        distinct_reporters=len(reporters),
        discretionary=discretionary,
        discretionary_accepted=accepted,
    )
    return replace(result, explanation=explain_threshold(result, incidents, policy))


# (occurred_on, input index, ...): the keys both lists are ordered by.
_Excluded = tuple[date, int, Exclusion]
_Counted = tuple[date, int, Incident, tuple[tuple[str, ...], ...]]  # with each report's failures


def _split_incidents(
    incidents: tuple[Incident, ...], window_from: date, window_to: date, policy: ThresholdPolicy
) -> tuple[list[_Excluded], list[_Counted]]:
    """Split incidents into those excluded on their own merits and those in the window with a
    qualifying report; ``same_occasion`` is decided afterwards, among the latter."""
    excluded: list[_Excluded] = []
    counted: list[_Counted] = []
    for index, incident in enumerate(incidents):
        if not window_from <= incident.occurred_on <= window_to:
            excluded.append((incident.occurred_on, index, Exclusion(incident.id, "outside_window")))
            continue
        failures = _incident_failures(incident, policy)
        if failures and not all(failures):
            counted.append((incident.occurred_on, index, incident, failures))
            continue
        found = {reason for reasons in failures for reason in reasons}
        report_codes = tuple(reason for reason in REPORT_REASONS if reason in found)
        excluded.append(
            (incident.occurred_on, index, Exclusion(incident.id, "no_qualifying_report", report_codes))
        )
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
    occasions: int, reporters: int, discretionary_accepted: bool, policy: ThresholdPolicy
) -> str | None:
    if occasions >= policy.min_qualifying:
        return "qualifying_complaints"
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
    threshold, the incidents not counted; the community rule when it is on and did not
    decide; the discretionary activation when one was given and did not decide.
    """
    by_id = {incident.id: incident for incident in incidents}
    clauses = [_exclusion_clause(e, by_id[e.incident], result, policy) for e in result.excluded]
    complaints = f"{result.qualifying_count} of the {_count(result.required, 'qualifying complaint')} needed"
    activation = result.discretionary

    if result.route == "qualifying_complaints":
        count = _count(result.qualifying_count, "qualifying complaint")
        headline = f"The threshold is met: {count} on separate occasions, of the {result.required} needed."
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
    if policy.community_min_reporters is not None and result.route in (None, "discretionary"):
        needed = policy.community_min_reporters
        sentences.append(
            f"{_people(result.distinct_reporters).capitalize()} made qualifying complaints; "
            f"{needed} {'is' if needed == 1 else 'are'} needed."
        )
    if activation is not None and result.route != "discretionary":
        sentences.append(_activation_not_used(activation, policy))
    return " ".join(sentences)


def _activation_not_used(activation: Discretionary, policy: ThresholdPolicy) -> str:
    who = activation.by.strip() or "an unnamed officer"
    refusal = discretionary_refusal(activation, policy)
    if refusal is None:
        return f"The discretionary activation by {who} ({role_label(activation.role)}) was not needed."
    return f"The discretionary activation by {who} was not accepted: {refusal}."


def _exclusion_clause(
    exclusion: Exclusion, incident: Incident, result: ThresholdResult, policy: ThresholdPolicy
) -> str:
    subject = f"the incident of {format_date(incident.occurred_on)}"
    if exclusion.reason == "outside_window":
        application = f"the application of {format_date(result.window_to)}"
        if incident.occurred_on > result.window_to:
            return f"{subject} happened after {application}"
        return f"{subject} was outside the {_count(policy.window_months, 'month')} before {application}"
    if exclusion.reason == "same_occasion":
        return f"{subject} happened on the same day as another qualifying complaint, so they count as one occasion"
    if not incident.reports:
        return f"{subject} was not reported to any agency"
    return f"{subject} was " + ", and ".join(_report_problems(exclusion, incident, policy))


def _report_problems(exclusion: Exclusion, incident: Incident, policy: ThresholdPolicy) -> list[str]:
    """Phrases for an incident's failing reports, one per reason (and per agency or method)."""
    failing = list(zip(incident.reports, _incident_failures(incident, policy), strict=True))
    problems = []
    for code in exclusion.report_reasons:
        reports = [report for report, reasons in failing if code in reasons]
        if code == "reported_late":
            delay = min((report.reported_on - incident.occurred_on).days for report in reports)
            limit = policy.report_within.describe()
            problems.append(f"reported {_count(delay, 'day')} after it happened, more than {limit}")
        elif code == "reported_before_incident":
            problems.append("reported before it happened")
        elif code == "ineligible_agency":
            agencies = ", ".join(dict.fromkeys(report.agency for report in reports))
            problems.append(f"reported to an agency that does not count ({agencies})")
        else:
            for method in dict.fromkeys(report.method for report in reports):
                problems.append(_method_problem(method, policy))
    return problems


def _method_problem(method: str, policy: ThresholdPolicy) -> str:
    phrase = _METHOD_PHRASES[method]
    if method in policy.police_only_methods and "police" in policy.eligible_agencies:
        return f"reported {phrase}, which counts only with a police officer or PCSO on duty"
    return f"reported {phrase}, which does not count"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _people(n: int) -> str:
    if n == 0:
        return "no one"
    return "1 person" if n == 1 else f"{n} different people"
