"""GET/POST /apply/<council>/...: the application, one question page at a time."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app.public import pages, public_bp
from app.schemas.cases import ApplicationSchema
from app.services import cases as case_service
from app.services import councils as council_service
from app.services import drafts
from app.web import task_form

ACTOR = "public application"
MAX_INCIDENTS = 100


def _council(council: str):
    policy = council_service.policy_for(council)
    if policy is None:
        abort(404)
    return policy


def _answers(council: str) -> dict[str, Any]:
    return drafts.load_draft(session.get("apply_draft"), council)


def _save(council: str, answers: dict[str, Any]) -> None:
    # The answers live on the server: a cookie (about 4 KB at most) cannot hold a long account.
    session["apply_draft"] = drafts.save_draft(session.get("apply_draft"), council, answers)


def _form_from(data: dict[str, Any], schema: dict[str, Any]) -> MultiDict:
    form: MultiDict = MultiDict()
    for name, prop in schema["properties"].items():
        value = data.get(name)
        if value in (None, ""):
            continue
        if prop.get("format") == "date" and value != task_form.BAD_DATE:
            year, month, day = value.split("-")
            form.update(
                {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}
            )
        elif isinstance(value, bool):
            form[name] = "true" if value else "false"
        elif isinstance(value, list):
            for item in value:
                form.add(name, item)
        else:
            form[name] = value
    return form


def _validate(council: str, answers: dict[str, Any], page: str, index: int | None = None) -> dict[str, str]:
    """ApplicationSchema's messages that belong to this page (and incident), as page errors."""
    kind = (answers.get("who") or {}).get("applicant_type")
    try:
        ApplicationSchema().load(pages.application(answers))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for path, message in pages.flatten(exc.messages).items():
            on_page, on_index, field = pages.page_of(path, kind)
            if on_page == page and (index is None or on_index == index):
                errors.setdefault(field, pages.friendly(message, page, field))
        return errors
    return {}


def _render(council, step: str, form: MultiDict, errors: dict[str, str], **extra):
    schema = pages.PAGES[step]
    return render_template(
        "public/question.html",
        council=council,
        step=step,
        heading=extra.pop("heading", schema["title"]),
        fields=task_form.build_fields(schema, form, errors),
        errors=task_form.error_list(schema, errors, form),
        **extra,
    ), (400 if errors else 200)


def _next(council: str, answers: dict[str, Any], step: str):
    if request.args.get("change"):
        return redirect(url_for("public.check", council=council))
    steps = pages.steps_for(answers)
    following = (
        steps[steps.index(step) + 1] if step in steps and steps.index(step) + 1 < len(steps) else "check"
    )
    if following == "incidents" and not answers.get("incident_list"):
        return redirect(url_for("public.incident", council=council, index="new"))
    if following in ("incidents", "check"):
        return redirect(url_for(f"public.{following}", council=council))
    return redirect(url_for("public.question", council=council, step=following))


def _read(step: str) -> tuple[dict[str, Any], dict[str, str]]:
    body = task_form.read_body(pages.PAGES[step], request.form)
    return body.data, dict(body.date_errors)


def _required(step: str, data: dict[str, Any]) -> dict[str, str]:
    return {
        name: message
        for name, message in pages.PAGES[step].get("required", {}).items()
        if data.get(name) in (None, "", [])
    }


@public_bp.get("/apply/<council>")
def start(council: str):
    policy = _council(council)
    return render_template("public/start.html", council=policy)


@public_bp.route("/apply/<council>/<any(who, victim, you, consent, impact, declaration):step>",
                 methods=["GET", "POST"])  # fmt: skip
def question(council: str, step: str):
    policy = _council(council)
    answers = _answers(council)
    if step != "who" and "who" not in answers:
        return redirect(url_for("public.question", council=council, step="who"))
    heading = None
    if step == "victim" and answers["who"]["applicant_type"] == "victim":
        heading = "About you"
    extra = {"heading": heading} if heading else {}
    if request.method == "GET":
        return _render(policy, step, _form_from(answers.get(step, {}), pages.PAGES[step]), {}, **extra)
    data, errors = _read(step)
    answers = {**answers, step: data}
    errors = {**_required(step, data), **_validate(council, answers, step), **errors}
    if errors:
        return _render(policy, step, request.form, errors, **extra)
    _save(council, answers)
    return _next(council, answers, step)


@public_bp.route("/apply/<council>/incidents/<index>", methods=["GET", "POST"])
def incident(council: str, index: str):
    policy = _council(council)
    answers = _answers(council)
    if "who" not in answers:
        return redirect(url_for("public.question", council=council, step="who"))
    items = list(answers.get("incident_list", []))
    if index == "new":
        position = len(items)
        if position >= MAX_INCIDENTS:
            abort(400)
    elif index.isdigit() and int(index) < len(items):
        position = int(index)
    else:
        abort(404)
    number = position + 1
    if request.method == "GET":
        current = items[position] if position < len(items) else {}
        return _render(policy, "incident", _form_from(current, pages.PAGES["incident"]), {},
                       heading=f"Incident {number}")  # fmt: skip
    data, errors = _read("incident")
    items[position : position + 1] = [data]
    trial = {**answers, "incident_list": items}
    errors = {**_required("incident", data), **_validate(council, trial, "incident", position), **errors}
    if errors:
        return _render(policy, "incident", request.form, errors, heading=f"Incident {number}")
    _save(council, trial)
    if request.args.get("change"):
        return redirect(url_for("public.check", council=council))
    return redirect(url_for("public.incidents", council=council))


