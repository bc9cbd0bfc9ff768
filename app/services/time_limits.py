"""Each council's time limits in words, for residents: read from the council's live diagram
(the ``dueOn`` of each statutory deadline, shared/spec/LIFECYCLE.md "Time limits by council")
and its councils.toml windows, never typed twice. A limit no source states (councils.toml
``to_confirm``) is worded as an aim, as the letters word it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.councils import Council
from app.engine.properties import instance_spec, task_properties
from app.services import councils
from app.services.processes import parsed
from app.store import processes as process_store

# The steps a resident is told about, in order: deadline key -> what happens.
STEPS = {
    "acknowledge": "We acknowledge your application",
    "threshold_decision": "We tell you whether your case meets the threshold for a review",
    "case_review": "The case review meeting is held",
    "outcome_notification": "We tell you the outcome of the review",
    "review_request_window": "You can ask for a review of a decision that the threshold is not met",
    "appeal_window": "You can appeal against the outcome",
}
# The date a limit runs from, as a resident would say it.
STARTS = {
    "received_on": "of us receiving your application",
    "clock_started_on": "of us receiving your application",
    "held_on": "of the review meeting",
    "notified_on": "of being told the outcome",
    "threshold_decision_done_on": "of being told the decision",
    "review_refusal_done_on": "of being told the decision",
}
_LIMIT = re.compile(r"^\s*(add_working_days|add_days|add_months)\(\s*([a-z_]+)\s*,\s*([a-z_0-9]+)\s*\)\s*$")
_UNITS = {"add_working_days": "working day", "add_days": "day", "add_months": "month"}


@dataclass(frozen=True)
class Limit:
    key: str  # the deadline key
    step: str  # what happens
    within: str  # "within 5 working days of us receiving your application"


def _windows(council: Council) -> dict[str, int]:
    """The diagram variables that carry councils.toml windows (app.services.cases.workflow_data)."""
    return {
        "review_within_days": council.review_within_days,
        "appeal_within_days": council.appeal.within_days,
        "consent_within_days": council.consent.follow_up_days,
        "ineligible_review_within_days": council.ineligible_review_policy.within_days,
    }


def describe_limit(council: Council, key: str, expression: str) -> str | None:
    """'add_working_days(received_on, 5)' -> 'within 5 working days of us receiving your
    application'; None for an expression that is not a plain count from a date."""
    match = _LIMIT.match(expression or "")
    if not match or match.group(2) not in STARTS:
        return None
    function, start, count = match.groups()
    n = int(count) if count.isdigit() else _windows(council).get(count)
    if n is None:
        return None
    start_words = STARTS[start]
    if start == "clock_started_on" and council.consent.clock_starts == "completed_application":
        start_words = (
            "of us receiving your completed application (with the victim's consent, if you apply for them)"
        )
    unit = _UNITS[function] + ("" if n == 1 else "s")
    within = f"within {n} {unit} {start_words}"
    # An assumed limit is not the council's word: say it is an aim.
    return f"{within} (our aim)" if council.assumed(f"diagram.{key}.dueOn") else within


def limits_of(council_id: str) -> list[Limit]:
    """The council's limits a resident is told about, from its live diagram; [] if none is live."""
    council = councils.policy_for(council_id)
    live = process_store.active_version_for(council_id)
    if council is None or live is None:
        return []
    found: dict[str, str] = {}
    for spec in parsed(live).spec.task_specs.values():
        props = task_properties(instance_spec(spec))
        key = props.get("deadline")
        if key in STEPS and key not in found:
            found[key] = props.get("dueOn", "")
    if not council.not_met_review.offered:
        found.pop("review_request_window", None)
    limits = []
    for key, step in STEPS.items():
        words = describe_limit(council, key, found[key]) if key in found else None
        if words is not None:
            limits.append(Limit(key, step, words))
    return limits
