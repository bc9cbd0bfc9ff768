"""Test-run scenarios: what a process owner runs a draft version against, and what they mean.

The built-in scenarios are data (``processes/scenarios.toml``): they sit beside the diagrams and
councils they exercise, in the API's own shapes (the application as spec/API.md has it, answers
as the forms take them), so a new scenario or a new form's answers need no code. A process owner
can adjust one (another received date, some answers, another pace) without writing a new one.

A scenario also fixes the run's clock, so it is read here, once: the case is received at 09:00
(Europe/London) on the application's ``received_on``; each task is completed
``step_working_days`` working days (the council's calendar) after it opened, at 10:00, and its
done dates default to that day; the appeal is lodged ``received_after_days`` days after the case
first waits for an appeal or a review request, at 09:00.
"""

from __future__ import annotations

import copy
import functools
import re
import tomllib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain import bodies
from app.domain.calendar import WorkingCalendar, add_months
from app.engine.specs import ParsedProcess
from app.services import councils
from app.services.processes import PROCESSES_DIR
from forms import FORMS, form_json_schema
from forms.base import DoneDate

SCENARIOS_PATH = PROCESSES_DIR / "scenarios.toml"
DEFAULT_STEP_WORKING_DAYS = 2
MAX_STEP_WORKING_DAYS = 60
RECEIVED_AT = time(9)  # the application arrives, and an appeal is lodged, at 09:00 local time
COMPLETED_AT = time(10)  # an officer completes a task at 10:00 local time


# The Community Trigger came into force on 20 October 2014 (Anti-social Behaviour, Crime and
# Policing Act 2014, s.104); a test-run may look ahead, but no further than this many years.
EARLIEST_RECEIVED_ON = date(2014, 10, 20)
YEARS_AHEAD = 2
# Answers are a form's fields: a list of objects (a panel, recommendations) is three levels deep.
MAX_ANSWER_DEPTH = 8


def received_on_problem(day: date) -> str | None:
    """Why a test-run cannot be received on ``day``, or None (one rule for the API and the studio)."""
    latest = add_months(clock.today(), 12 * YEARS_AHEAD)
    if day < EARLIEST_RECEIVED_ON:
        return "Must not be before 2014-10-20, when the Community Trigger came into force."
    if day > latest:
        return f"Must not be after {latest.isoformat()}."
    return None


class ScenarioError(ValueError):
    """A scenario that cannot be run as asked; ``messages`` is field -> messages, as a 422 lists them."""

    def __init__(self, field_name: str, messages: Any) -> None:
        self.messages = {field_name: messages if isinstance(messages, dict | list) else [messages]}
        super().__init__(f"{field_name}: {messages}")


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    description: str
    application: dict[str, Any]  # spec/API.md's application, dates as ISO strings
    answers: dict[str, dict[str, Any]]  # form key or element id (which wins) -> the form's answers
    appeal: dict[str, Any] | None = None  # {"received_after_days": int, "grounds": str}
    step_working_days: int = DEFAULT_STEP_WORKING_DAYS

    @property
    def received_on(self) -> date:
        return date.fromisoformat(self.application["received_on"])

    @property
    def received_at(self) -> datetime:
        return local_instant(self.received_on, RECEIVED_AT)

    def completed_at(self, opened_at: datetime, calendar: WorkingCalendar) -> datetime:
        """When a task that opened at ``opened_at`` is completed, at this scenario's pace."""
        opened_on = opened_at.astimezone(LOCAL_TIMEZONE).date()
        done_on = (
            calendar.add_working_days(opened_on, self.step_working_days)
            if self.step_working_days
            else opened_on
        )
        return max(local_instant(done_on, COMPLETED_AT), opened_at)

    def appeal_lodged_at(self, waiting_since: datetime) -> datetime:
        """When the appeal is lodged, the case having waited for one since ``waiting_since``."""
        days = (self.appeal or {}).get("received_after_days", 0)
        waiting_on = waiting_since.astimezone(LOCAL_TIMEZONE).date()
        lodged_on = waiting_on + timedelta(days=days if isinstance(days, int) and days >= 0 else 0)
        return max(local_instant(lodged_on, RECEIVED_AT), waiting_since)

    def answers_for(
        self, element: str, form_key: str, today: date, agency: str | None = None
    ) -> dict[str, Any] | None:
        """The answers given to a task completed ``today`` (before the form checks them): the
        element's own, else its form's, with "{today±N}" written as dates and a done date left
        out set to ``today``. ``each_report`` (a body's answer to every report made to it, for a
        task addressed to ``agency``) becomes one ``reports`` item per report. None when the
        scenario does not answer it."""
        answers = self.answers.get(element, self.answers.get(form_key))
        if answers is None:
            return None
        filled = _with_today(answers, today)
        if isinstance(filled.get("each_report"), dict):
            each = filled.pop("each_report")
            own = bodies.reports_of(self.application.get("incidents") or [], agency or "")
            filled["reports"] = [{"report": r["report"], **each} for r in own]
        for name in _done_date_fields(form_key):
            if filled.get(name) is None:
                filled[name] = today.isoformat()
        return filled


