"""The studio's test-run page: a version run on a built-in scenario, with the received date,
the pace and the answers of each step's form changed on the page (issue 12: a form, not JSON).

The scenarios, the runs and which answers the page offers are app.services.test_runs and
app.services.scenarios (the API runs the same); this module only reads the page's fields
(through task_form, as a task page does) and lays out the result.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, g, render_template, request
from werkzeug.datastructures import MultiDict

from app.domain.deadlines import status_for_people
from app.models import ProcessVersion
from app.services import process_versions, test_runs
from app.services.processes import parsed
from app.web import web_bp
from app.web.date_input import NotADate, boxes_of, date_items, entered, read_date
from app.web.due_dates import DEADLINE_TAGS
from app.web.studio import _council_name, _councils_running, _version
from app.web.task_form import build_fields, read_body
from forms import FORMS, form_json_schema


@web_bp.get("/studio/<key>/versions/<int:number>/test-run")
def studio_test_run(key: str, number: int):
    """Run a version against a scenario on a frozen clock. Nothing is saved or sent, so this is
    a GET: a run can be bookmarked, repeated, and its letters opened by the same address."""
    run = _test_run(key, number)
    return render_template("web/studio/test_run.html", **run), (422 if run["errors"] else 200)


@web_bp.get("/studio/<key>/versions/<int:number>/test-run/letters/<int:index>")
def studio_test_run_letter(key: str, number: int, index: int):
    """One letter the run produced, as the case would have stored it (runs the scenario again:
    it is deterministic and takes milliseconds)."""
    run = _test_run(key, number)
    letters = run["result"].letters if run["result"] is not None else []
    if not 0 <= index < len(letters):
        abort(404)
    response = Response(letters[index].html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


def _test_run(key: str, number: int) -> dict:
    councils = _councils_running(key)
    version = _version(key, number)
    args = request.args
    council = args.get("council") if args.get("council") in councils else councils[0]
    scenarios = test_runs.scenarios_for(council)
    chosen_key = (
        args.get("scenario") if args.get("scenario") in {s.key for s in scenarios} else scenarios[0].key
    )
    chosen = next(s for s in scenarios if s.key == chosen_key)
    sets = test_runs.answer_sets(parsed(version), chosen)
    schema = _answers_schema(sets)
    # The answers on the page are those of the scenario they were shown for: after a switch of
    # scenario, the new one's are shown (and run) rather than the old one's read as changes.
    shown_for_chosen = args.get("answers_for") == chosen.key
    form = args if shown_for_chosen else _answers_form(sets)
    body = read_body(schema, form)
    errors = dict(body.date_errors) if shown_for_chosen else {}
    changed = test_runs.changed_answers(sets, body.data.get(ANSWERS, {})) if shown_for_chosen else {}
    result = None
    if args.get("run"):
        adjustments, problems = _adjustments(args)
        errors.update(problems)
        if not errors:
            try:
                result = test_runs.run_version(
                    g.user, key, number, council, chosen.key, answers=changed or None, **adjustments
                )
            except test_runs.ScenarioError as exc:
                errors = {name: _message(messages) for name, messages in exc.messages.items()}
    fields = build_fields(schema, form, errors)[0].children if sets else []
    return {
        "key": key,
        "title": process_versions.title_of(version),
        "version": version,
        "councils": [(c, _council_name(c)) for c in councils],
        "council": council,
        "scenarios": scenarios,
        "chosen": chosen,
        "received_on_items": date_items(entered(args, "received_on"), error="received_on" in errors),
        "step_working_days": args.get("step_working_days", ""),
        "answer_sets": [
            {
                "set": answer_set,
                "fields": field.children,
                "open": answer_set.key in changed
                or any(name.startswith(f"{ANSWERS}.{answer_set.key}.") for name in errors),
            }
            for answer_set, field in zip(sets, fields, strict=True)
        ],
        "errors": errors,
        "error_links": [{"text": text, "href": f"#{_error_anchor(name)}"} for name, text in errors.items()],
        "result": result,
        "step_names": _element_names(version),
        "error_questions": _error_questions(version, result) if result is not None else [],
        "deadline_tags": [
            DEADLINE_TAGS[status_for_people(d.key, d.due_on, d.done_on, result.ended_on)]
            for d in result.deadlines
        ]
        if result is not None
        else [],
        "query": request.query_string.decode(),
    }


ANSWERS = "answers"  # the answer sets' fields are named answers.<set key>.<field>


def _answers_schema(sets: list) -> dict:
    """One JSON Schema for the page's answer sets, so task_form reads and lays them out as a task's."""
    return {
        "properties": {
            ANSWERS: {
                "type": "object",
                "x-widget": "fieldset",
                "title": "Answers",
                "properties": {
                    s.key: {**s.schema, "type": "object", "x-widget": "fieldset", "title": s.title}
                    for s in sets
                },
            }
        }
    }


def _answers_form(sets: list) -> MultiDict:
    """The scenario's answers as the page's fields (the inverse of task_form.read_body); a date
    the scenario leaves to the day of the step ("{today}") is left blank."""
    form = MultiDict()
    for answer_set in sets:
        _fill(form, answer_set.schema, answer_set.answers, f"{ANSWERS}.{answer_set.key}")
    return form


def _fill(form: MultiDict, schema: dict, answers: dict, prefix: str) -> None:
    for name, prop in schema.get("properties", {}).items():
        value, path = answers.get(name), f"{prefix}.{name}"
        if value is None:
            continue
        if prop.get("x-widget") == "fieldset" and isinstance(value, dict):
            _fill(form, prop, value, path)
        elif prop.get("x-widget") == "date":
            try:
                day = date.fromisoformat(str(value))
            except ValueError:
                continue
            for part, shown in boxes_of(day).items():
                form.add(f"{path}-{part}", shown)
        elif isinstance(value, list):
            for item in value:
                form.add(path, str(item))
        elif isinstance(value, bool):
            form.add(path, "true" if value else "false")
        else:
            form.add(path, str(value))


def _error_anchor(name: str) -> str:
    """Where the error summary links: the first input of the question."""
    fixed = {
        "received_on": "received_on-day",
        "step_working_days": "step-working-days",
        "scenario": "scenarios",
    }
    return fixed.get(name, name.replace(".", "-"))


def _element_names(version: ProcessVersion) -> dict[str, str]:
    """Element id -> the step's name, for the page (never the id)."""
    return {
        spec.bpmn_id: spec.bpmn_name or spec.bpmn_id
        for spec in parsed(version).element_specs()
        if getattr(spec, "bpmn_id", None)
    }


