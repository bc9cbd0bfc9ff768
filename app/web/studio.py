"""The process owners' studio: their council's processes and versions, the modeler, the
diff between two versions, test-runs and putting a version live.

Views only translate: the checks, versions and activation are app.services.process_versions
(the same the API uses), the pickers and the due-date preview app.services.studio. Only a
process owner (or admin) of a council that runs a process sees it; anyone else gets 404 for
its pages and 403 for the studio itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask import Response, abort, flash, g, jsonify, redirect, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.domain.calendar import format_day
from app.domain.deadlines import status_for_people
from app.engine.specs import DiagramInvalid, Problem
from app.models import ProcessVersion
from app.services import councils as council_service
from app.services import process_versions, studio, test_runs
from app.services.processes import parsed
from app.store import processes as process_store
from app.web import web_bp
from app.web.due_dates import DEADLINE_TAGS
from app.web.files import diagram_download
from app.web.task_form import build_fields, read_body
from forms import FORMS, form_json_schema


@dataclass(frozen=True)
class VersionRow:
    number: int
    created: str
    created_by: str
    note: str
    live_for: list[str]  # council names


@dataclass(frozen=True)
class CouncilRow:
    id: str
    name: str
    live_version: int | None
    to_confirm: list[dict[str, str]]  # values no source states: studio.values_to_confirm


def _owned_councils() -> list[str]:
    return process_versions.studio_councils(g.user)  # 403 page without a studio role


def _councils_running(key: str) -> list[str]:
    """The caller's studio councils that run ``key``; 404 page when none do."""
    return process_versions.councils_running(g.user, key)


def _version(key: str, number: int) -> ProcessVersion:
    version = process_store.get_version_by_number(key, number)
    if version is None:
        abort(404)
    return version


def _when(at: datetime) -> str:
    local = at.astimezone(LOCAL_TIMEZONE)
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


def _council_name(council_id: str) -> str:
    policy = council_service.policy_for(council_id)
    return policy.name if policy else council_id


@web_bp.get("/studio")
def studio_index():
    owned = _owned_councils()
    live = process_store.active_versions(owned)
    runs = {c: process_versions.keys_of(c) for c in owned}
    processes = []
    for key in sorted(set().union(*runs.values())):
        councils = [c for c in owned if key in runs[c]]
        audit = process_store.audit_of(key)
        saved_by = process_versions.saved_by(audit)
        versions = [
            VersionRow(
                number=v.number,
                created=_when(v.created_at),
                created_by=f"by {saved_by[v.number]}" if v.number in saved_by else "Shipped with ctflow",
                note="" if v.note.startswith("shipped ") else v.note,
                live_for=[_council_name(c) for c in councils if c in live and live[c].id == v.id],
            )
            for v in reversed(process_store.versions_of(key))
        ]
        processes.append(
            {
                "key": key,
                "title": process_versions.title_of(process_store.latest_version(key)),
                "councils": [
                    CouncilRow(
                        c,
                        _council_name(c),
                        live[c].number if c in live else None,
                        studio.values_to_confirm(c, live.get(c)),
                    )
                    for c in councils
                ],
                "versions": versions,
                "history": [
                    {
                        "when": _when(a.at),
                        "actor": a.actor,
                        "what": f"Saved version {a.version_number}"
                        if a.action == "version_saved"
                        else f"Put version {a.version_number} live for {_council_name(a.council_id)}",
                    }
                    for a in reversed(audit)
                    if a.council_id is None or a.council_id in owned
                ],
            }
        )
    return render_template("web/studio/index.html", processes=processes)


