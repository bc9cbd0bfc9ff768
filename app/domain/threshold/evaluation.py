"""The evaluation of an application (RULES.md §2): qualifying complaints, occasions, routes, the
Act's floor, and the binding check on the agencies' confirmed records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from app.domain.calendar import add_months, check_date
from app.domain.threshold.inputs import Discretionary, Incident, discretionary_refusal, normalise_reporter
from app.domain.threshold.policy import ACT_CITATION, DEFAULT_POLICY, REPORT_REASONS, ThresholdPolicy, plural
from app.domain.threshold.qualifying import Window, floor_grounds, incident_reasons
from app.domain.threshold.wording import explain_threshold


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


def evaluate_threshold(
    received_on: date,
    incidents: Sequence[Incident],
    policy: ThresholdPolicy = DEFAULT_POLICY,
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

    window = Window(add_months(received_on, -policy.window_months), received_on)
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
        if incident.id in qualifying and (grounds := floor_grounds(incident, reasons, window, policy))
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
    received_on: date, incidents: Sequence[Incident], policy: ThresholdPolicy = DEFAULT_POLICY
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
    count = plural(result.qualifying_count, "qualifying complaint")
    return (
        f"The agencies' records confirm {count}, and {result.required} "
        f"{'meets' if result.required == 1 else 'meet'} the threshold: under s.104(4) of {ACT_CITATION} "
        "the case review must take place, so the threshold cannot be decided as not met."
    )


# (occurred_on, input index, ...): the keys both lists are ordered by.
_Excluded = tuple[date, int, Exclusion]
_Counted = tuple[date, int, Incident, tuple[str | None, ...]]  # with each report's reason


def _split_incidents(
    incidents: tuple[Incident, ...], window: Window, policy: ThresholdPolicy, confirmed_only: bool
) -> tuple[list[_Excluded], list[_Counted]]:
    """Split incidents into those excluded on their own merits and those with a qualifying
    report; ``same_occasion`` is decided afterwards, among the latter."""
    excluded: list[_Excluded] = []
    counted: list[_Counted] = []
    for index, incident in enumerate(incidents):
        reasons = incident_reasons(incident, window, policy, confirmed_only)
        if None in reasons:
            counted.append((incident.occurred_on, index, incident, reasons))
            continue
        # outside_window only when every complaint is outside it (RULES.md §2, step 5); an
        # incident never reported was not complained of at all: no_qualifying_report.
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
