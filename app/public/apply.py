"""GET/POST /apply/<council>/...: the application, one question page at a time."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask import abort, redirect, render_template, request, session, url_for
from markupsafe import Markup
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from app import clock
from app.domain.calendar import format_date
from app.public import home, pages, public_bp, status
from app.schemas.cases import ApplicationSchema
from app.services import apply_limits, drafts, status_links, throttle
from app.services import cases as case_service
from app.services import councils as council_service
from app.store import processes as process_store
from app.web import task_form

ACTOR = "public application"
MAX_INCIDENTS = 100
# How long after sending the browser that sent it can show the confirmation (and its link) again.
CONFIRMATION_SHOWN_FOR = timedelta(hours=1)
QUESTIONS = (
    "who",
    "victim",
    "victim_address",
    "you",
    "applicant_address",
    "consent",
    "impact",
    "declaration",
)


class TooMany(Exception):
    def __init__(self, refused: apply_limits.Refused) -> None:
        self.refused = refused


@public_bp.errorhandler(TooMany)
def _too_many(exc: TooMany):
    refused = exc.refused
    hours = max(1, round(refused.retry_after_seconds / 3600))
    council = council_service.policy_for((request.view_args or {}).get("council", ""))
    response = render_template(
        "public/too_many.html",
        council=council,
        sending=refused.kind == apply_limits.CASE,
        wait=f"{hours} hour{'s' if hours != 1 else ''}",
    )
    return response, 429, {"Retry-After": str(refused.retry_after_seconds)}


def _council(council: str):
    policy = council_service.policy_for(council)
    if policy is None or process_store.active_version_for(council) is None:
        abort(404)  # no such council, or one not taking applications yet (none of its versions is live)
    return policy


def _kind(answers: dict[str, Any]) -> str | None:
    return (answers.get("who") or {}).get("applicant_type")


def _answers(council: str) -> dict[str, Any]:
    return drafts.load_draft(session.get("apply_draft"), council)


def _save(council: str, answers: dict[str, Any]) -> None:
    # The answers live on the server: a cookie (about 4 KB at most) cannot hold a long account.
    draft_id = session.get("apply_draft")
    if not drafts.draft_exists(draft_id):
        # A new draft is a row on the server: one address may start only so many.
        refused = apply_limits.take(throttle.client_network(request.remote_addr), apply_limits.DRAFT)
        if refused:
            raise TooMany(refused)
    session["apply_draft"] = drafts.save_draft(draft_id, council, answers)


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


def _validate(answers: dict[str, Any], step: str, index: int | None = None) -> dict[str, str]:
    """ApplicationSchema's messages that belong to this page (and incident), as page errors."""
    kind = _kind(answers)
    try:
        ApplicationSchema().load(pages.application(answers))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for path, message in pages.flatten(exc.messages).items():
            on_page, on_index, field = pages.page_of(path, kind)
            if on_page == step and (index is None or on_index == index):
                errors.setdefault(field, pages.friendly(message, step, field, kind))
        return errors
    return {}


def _fields(schema: dict[str, Any], form: MultiDict, errors: dict[str, str]) -> list[task_form.Field]:
    """The task form's fields, with what residents' pages add: autocomplete, input types and
    widths (WCAG 1.3.5), and plain labels on the address lines."""
    fields = task_form.build_fields(schema, form, errors)
    for field in fields:
        prop = schema["properties"].get(field.path, {})
        if field.macro != "input":
            continue
        if prop.get("x-autocomplete"):
            field.params["autocomplete"] = prop["x-autocomplete"]
        if prop.get("x-type"):
            field.params["type"] = prop["x-type"]
        if prop.get("x-width"):
            width = prop["x-width"]
            field.params["classes"] = (
                f"govuk-input--width-{width}" if isinstance(width, int) else f"govuk-!-width-{width}"
            )
        if prop.get("x-label"):
            field.params["label"]["classes"] = ""
    return fields


def _back(council: str, answers: dict[str, Any], step: str, index: int | None = None) -> str:
    """The page before this one in the journey (the check page when changing an answer)."""
    if request.args.get("change"):
        return url_for("public.check", council=council)
    if step == "incident" and answers.get("incident_list") and not (index == 0 and request.method == "GET"):
        return url_for("public.incidents", council=council)
    if step == "incident":
        step = "incidents"
    if step == "incidents" and answers.get("incident_list"):
        last = len(answers["incident_list"]) - 1
        return url_for("public.incident", council=council, index=last)
    steps = [*pages.steps_for(answers), "check"]
    position = steps.index(step) if step in steps else 0
    if position == 0:
        return url_for("public.start", council=council)
    return _url_of(council, steps[position - 1], answers)