@web_bp.get("/studio/<key>")
def studio_editor(key: str):
    """The modeler, opened on the chosen council's live version (or ``?version=N``)."""
    councils = _councils_running(key)
    council = request.args.get("council") if request.args.get("council") in councils else councils[0]
    number = request.args.get("version", type=int)
    live = process_store.active_version_for(council)
    if number is not None:
        version = _version(key, number)
    elif live is not None and live.process_key == key:
        version = live
    else:
        version = process_store.latest_version(key) or abort(404)
    numbers = [v.number for v in process_store.versions_of(key)]
    live_number = live.number if live is not None and live.process_key == key else None
    config = {
        "processKey": key,
        "council": council,
        "councilName": _council_name(council),
        "version": version.number,
        "xmlUrl": url_for("web.studio_version_xml", key=key, number=version.number),
        "checkUrl": url_for("web.studio_check", key=key),
        "saveUrl": url_for("web.studio_save", key=key, council=council),
        "previewUrl": url_for("web.studio_preview_due"),
        "csrfToken": generate_csrf(),
        "sampleReceivedOn": clock.today().isoformat(),
        **studio.vocabulary(),
    }
    compare_with = (
        live_number if live_number not in (None, version.number) else _previous(numbers, version.number)
    )
    return render_template(
        "web/studio/editor.html",
        key=key,
        title=process_versions.title_of(version),
        version=version,
        council=council,
        council_name=_council_name(council),
        standing=_standing(version.number, live_number, numbers),
        versions=[
            {
                "value": n,
                "text": f"Version {n}{_version_tag(n, live_number, numbers)}",
                "selected": n == version.number,
            }
            for n in reversed(numbers)
        ],
        compare_with=compare_with,
        compare_url=url_for("web.studio_diff", key=key, to=version.number, **{"from": compare_with})
        if compare_with
        else None,
        config=config,
    )


def _standing(number: int, live_number: int | None, numbers: list[int]) -> str:
    """Whether a version is live, the newest draft, or an older version, for the editor's text."""
    if number == live_number:
        return "live"
    return "draft" if number == numbers[-1] and (live_number is None or number > live_number) else "not live"


def _version_tag(number: int, live_number: int | None, numbers: list[int]) -> str:
    standing = _standing(number, live_number, numbers)
    return {"live": " (live)", "draft": " (draft)"}.get(standing, "")


def _previous(numbers: list[int], number: int) -> int | None:
    return max((n for n in numbers if n < number), default=None)


@web_bp.get("/studio/<key>/versions/<int:number>.xml")
def studio_version_xml(key: str, number: int):
    _councils_running(key)
    return diagram_download(_version(key, number).xml, key, number)


def _posted_diagram() -> bytes | Response:
    if request.mimetype not in ("application/xml", "text/xml"):
        return _json_error(400, "Send the diagram as BPMN XML.")
    try:
        return request.get_data(cache=False)
    except RequestEntityTooLarge:
        return _json_error(413, "The diagram is too large to upload.")


def _json_error(status: int, message: str) -> Response:
    response = jsonify({"message": message})
    response.status_code = status
    return response


def _problems(problems: list[Problem]) -> list[dict]:
    return [p.to_dict() for p in problems]


@web_bp.post("/studio/<key>/check")
def studio_check(key: str):
    _councils_running(key)
    xml = _posted_diagram()
    if isinstance(xml, Response):
        return xml
    return jsonify({"problems": _problems(process_versions.diagram_problems(key, xml))})


@web_bp.post("/studio/<key>/versions")
def studio_save(key: str):
    """Save the edited diagram as a new (draft) version; it is live nowhere until activated."""
    councils = _councils_running(key)
    council = request.args.get("council") if request.args.get("council") in councils else councils[0]
    xml = _posted_diagram()
    if isinstance(xml, Response):
        return xml
    latest = process_store.latest_version(key)
    try:
        version = process_versions.upload_version(
            g.user, key, xml, note=f"Edited in the studio for {_council_name(council)}"
        )
    except DiagramInvalid as exc:
        response = jsonify({"problems": _problems(exc.problems)})
        response.status_code = 422
        return response
    except process_versions.ProcessConflict as exc:
        return _json_error(409, str(exc))
    created = latest is None or version.id != latest.id
    if created:
        # The page opens the new draft (editUrl), which shows this.
        flash(
            f"Saved as version {version.number}, a draft. It is live nowhere until you put it live.",
            "success",
        )
    response = jsonify(
        {
            "number": version.number,
            "created": created,
            "editUrl": url_for("web.studio_editor", key=key, version=version.number, council=council),
            "testRunUrl": url_for("web.studio_test_run", key=key, number=version.number, council=council),
            "versionsUrl": url_for("web.studio_index", _anchor=f"process-{key}"),
            "diffUrl": url_for(
                "web.studio_diff",
                key=key,
                **{"from": _live_number(council, key) or version.number},
                to=version.number,
            ),
        }
    )
    response.status_code = 201 if created else 200
    return response


