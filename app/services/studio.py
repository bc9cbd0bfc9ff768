"""What the process owners' studio offers while a diagram is edited: the pickers' choices and
the preview of a due-date expression as a date on the council's calendar.

Every choice comes from the registry the engine checks against (forms, handlers, milestones,
stages, lanes), so the studio can never offer a value the validator would refuse.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from app.clock import LOCAL_TIMEZONE
from app.domain.calendar import format_day
from app.engine import isolation, sandbox
from app.engine.functions import FUNCTION_NAMES, diagram_functions, to_date
from app.engine.properties import instance_spec, task_properties
from app.engine.specs import MILESTONES, STAGES
from app.letters.kinds import LETTER_TITLES
from app.models import ProcessVersion
from app.services import councils
from app.services.process_versions import STATUTORY_DEADLINES
from app.services.processes import parsed
from forms import FORMS
from handlers import HANDLER_PARAMETERS

# Lanes in the order a case meets them; the lane's name is the role written as words.
ROLES = (
    "community_safety_officer",
    "community_safety_manager",
    "partner_agency",
    "panel_chair",
    "appeal_body",
)
# API.md's deadline keys, then those the shipped variants add; a diagram may add its own.
DEADLINES = STATUTORY_DEADLINES + (
    "outcome_notification",
    "appeal_decision",
    "appeal_outcome_notification",
    "review_request_window",
    "ineligible_review_window",
    "review_decision",
    "review_outcome_notification",
    "victim_contact",
    "information_return",
    "minutes",
)
HANDLER_LABELS = {
    "evaluate_threshold": "Evaluate the threshold",
    "issue_letter": "Issue a letter",
    "escalate": "Escalate to another role",
    "record_milestone": "Record a milestone",
}
FUNCTIONS = (
    "add_working_days(date, n)",
    "add_days(date, n)",
    "add_months(date, n)",
    "working_days_between(a, b)",
    "today()",
    "end_of_day(date)",
)


class PreviewError(Exception):
    """The expression does not give a date; the message says why in plain words."""


def words(key: str) -> str:
    """'community_safety_officer' -> 'Community safety officer' (how lanes are named)."""
    return key.replace("_", " ").capitalize()


def _choices(keys, label=words) -> list[dict[str, str]]:
    return [{"value": key, "label": label(key)} for key in keys]


def _quoted(choices: list[dict[str, str]]) -> list[dict[str, str]]:
    # Handler parameters are expressions, so a fixed string is written with quotes.
    return [{"value": repr(c["value"]), "label": c["label"]} for c in choices]


def vocabulary() -> dict[str, Any]:
    """The choices each picker of the studio's properties panel offers."""
    roles = _choices(ROLES)
    milestones = _choices(MILESTONES)
    parameter_choices = {
        ("issue_letter", "letter"): _quoted(_choices(LETTER_TITLES, LETTER_TITLES.get)),
        ("escalate", "to"): _quoted(roles),
        ("record_milestone", "milestone"): _quoted(milestones),
    }
    return {
        "roles": roles,
        "forms": form_choices(),
        "stages": _choices(STAGES),
        "deadlines": _choices(DEADLINES),
        "milestones": milestones,
        "handlers": [
            {
                "value": handler,
                "label": HANDLER_LABELS.get(handler, words(handler)),
                "parameters": [
                    {"name": name, "required": required, "choices": parameter_choices.get((handler, name))}
                    for name, required in parameters.items()
                ],
            }
            for handler, parameters in HANDLER_PARAMETERS.items()
        ],
        "functions": list(FUNCTIONS),
    }


def form_choices() -> list[dict[str, str]]:
    """Each form once, by its title; a council's own form whose title another form shares says
    whose it is ("Record the case review meeting (East Herts)"), so no two choices read alike."""
    titles = [FORMS[key].form_title for key in FORMS]
    choices = []
    for key, title in zip(FORMS, titles, strict=True):
        if titles.count(title) > 1:
            base = next((other for other in FORMS if key != other and key.startswith(other + "_")), None)
            if base is not None:
                title = f"{title} ({key.removeprefix(base + '_').replace('_', ' ').title()})"
        choices.append({"value": key, "label": title})
    return choices