def _url_of(council: str, step: str, answers: dict[str, Any]) -> str:
    if step == "incidents" and not answers.get("incident_list"):
        return url_for("public.incident", council=council, index="new")
    if step in ("incidents", "check"):
        return url_for(f"public.{step}", council=council)
    return url_for("public.question", council=council, step=step)


def _render(council, step: str, answers: dict[str, Any], form: MultiDict, errors: dict[str, str],
            back: str, **extra):  # fmt: skip
    schema = pages.page(step, _kind(answers))
    return render_template(
        "public/question.html",
        council=council,
        step=step,
        heading=extra.pop("heading", schema["title"]),
        fields=_fields(schema, form, errors),
        errors=task_form.error_list(schema, errors, form),
        back=back,
        address_page=bool(schema.get("x-address")),
        **extra,
    ), (400 if errors else 200)


def _next(council: str, answers: dict[str, Any], step: str):
    if request.args.get("change"):
        return redirect(url_for("public.check", council=council))
    steps = pages.steps_for(answers)
    following = (
        steps[steps.index(step) + 1] if step in steps and steps.index(step) + 1 < len(steps) else "check"
    )
    return redirect(_url_of(council, following, answers))


def _read(step: str) -> tuple[dict[str, Any], dict[str, str]]:
    body = task_form.read_body(pages.PAGES[step], request.form)
    return pages.tidy(step, body.data), dict(body.date_errors)


def _required(step: str, kind: str | None, data: dict[str, Any]) -> dict[str, str]:
    return {
        name: message
        for name, message in pages.page(step, kind).get("required", {}).items()
        if data.get(name) in (None, "", [])
    }


def _page_errors(step: str, answers: dict[str, Any], data: dict[str, Any], date_errors: dict[str, str],
                 index: int | None = None) -> dict[str, str]:  # fmt: skip
    """The page's errors, the first for each question: missing answers, then dates that are not
    real, then the page's own checks, then ApplicationSchema's."""
    kind = _kind(answers)
    errors: dict[str, str] = {}
    for found in (
        _required(step, kind, data),
        date_errors,
        pages.check(step, data, clock.today()),
        _validate(answers, step, index),
    ):
        for name, message in found.items():
            errors.setdefault(name, message)
    return errors


@public_bp.get("/apply/<council>")
def start(council: str):
    policy = _council(council)
    terms = home.terms_of(policy)
    return render_template("public/start.html", council=policy, back=url_for("web.inbox"),
                           qualifies=terms.qualifies, limit_rows=home.summary_rows(terms))  # fmt: skip


@public_bp.route(f"/apply/<council>/<any({', '.join(QUESTIONS)}):step>", methods=["GET", "POST"])
def question(council: str, step: str):
    policy = _council(council)
    answers = _answers(council)
    if step != "who" and "who" not in answers:
        return redirect(url_for("public.question", council=council, step="who"))
    if step not in pages.steps_for(answers) and step != "who":
        abort(404)  # "About you" when the victim applies: no such page
    back = _back(council, answers, step)
    if request.method == "GET":
        schema = pages.PAGES[step]
        return _render(policy, step, answers, _form_from(answers.get(step, {}), schema), {}, back)
    data, date_errors = _read(step)
    answers = {**answers, step: data}
    errors = _page_errors(step, answers, data, date_errors)
    if errors:
        return _render(policy, step, answers, request.form, errors, back)
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
    heading = f"Incident {position + 1}"
    back = _back(council, answers, "incident", position)
    if request.method == "GET":
        current = items[position] if position < len(items) else {}
        form = _form_from(current, pages.PAGES["incident"])
        return _render(policy, "incident", answers, form, {}, back, heading=heading)
    data, date_errors = _read("incident")
    items[position : position + 1] = [data]
    trial = {**answers, "incident_list": items}
    errors = _page_errors("incident", trial, data, date_errors, position)
    if errors:
        return _render(policy, "incident", trial, request.form, errors, back, heading=heading)
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


def _on(value: str | None) -> str:
    try:
        return format_date(datetime.strptime(value or "", "%Y-%m-%d").date())
    except ValueError:
        return ""