def _live_number(council: str, key: str) -> int | None:
    live = process_store.active_version_for(council)
    return live.number if live is not None and live.process_key == key else None


@web_bp.post("/studio/preview-due")
def studio_preview_due():
    owned = _owned_councils()
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return _json_error(400, "Send a JSON object with council, expression and received_on.")
    council, expression = body.get("council"), body.get("expression")
    if council not in owned:
        return _json_error(403, "You can only preview dates for your own councils.")
    if not isinstance(expression, str) or len(expression) > 2000:
        return _json_error(422, "The expression must be text of at most 2,000 characters.")
    try:
        received_on = date.fromisoformat(str(body.get("received_on")))
    except ValueError:
        return _json_error(422, "received_on must be a date like 2026-11-23.")
    try:
        due_on = studio.preview_due(council, expression, received_on)
    except studio.PreviewError as exc:
        return _json_error(422, str(exc))
    return jsonify(
        {
            "due_on": due_on.isoformat(),
            "text": format_day(due_on),
            "description": studio.describe_preview(council, received_on, due_on),
        }
    )


@web_bp.post("/studio/<key>/versions/<int:number>/activate")
def studio_activate(key: str, number: int):
    councils = _councils_running(key)
    council = request.form.get("council")
    if council not in councils:
        abort(403)
    version = process_versions.activate_version(g.user, key, number, council)
    flash(
        f"Version {version.number} is live for {_council_name(council)}: new cases start on it, "
        "running cases carry on with the version they started on.",
        "success",
    )
    return redirect(url_for("web.studio_index", _anchor=f"process-{key}"))


@web_bp.get("/studio/<key>/diff")
def studio_diff(key: str):
    _councils_running(key)
    numbers = [v.number for v in process_store.versions_of(key)]
    to = request.args.get("to", type=int) or numbers[-1]
    from_ = request.args.get("from", type=int) or max([n for n in numbers if n < to] or [to])
    if from_ not in numbers or to not in numbers:
        abort(404)
    diff = process_versions.diff_versions(key, from_, to)
    return render_template(
        "web/studio/diff.html",
        key=key,
        title=process_versions.title_of(_version(key, to)),
        diff=diff,
        numbers=numbers,
        changes=studio.describe_changes(diff),
        diagram={
            "before": url_for("web.studio_version_xml", key=key, number=from_),
            "after": url_for("web.studio_version_xml", key=key, number=to),
            "added": diff.added,
            "removed": diff.removed,
            "changed": [c["element"] for c in diff.changed],
        },
    )


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
        "received_on": {part: args.get(f"received_on-{part}", "") for part in ("day", "month", "year")},
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
            for part in ("day", "month", "year"):
                form.add(f"{path}-{part}", str(getattr(day, part)))
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
    parts = [args.get(f"received_on-{part}", "").strip() for part in ("day", "month", "year")]
    if any(parts):
        try:
            day, month, year = (int(part) for part in parts)
            if year < 1000:
                raise ValueError(year)
            adjustments["received_on"] = date(year, month, day)
        except (ValueError, OverflowError):  # OverflowError: a year past a C long
            errors["received_on"] = (
                "The date the application is received must be a real date, for example 21 12 2026."
            )
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
