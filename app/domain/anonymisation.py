"""What anonymising a case keeps and what it replaces (issue 17), as pure functions on the JSON a
case holds: its application, threshold, decision, outcome, action plan, task answers, history
details and serialized workflow. ``app.services.anonymise`` applies them to a case's rows.

The rule is a keep-list, not a remove-list: every text is replaced unless it is a date or sits
under a key that only ever holds a code the product chose (an agency, a route, a channel...).
So a free-text field added to a form later, or a variant's own form, is removed without anyone
remembering to list it. Numbers, true/false and null stay: they are figures and flags (whether a
victim is vulnerable is kept only as the flag the figures and the diagram read, with no name to
attach it to). Dates, deadlines, milestones, the stage and the action plan's dates and statuses
stay, so the statutory figures and the dashboard count an anonymised case as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

REMOVED = "[removed]"

# Keys whose texts are codes from the product's own lists, never typed by a person.
CODE_KEYS = frozenset({
    "agencies", "agency", "applicant_type", "bodies", "body", "channel", "council", "evidence",
    "id", "kind", "method", "owner_agency", "qualifying_incidents", "recipient", "recipients",
    "relevant_bodies", "report", "route", "stage", "status",
})  # fmt: skip
# "2026-12-14", "2026-12-14T09:00:00+00:00": dates and instants stay.
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")

# History events whose detail the product wrote from codes, names of steps and dates only.
PLAIN_HISTORY_EVENTS = frozenset({
    "case_opened", "case_reopened", "due_date_moved", "escalated", "letter_due", "letter_emailed",
    "letter_posted", "milestone", "records_check", "task_assigned", "task_claimed", "task_completed",
    "task_returned",
})  # fmt: skip


def scrub(value: Any, key: str | None = None) -> Any:
    """``value`` with every text replaced by REMOVED but dates, codes (under CODE_KEYS) and empty
    texts; dicts and lists walked, each text judged by the nearest key above it."""
    if isinstance(value, Mapping):
        return {k: scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub(v, key) for v in value]
    if isinstance(value, str):
        if value == "" or value == REMOVED or key in CODE_KEYS or _DATE.match(value):
            return value
        return REMOVED
    return value


def scrub_history_detail(event: str, detail: str) -> str:
    """A history entry's detail: kept when the product wrote it from codes and step names alone
    (PLAIN_HISTORY_EVENTS), else removed (reasons typed by staff, a mail server's error that can
    name an address)."""
    return detail if event in PLAIN_HISTORY_EVENTS or not detail else REMOVED


def scrub_workflow(serialized: str) -> str:
    """A serialized SpiffWorkflow workflow (app/engine/serialization.py) with the data it carries
    scrubbed: the workflow's data, each task's data and the changes it made (``delta``), and the
    messages it received or waits for (an appeal's grounds), whatever key they sit under. Its structure (tasks,
    states, specs, timers) is left exactly as it was, so it still loads and ``ctflow check`` still
    finds the case's rows agree with it."""
    if not serialized:
        return serialized
    workflow = json.loads(serialized)
    _scrub_workflow_dict(workflow)
    return json.dumps(workflow)


def _scrub_workflow_dict(workflow: dict[str, Any]) -> None:
    if "data" in workflow:
        workflow["data"] = scrub(workflow["data"])
    for task in (workflow.get("tasks") or {}).values():
        if "data" in task:
            task["data"] = scrub(task["data"])
        delta = task.get("delta")
        if isinstance(delta, dict) and "updates" in delta:
            delta["updates"] = scrub(delta["updates"])
        if isinstance(task.get("internal_data"), dict):
            _scrub_internal_data(task["internal_data"])
    _scrub_payloads(workflow.get("bpmn_events"))
    if isinstance(workflow.get("correlations"), dict):
        workflow["correlations"] = scrub(workflow["correlations"])
    for subprocess in (workflow.get("subprocesses") or {}).values():
        if isinstance(subprocess, dict):
            _scrub_workflow_dict(subprocess)


# SpiffWorkflow's own bookkeeping in a task's ``internal_data``, left alone: the rest there is a
# message's content, kept under the message's name (``appeal_lodged``), and scrubbed.
_ENGINE_INTERNAL = frozenset({"event_fired", "event_value", "merged", "key_or_index"})


def _scrub_internal_data(internal: dict[str, Any]) -> None:
    for key, value in internal.items():
        if key == "seen_events":
            _scrub_payloads(value)
        elif key not in _ENGINE_INTERNAL:
            internal[key] = scrub(value)


def _scrub_payloads(value: Any) -> None:
    """Scrub, in place, every message ``payload`` found in ``value`` (events seen or pending)."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "payload":
                value[key] = scrub(item)
            else:
                _scrub_payloads(item)
    elif isinstance(value, list):
        for item in value:
            _scrub_payloads(item)