@functools.cache
def _scenario_table() -> dict[str, Any]:
    with SCENARIOS_PATH.open("rb") as handle:
        return tomllib.load(handle)


def scenarios_for(council_id: str) -> list[Scenario]:
    """The built-in scenarios a council's process owner can run (fresh copies: change them freely)."""
    if councils.policy_for(council_id) is None:
        raise ScenarioError("council", f"No council {council_id!r}.")
    table = _scenario_table()
    return [_built_in(key, spec, table) for key, spec in table["scenarios"].items()]


def _built_in(key: str, spec: dict[str, Any], table: dict[str, Any]) -> Scenario:
    application = {**copy.deepcopy(table["application"]), **copy.deepcopy(spec.get("application", {}))}
    return Scenario(
        key=key,
        title=spec["title"],
        description=spec["description"],
        application=application,
        answers=_merged(table["answers"], spec.get("answers", {})),
        appeal=copy.deepcopy(spec.get("appeal")),
        step_working_days=spec.get("step_working_days", DEFAULT_STEP_WORKING_DAYS),
    )


def _merged(answers: dict[str, dict], overrides: dict[str, dict]) -> dict[str, dict]:
    """Each override's fields over the answers of the same key (a field set to null stays null)."""
    merged = copy.deepcopy(answers)
    for key, fields_ in overrides.items():
        merged[key] = {**merged.get(key, {}), **copy.deepcopy(fields_)}
    return merged


def scenario_from(
    council_id: str,
    key: str,
    *,
    received_on: date | None = None,
    answers_override: dict | None = None,
    step_working_days: int | None = None,
) -> Scenario:
    """A built-in scenario adjusted: received on another day (every date of the application moves
    with it), some answers changed (fields merged over the built-in ones, per form key or element
    id), or a different pace. ScenarioError says which of those cannot be used."""
    scenarios = {s.key: s for s in scenarios_for(council_id)}
    if key not in scenarios:
        raise ScenarioError("scenario", f"No built-in scenario {key!r}; there are: {', '.join(scenarios)}.")
    scenario = scenarios[key]
    if answers_override is not None:
        _check_answers_shape(answers_override)
        scenario = replace(scenario, answers=_merged(scenario.answers, answers_override))
    if received_on is not None:
        problem = received_on_problem(received_on)
        if problem:
            raise ScenarioError("received_on", problem)
        shift = received_on - scenario.received_on
        scenario = replace(scenario, application=_shifted(scenario.application, shift))
    if step_working_days is not None:
        if isinstance(step_working_days, bool) or not isinstance(step_working_days, int):
            raise ScenarioError("step_working_days", "Must be a whole number.")
        if not 0 <= step_working_days <= MAX_STEP_WORKING_DAYS:
            raise ScenarioError("step_working_days", f"Must be between 0 and {MAX_STEP_WORKING_DAYS}.")
        scenario = replace(scenario, step_working_days=step_working_days)
    return scenario


def _check_answers_shape(answers: Any) -> None:
    if not isinstance(answers, dict):
        raise ScenarioError("answers", "Must be an object: form key or element id -> that form's answers.")
    problems = {
        str(key): ["Must be an object of the form's fields."]
        for key, value in answers.items()
        if not isinstance(key, str) or not isinstance(value, dict)
    }
    if problems:
        raise ScenarioError("answers", problems)
    deep = [str(key) for key, value in answers.items() if _depth_over(value, MAX_ANSWER_DEPTH)]
    if deep:
        raise ScenarioError(
            "answers",
            {
                key: [
                    f"Nested more than {MAX_ANSWER_DEPTH} levels deep; a form's answers need at most three."
                ]
                for key in deep
            },
        )