def values_to_confirm(council_id: str, live: ProcessVersion | None) -> list[dict[str, str]]:
    """The council's values no source states (councils.toml ``to_confirm``), for its process
    owner to confirm: what the value is and where it is set, in words, the assumed value now,
    and why it is assumed (with the source). A ``diagram.<element>.<property>`` key reads the
    council's live diagram."""
    council = councils.policy_for(council_id)
    rows = []
    for key, reason in council.to_confirm.items():
        parts = key.split(".")
        in_diagram = parts[0] == "diagram" and len(parts) == 3
        spec = _live_spec(live, parts[1]) if in_diagram else None
        rows.append(
            {
                "key": key,
                "label": _label(parts, spec),
                "where": "In the diagram" if parts[0] == "diagram" else "In the council's settings",
                "value": _diagram_value(spec, parts[2]) if in_diagram else _assumed_value(council, parts),
                "reason": reason,
            }
        )
    return rows


def _live_spec(live: ProcessVersion | None, element: str):
    if live is None:
        return None
    spec = next((s for s in parsed(live).element_specs() if getattr(s, "bpmn_id", None) == element), None)
    return instance_spec(spec) if spec is not None else None  # a multi-instance task's properties


def _label(parts: list[str], spec) -> str:
    """ "diagram.acknowledge.dueOn" -> "Acknowledge the application: time limit" (the step's
    name in the live diagram); "appeal.within_days" -> "Appeal: within days"."""
    if parts[0] == "diagram" and len(parts) == 3:
        name = getattr(spec, "bpmn_name", None) or words(parts[1])
        return f"{name}: {PROPERTY_LABELS.get(parts[2], parts[2]).lower()}"
    return f"{words(parts[0])}: {': '.join(p.replace('_', ' ') for p in parts[1:])}".rstrip(": ")


def _diagram_value(spec, name: str) -> str:
    value = task_properties(spec).get(name) if spec is not None else None
    if not value:
        return "not in the live diagram"
    return spell_limit(value) if name == "dueOn" else str(value)


def _assumed_value(council, parts: list[str]) -> str:
    value: Any = council
    for part in parts:
        value = getattr(value, part, None)
        if value is None:
            return "not set"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) and parts[-1].endswith("days"):
        return f"{value} days"
    return str(value)


def preview_due(council_id: str, expression: str, received_on: date) -> date:
    """The date ``expression`` gives on the council's calendar when the application, and every
    other date the expression reads, is ``received_on``."""
    if not expression.strip():
        raise PreviewError("Enter an expression, for example add_working_days(received_on, 5).")
    reason = sandbox.check_expression(expression)
    if reason:
        raise PreviewError(reason)
    names = sandbox.names_used([expression]) - FUNCTION_NAMES
    fields = sandbox.dated_fields_used(expression)
    not_dates = sorted(name for name in names if not name.endswith("_on") and name not in fields)
    if not_dates:
        raise PreviewError(
            "The preview only knows dates (names ending in _on, or an item's date such as "
            f'action["due_on"]), not {", ".join(not_dates)}.'
        )
    functions = diagram_functions(councils.policy_for(council_id).calendar, lambda: received_on)
    data: dict[str, Any] = {name: received_on.isoformat() for name in names if name not in fields}
    # An item's date (an action's due date, which the report on it is due by) is the item's own,
    # not a time limit: the preview takes it as the application's day too, and says so.
    data.update({name: dict.fromkeys(keys, received_on.isoformat()) for name, keys in fields.items()})
    try:
        # As typed by a process owner, this code has never run: in a child under hard limits.
        return _as_day(isolation.run_isolated(sandbox.evaluate, expression, data, functions))
    except sandbox.ScriptError as exc:
        raise PreviewError(f"It does not evaluate: {exc}") from exc
    except isolation.LimitBreached as exc:
        raise PreviewError(f"It went past the limits diagram code runs under: {exc}") from exc
    except ValueError as exc:
        raise PreviewError(f"It does not give a date: {exc}") from exc