def _error_questions(version: ProcessVersion, result) -> list[tuple[str, str]]:
    """A refused answer's problems by the question's title (the form's own words), not its field name."""
    if not result.error_fields:
        return []
    form_key = parsed(version).user_tasks.get(result.error_element or "", {}).get("formKey")
    schema = form_json_schema(form_key) if form_key in FORMS else {}
    questions = []
    for path, messages in result.error_fields.items():
        prop = schema
        for part in str(path).split("."):
            prop = prop.get("items", prop) if part.isdigit() else (prop.get("properties") or {}).get(part, {})
        questions.append((prop.get("title") or "An answer", _message(messages)))
    return questions


def _message(messages) -> str:
    if isinstance(messages, dict):
        return "; ".join(f"{key}: {_message(value)}" for key, value in messages.items())
    if isinstance(messages, list):
        return " ".join(_message(m) for m in messages)
    return str(messages)


def _adjustments(args) -> tuple[dict, dict[str, str]]:
    """The process owner's date and pace for a built-in scenario, read from the form."""
    adjustments: dict = {}
    errors: dict[str, str] = {}
    try:
        received_on = read_date(args, "received_on")
    except NotADate:
        errors["received_on"] = (
            "The date the application is received must be a real date, for example 21 12 2026."
        )
    else:
        if received_on is not None:
            adjustments["received_on"] = received_on
    days_text = args.get("step_working_days", "").strip()
    if days_text:
        days = int(days_text) if days_text.isdigit() and len(days_text) < 4 else -1
        if not 0 <= days <= test_runs.MAX_STEP_WORKING_DAYS:
            errors["step_working_days"] = (
                f"Enter a whole number of working days from 0 to {test_runs.MAX_STEP_WORKING_DAYS}."
            )
        else:
            adjustments["step_working_days"] = days
    return adjustments, errors
