"""The threshold in words: the explanation of an evaluation, fit to quote in a decision letter,
and a council's threshold as the letters state it. Both are worded from the same policy and
reasons the evaluation applies, so the letters and the evaluation cannot disagree."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from app.domain.calendar import format_date
from app.domain.threshold.inputs import Discretionary, Incident, Report, discretionary_refusal, role_label
from app.domain.threshold.policy import ACT_REPORT_MONTHS, AGENCIES, AGENCY_NAMES, ThresholdPolicy, plural
from app.domain.threshold.qualifying import Window, incident_reasons

if TYPE_CHECKING:
    from app.domain.threshold.evaluation import Exclusion, FloorNote, ThresholdResult

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
# How the pages word a method ("reported on 2 September by phone").
METHOD_PHRASES = _METHOD_PHRASES


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
    window = Window(result.window_from, result.window_to)
    clauses = [_exclusion_clause(e, by_id[e.incident], result, policy) for e in result.excluded]
    complaints = f"{result.qualifying_count} of the {plural(result.required, 'qualifying complaint')} needed"
    activation = result.discretionary

    if result.route == "qualifying_complaints":
        count = plural(result.qualifying_count, "qualifying complaint")
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
    return f"the {plural(policy.window_months, 'month')} before the application of {format_date(result.window_to)}"


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
    window = Window(result.window_from, result.window_to)
    failing = list(
        zip(incident.reports, incident_reasons(incident, window, policy, result.confirmed_only), strict=True)
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
                f"reported {plural(delay, 'day')} after it happened, more than {_limit_phrase(policy)}"
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
    return f"the longer of {local.describe()} and {plural(ACT_REPORT_MONTHS, 'month')}"


def _floor_clause(
    note: FloorNote, incident: Incident, window: Window, result: ThresholdResult, policy: ThresholdPolicy
) -> str:
    reasons = incident_reasons(incident, window, policy, result.confirmed_only)
    qualifying = [report for report, reason in zip(incident.reports, reasons, strict=True) if reason is None]
    phrases = []
    if "window" in note.grounds:
        first = min(report.reported_on for report in qualifying)
        phrases.append(
            f"happened before the {plural(policy.window_months, 'month')} but was reported inside them, on "
            f"{format_date(first)}, and it is the complaint that must be in them"
        )
    if "report_limit" in note.grounds:
        delay = min((report.reported_on - incident.occurred_on).days for report in qualifying)
        phrases.append(
            f"was reported {plural(delay, 'day')} after it happened, later than the council's "
            f"{policy.report_within.describe()} but within {plural(ACT_REPORT_MONTHS, 'month')}"
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
        limit += f", or within {plural(ACT_REPORT_MONTHS, 'month')} where that is longer"
    sentences = [
        f"The threshold for a case review is met when at least {plural(policy.min_qualifying, 'qualifying complaint')} "
        f"about the anti-social behaviour were made in the {plural(policy.window_months, 'month')} before your "
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


def _people(n: int) -> str:
    if n == 0:
        return "no one"
    return "1 person" if n == 1 else f"{n} different people"


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} or {items[-1]}"