def incident_rows(council: str, items: list[dict[str, Any]], change: bool = False) -> list[dict[str, Any]]:
    rows = []
    for position, item in enumerate(items):
        what = item.get("description", "").strip().rstrip(".")
        if item.get("agency") and item["agency"] != pages.NOT_REPORTED:
            agency = pages.AGENCY_LABELS.get(item["agency"], item["agency"])
            method = pages.METHOD_LABELS.get(item.get("method", ""), "").lower()
            reported = (
                f"Reported to {agency[0].lower()}{agency[1:]} ({method}) on {_on(item.get('reported_on'))}"
            )
        else:
            reported = "Not reported"
        rows.append({
            "position": position,
            "key": {"text": f"Incident {position + 1}"},
            "value": {"text": f"{_on(item.get('occurred_on'))}: {what}. {reported}."},
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
    back = _back(council, answers, "incidents")
    if request.method == "GET":
        return _render(policy, "incidents", answers, MultiDict(), {}, back, incident_rows=rows)
    data, errors = _read("incidents")
    errors = {**_required("incidents", _kind(answers), data), **errors}
    if errors:
        return _render(policy, "incidents", answers, request.form, errors, back, incident_rows=rows)
    if data["add_another"]:
        return redirect(url_for("public.incident", council=council, index="new"))
    return _next(council, answers, "incidents")


def _change(href: str, what: str) -> dict[str, Any]:
    return {"items": [{"href": href, "text": "Change", "visuallyHiddenText": what.lower()}]}


def _summary(council: str, answers: dict[str, Any]) -> list[dict[str, Any]]:
    """The check-your-answers rows: each answer with a Change link to its page."""
    kind = _kind(answers)
    rows = []
    for step in pages.steps_for(answers):
        if step == "incidents":
            for row in incident_rows(council, answers.get("incident_list", []), change=True):
                rows.append({"key": row["key"], "value": row["value"],
                             "actions": _change(row["href"], row["key"]["text"])})  # fmt: skip
            continue
        schema = pages.page(step, kind)
        data = answers.get(step, {})
        href = url_for("public.question", council=council, step=step, change=1)
        if schema.get("x-address"):
            title = schema["title"].removeprefix("What is ").rstrip("?").capitalize()
            lines = pages.address_text(data).split("\n")
            rows.append({"key": {"text": title}, "value": {"html": str(Markup("<br>").join(lines))}
                         if lines != [""] else {"text": "Not given"}, "actions": _change(href, title)})  # fmt: skip
            continue
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
            rows.append({"key": {"text": prop["title"]}, "value": {"text": text},
                         "actions": _change(href, prop["title"])})  # fmt: skip
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
        kind = _kind(answers)
        try:
            application = ApplicationSchema().load(pages.application(answers))
        except ValidationError as exc:
            for path, message in pages.flatten(exc.messages).items():
                step, index, field = pages.page_of(path, kind)
                if step == "incident":
                    href = url_for("public.incident", council=council, index=index, change=1)
                elif step in pages.PAGES and step != "incidents":
                    href = url_for("public.question", council=council, step=step, change=1)
                else:
                    href = "#answers"
                errors.append({"text": pages.friendly(message, step, field, kind), "href": href})
        else:
            # Every case sent starts statutory deadlines: one address may send only so many.
            refused = apply_limits.take(throttle.client_network(request.remote_addr), apply_limits.CASE)
            if refused:
                raise TooMany(refused)
            try:
                case = case_service.open_case(council, application, actor=ACTOR)
            except case_service.CaseNotFound:
                abort(404)
            drafts.discard_draft(session.pop("apply_draft", None))
            # Only the reference: the link's token is worked out on the server when shown.
            session["applied"] = {
                "council": council,
                "reference": case.reference,
                "at": clock.now().isoformat(),
            }
            return redirect(url_for("public.confirmation", council=council))
    return render_template(
        "public/check.html",
        council=policy,
        rows=_summary(council, answers),
        errors=errors,
        back=url_for("public.question", council=council, step="declaration"),
    ), (400 if errors else 200)


@public_bp.get("/apply/<council>/confirmation")
def confirmation(council: str):
    policy = _council(council)
    applied = session.get("applied") or {}
    sent_at = applied.get("at")
    token = None
    if applied.get("council") == council and sent_at:
        if clock.now() - datetime.fromisoformat(sent_at) <= CONFIRMATION_SHOWN_FOR:
            token = status_links.applicant_token(council, applied.get("reference", ""))
    link = status_links.link_for_token(token) if token else None
    if link is None:
        return redirect(url_for("public.start", council=council))
    recipient = status_links.recipient_of(link)
    return render_template(
        "public/confirmation.html",
        council=policy,
        reference=applied["reference"],
        next_step=status.next_step(link.case, recipient) or "",
        # The acknowledgement of someone applying for the victim carries no link before consent.
        same_in_letter=not status.waiting_for_consent(link.case, recipient),
        status_url=url_for("public.status", token=token, _external=True),
    )