@public_bp.post("/apply/<council>/incidents/<int:index>/remove")
def remove_incident(council: str, index: int):
    _council(council)
    answers = _answers(council)
    items = list(answers.get("incident_list", []))
    if index < len(items):
        del items[index]
        _save(council, {**answers, "incident_list": items})
    return redirect(url_for("public.incidents", council=council))


def incident_rows(council: str, items: list[dict[str, Any]], change: bool = False) -> list[dict[str, Any]]:
    rows = []
    for position, item in enumerate(items):
        when = item.get("occurred_on", "")
        what = item.get("description", "")
        reported = (
            f"Reported to {pages.AGENCY_LABELS.get(item['agency'], item['agency']).lower()} "
            f"({pages.METHOD_LABELS.get(item.get('method', ''), '').lower()}) on {item.get('reported_on', '')}"
            if item.get("agency") else "Not reported"
        )  # fmt: skip
        rows.append({
            "position": position,
            "key": {"text": f"Incident {position + 1}"},
            "value": {"text": f"{when}: {what}. {reported}"},
            "href": url_for("public.incident", council=council, index=position, **({"change": 1} if change else {})),
        })  # fmt: skip
    return rows


@public_bp.route("/apply/<council>/incidents", methods=["GET", "POST"])
def incidents(council: str):
    policy = _council(council)
    answers = _answers(council)
    if "who" not in answers:
        return redirect(url_for("public.question", council=council, step="who"))
    items = answers.get("incident_list", [])
    rows = incident_rows(council, items)
    if request.method == "GET":
        return _render(policy, "incidents", MultiDict(), {}, incident_rows=rows)
    data, errors = _read("incidents")
    errors = {**_required("incidents", data), **errors}
    if errors:
        return _render(policy, "incidents", request.form, errors, incident_rows=rows)
    if data["add_another"]:
        return redirect(url_for("public.incident", council=council, index="new"))
    return _next(council, answers, "incidents")


def _summary(council: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-your-answers rows: each answer with a Change link to its page."""
    rows = []
    for step in pages.steps_for(answers):
        if step == "incidents":
            for row in incident_rows(council, answers.get("incident_list", []), change=True):
                rows.append(
                    {
                        "key": row["key"],
                        "value": row["value"],
                        "actions": {
                            "items": [
                                {
                                    "href": row["href"],
                                    "text": "Change",
                                    "visuallyHiddenText": row["key"]["text"].lower(),
                                }
                            ]
                        },
                    }
                )
            continue
        schema = pages.PAGES[step]
        data = answers.get(step, {})
        for name, prop in schema["properties"].items():
            value = data.get(name)
            if isinstance(value, bool):
                text = "Yes" if value else "No"
            elif isinstance(value, list):
                text = "Confirmed" if value else "Not confirmed"
            elif value in (None, ""):
                text = "Not given"
            else:
                labels = prop.get("x-labels") or {}
                text = labels.get(value, str(value))
            href = url_for("public.question", council=council, step=step, change=1)
            rows.append({"key": {"text": prop["title"]}, "value": {"text": text},
                         "actions": {"items": [{"href": href, "text": "Change",
                                                "visuallyHiddenText": prop["title"].lower()}]}})  # fmt: skip
    if not answers.get("incident_list"):
        rows.append({"key": {"text": "Incidents"}, "value": {"text": "None added"},
                     "actions": {"items": [{"href": url_for("public.incident", council=council, index="new"),
                                            "text": "Add", "visuallyHiddenText": "an incident"}]}})  # fmt: skip
    return rows


@public_bp.route("/apply/<council>/check", methods=["GET", "POST"])
def check(council: str):
    policy = _council(council)
    answers = _answers(council)
    if "who" not in answers:
        return redirect(url_for("public.question", council=council, step="who"))
    errors: list[dict[str, str]] = []
    if request.method == "POST":
        kind = answers["who"]["applicant_type"]
        try:
            application = ApplicationSchema().load(pages.application(answers))
        except ValidationError as exc:
            for path, message in pages.flatten(exc.messages).items():
                page, index, field = pages.page_of(path, kind)
                if page == "incident":
                    href = url_for("public.incident", council=council, index=index, change=1)
                elif page in pages.PAGES and page != "incidents":
                    href = url_for("public.question", council=council, step=page, change=1)
                else:
                    href = "#answers"
                errors.append({"text": pages.friendly(message, page, field), "href": href})
        else:
            try:
                case = case_service.open_case(council, application, actor=ACTOR)
            except case_service.CaseNotFound:
                abort(404)
            drafts.discard_draft(session.pop("apply_draft", None))
            session["applied"] = {"council": council, "reference": case.reference, "token": case.status_token}
            return redirect(url_for("public.confirmation", council=council))
    return render_template(
        "public/check.html", council=policy, rows=_summary(council, answers), errors=errors
    ), (400 if errors else 200)


@public_bp.get("/apply/<council>/confirmation")
def confirmation(council: str):
    policy = _council(council)
    applied = session.get("applied")
    if not applied or applied.get("council") != council:
        return redirect(url_for("public.start", council=council))
    return render_template(
        "public/confirmation.html",
        council=policy,
        reference=applied["reference"],
        status_url=url_for("public.status", token=applied["token"], _external=True),
    )
