"""The process owners' studio: their council's processes and versions, the modeler, the
diff between two versions and putting a version live (test-runs: app/web/studio_test_run.py).

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
from werkzeug.exceptions import RequestEntityTooLarge

from app import clock
from app.clock import LOCAL_TIMEZONE
from app.engine.specs import DiagramInvalid, Problem
from app.models import ProcessVersion
from app.services import councils as council_service
from app.services import process_versions, studio
from app.store import processes as process_store
from app.web import web_bp
from app.web.files import diagram_download


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
            "text": studio.preview_text(expression, due_on),
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


# The test-run pages register themselves on web_bp; imported last because they use the helpers above.
from app.web import studio_test_run as _studio_test_run  # noqa: E402,F401