def _as_day(value: Any) -> date:
    """A due date, or a timer's instant as the day it falls in: ``end_of_day(d)`` is midnight
    at the end of ``d``, which belongs to ``d``."""
    if isinstance(value, str) and "T" in value:
        instant = datetime.fromisoformat(value).astimezone(LOCAL_TIMEZONE)
        return (instant - timedelta(microseconds=1)).date() if instant.time() == time.min else instant.date()
    return to_date(value)


def preview_text(expression: str, due_on: date) -> str:
    """The previewed date in words, saying which dates it took as the application's day where an
    item's own date (``action["due_on"]``) decides it: 'Monday 23 November 2026, if
    action["due_on"] is that day too (each action has its own)'."""
    fields = sandbox.dated_fields_used(expression)
    read = [f'{name}["{key}"]' for name, keys in sorted(fields.items()) for key in sorted(keys)]
    if not read:
        return format_day(due_on)
    items = " and ".join(f"each {name.replace('_', ' ')}" for name in sorted(fields))
    verb = "is" if len(read) == 1 else "are"
    return f"{format_day(due_on)}, if {' and '.join(read)} {verb} that day too ({items} has its own)"


def describe_preview(council_id: str, received_on: date, due_on: date) -> str:
    """'Monday 30 November 2026, 5 working days after Monday 23 November 2026'."""
    calendar = councils.policy_for(council_id).calendar
    working = calendar.working_days_between(received_on, due_on)
    return f"{format_day(due_on)}, {working} working day{'s' if abs(working) != 1 else ''} after {format_day(received_on)}"


# How the diff names each property a process owner sets.
PROPERTY_LABELS = {
    "type": "Kind of step",
    "name": "Name",
    "role": "Who does it",
    "formKey": "Form",
    "stage": "Stage",
    "dueOn": "Time limit",
    "deadline": "Deadline",
    "doneOn": "Done on",
    "milestone": "Milestone",
    "agency": "Agency asked",
    "timer": "Timer",
    "conditions": "Conditions",
}
_LIMIT = re.compile(r"^\s*(add_working_days|add_days|add_months)\(\s*([a-z_][a-z0-9_]*)\s*,\s*(\d+)\s*\)\s*$")
_UNITS = {"add_working_days": "working day", "add_days": "day", "add_months": "month"}


def spell_limit(expression: str | None) -> str:
    """'add_working_days(received_on, 5)' -> '5 working days after received on'; other
    expressions are shown as written."""
    if not expression:
        return "none"
    match = _LIMIT.match(expression)
    if not match:
        return expression
    function, start, n = match.groups()
    unit = _UNITS[function] + ("" if n == "1" else "s")
    return f"{n} {unit} after {start.replace('_', ' ')} ({expression})"


def _spell(name: str, value: Any) -> str:
    if value is None:
        return "none"
    if name == "type":  # SpiffWorkflow's class: "UserTask" -> "User task"
        return re.sub(r"(?<!^)([A-Z])", lambda m: " " + m.group(1).lower(), str(value))
    if name == "dueOn":
        return spell_limit(value)
    if name == "formKey":
        label = {c["value"]: c["label"] for c in form_choices()}.get(value)
        return label or f"{value} (not a form)"
    if name in ("role", "stage", "milestone", "deadline"):
        return words(value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def describe_changes(diff) -> list[dict[str, Any]]:
    """The diff's changed elements in words: each property's label, before and after, with
    time limits and forms spelt out."""
    return [
        {
            "element": change["element"],
            "changes": [
                {
                    "label": PROPERTY_LABELS.get(name, name),
                    "before": _spell(name, values["from"]),
                    "after": _spell(name, values["to"]),
                }
                for name, values in change["changes"].items()
            ],
        }
        for change in diff.changed
    ]