def _depth_over(value: Any, limit: int) -> bool:
    """Whether lists and objects nest deeper than ``limit`` (walked without recursion, so a
    value nested thousands deep is measured, not a RecursionError)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth >= limit:
                return True
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return False


def _shifted(value: Any, shift: timedelta, key: str = "") -> Any:
    """The application with every ``*_on`` date moved by ``shift``."""
    if isinstance(value, dict):
        return {k: _shifted(v, shift, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_shifted(v, shift, key) for v in value]
    if key.endswith("_on") and isinstance(value, str):
        try:
            return (date.fromisoformat(value) + shift).isoformat()
        except ValueError:
            return value
    return value


def unknown_answer_keys(process: ParsedProcess, answers: dict) -> dict[str, list[str]]:
    """Keys of ``answers`` that are neither a form nor a user task of the process (a typo would
    otherwise be ignored silently and the built-in answer used)."""
    elements = {spec.bpmn_id for spec in process.element_specs() if getattr(spec, "manual", False)}
    return {
        key: ["Not a form key, nor the id of a user task of this version."]
        for key in answers
        if key not in FORMS and key not in elements
    }


_TODAY = re.compile(r"^\{today(?:([+-])(\d{1,4}))?\}$")


def _with_today(value: Any, today: date) -> Any:
    """Answers with "{today}", "{today+N}" and "{today-N}" written as dates."""
    if isinstance(value, dict):
        return {k: _with_today(v, today) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_today(v, today) for v in value]
    if isinstance(value, str) and (match := _TODAY.match(value.strip())):
        days = int(match[2] or 0) * (-1 if match[1] == "-" else 1)
        return (today + timedelta(days=days)).isoformat()
    return value


@functools.cache
def _done_date_fields(form_key: str) -> tuple[str, ...]:
    schema = FORMS.get(form_key)
    return tuple(name for name, f in schema().fields.items() if isinstance(f, DoneDate)) if schema else ()


def local_instant(day: date, at: time) -> datetime:
    """``at`` o'clock in England and Wales on ``day``, in UTC."""
    return datetime.combine(day, at, tzinfo=LOCAL_TIMEZONE).astimezone(UTC)


@dataclass(frozen=True)
class AnswerSet:
    """One set of answers a process owner can change on the test-run page: a form's (every step
    using it answers with them) or a step's own (the scenario answers that step differently)."""

    key: str  # the form key or element id the answers are merged under
    title: str
    used_by: tuple[str, ...]  # names of the version's steps that answer with this set
    form_key: str
    schema: dict[str, Any]  # the form's JSON Schema, with only the questions the page can ask
    answers: dict[str, Any]  # the scenario's answers, as written ("{today}" placeholders kept)


def answer_sets(process: ParsedProcess, scenario: Scenario) -> list[AnswerSet]:
    """The answer sets of ``scenario`` the page shows for a version: each form its steps use,
    once (in the lifecycle's order, forms/__init__.py), and after it the steps the scenario gives
    answers of their own. Lists of rows (a panel, the reports to check) keep the scenario's
    answers: only the API changes them (``answers`` as JSON)."""
    steps: dict[str, list[tuple[str, str]]] = {}  # form key -> [(element, name)]
    for element, task in process.user_tasks.items():
        if task.get("formKey") in FORMS:
            steps.setdefault(task["formKey"], []).append((element, task.get("name") or element))
    sets = []
    for form_key in (key for key in FORMS if key in steps):
        schema = _askable(form_json_schema(form_key))
        if not schema["properties"]:
            continue
        own = [(e, name) for e, name in steps[form_key] if e in scenario.answers and e != form_key]
        shared = tuple(name for e, name in steps[form_key] if (e, name) not in own)
        title = FORMS[form_key].form_title
        if shared:
            answers = scenario.answers.get(form_key, {})
            sets.append(AnswerSet(form_key, title, shared, form_key, schema, copy.deepcopy(answers)))
        for element, name in own:
            answers = scenario.answers[element]
            sets.append(AnswerSet(element, name, (name,), form_key, schema, copy.deepcopy(answers)))
    return sets


def _askable(schema: dict[str, Any]) -> dict[str, Any]:
    properties = {
        name: prop
        for name, prop in schema.get("properties", {}).items()
        if prop.get("x-widget") not in ("add_another", "hidden")
    }
    # A form left with only optional notes has nothing that changes the run's path.
    if all(prop.get("x-widget") == "textarea" and name not in schema.get("required", [])
           for name, prop in properties.items()):  # fmt: skip
        properties = {}
    return {
        **schema,
        "properties": properties,
        "required": [r for r in schema.get("required", []) if r in properties],
    }


def changed_answers(sets: list[AnswerSet], submitted: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The fields of ``submitted`` (answer set key -> fields, as the page read them) that differ
    from the scenario's, as ``scenario_from``'s ``answers_override``; a field left blank keeps
    the scenario's answer."""
    changed = {}
    for answer_set in sets:
        fields_ = {
            name: value
            for name, value in (submitted.get(answer_set.key) or {}).items()
            if value != answer_set.answers.get(name)
            # nothing ticked or typed for a question the scenario leaves out: still left out
            and not (name not in answer_set.answers and value in ([], ""))
        }
        if fields_:
            changed[answer_set.key] = fields_
    return changed
