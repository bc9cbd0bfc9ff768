"""A council's settings page (issue 16): the values in force, what is still to confirm, each
version with what it changed, and a form for each section. The forms go through the same service
and the same checks as PATCH /api/v1/councils/{council}/settings; a change of closures shows
which due dates it moves before it is saved."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from app.councils import closure_words, settings_document
from app.domain.letter_wording import DEFAULT_WORDING
from app.letters.snapshots import council_wording
from app.presenters.council_settings import joined_labels, settings_view, shown_value, version_history
from app.services import audit, council_settings
from app.services.council_settings import (
    ChangeResult,
    SettingsConflict,
    SettingsForbidden,
    SettingsInvalid,
    SettingsNotFound,
)
from app.web import web_bp
from app.web.settings_forms import FIELDS, SECTION_TITLES, field_errors, form_values, read_form

MAX_REASON = 2000


def _readable(council_id: str):
    try:
        return council_settings.readable_council(g.user, council_id)
    except SettingsNotFound:
        abort(404)
    except SettingsForbidden:
        abort(403)


@web_bp.get("/councils/<council_id>/settings")
def settings_page(council_id: str):
    council = _readable(council_id)
    view = settings_view(g.user, council)
    return render_template(
        "web/settings.html",
        council=council,
        view=view,
        sections=[{"key": s, "title": SECTION_TITLES[s], "rows": _rows(s, view[s])} for s in SECTION_TITLES],
        history=version_history(council_id),
        may_read_audit=audit.may_read(g.user, council_id),
    )


def _rows(section: str, value: Any) -> list[tuple[str, str, bool]]:
    """(label, value, assumed) for the summary of a section."""
    confirmed = value.get("confirmed", {}) if isinstance(value, dict) else {}
    rows = []
    for spec in FIELDS[section]:
        current = value
        for part in spec.path.split(".") if spec.path else ():
            current = current.get(part) if isinstance(current, dict) else None
        if spec.kind == "choices":
            labels = dict(spec.choices)
            text = joined_labels([labels.get(c, c) for c in current or []])
        elif spec.kind == "lines":  # the closure days
            text = "; ".join(closure_words(c) for c in current or []) or "None"
        else:
            text = shown_value(current, f"{section}.{spec.path}" if spec.path else section)
        rows.append((spec.label, text, spec.path.split(".")[0] in confirmed))
    return rows


@web_bp.route("/councils/<council_id>/settings/<section>", methods=["GET", "POST"])
def settings_edit(council_id: str, section: str):
    council = _readable(council_id)
    if section not in SECTION_TITLES:
        abort(404)
    if section not in council_settings.editable_sections(g.user, council_id):
        abort(403)
    current = settings_document(council)[section]
    shown = form_values(section, current)
    errors: dict[str, str] = {}
    reason, effective_from = "", ""
    preview: ChangeResult | None = None
    if request.method == "POST":
        value, shown = read_form(section, request.form)
        reason = request.form.get("reason", "").strip()[:MAX_REASON]
        effective_from = request.form.get("effective_from", "").strip()
        dry_run = request.form.get("action") == "preview"
        problems: dict[str, Any] = {}
        if not reason:
            problems["reason"] = (
                "Say why the settings change: it is kept with the version and in the audit list."
            )
        when = _parse_date(effective_from, problems)
        if not problems:
            try:
                result = council_settings.change(
                    g.user, council_id, sections={section: value}, reason=reason, effective_from=when,
                    dry_run=dry_run,
                )  # fmt: skip
            except SettingsForbidden:
                abort(403)
            except SettingsInvalid as exc:
                problems.update(
                    {k: " ".join(m) for k, m in exc.messages.items() if k != section and isinstance(m, list)}
                )
                errors.update(field_errors(section, exc.messages.get(section, {})))
            except SettingsConflict as exc:
                problems["reason"] = str(exc)
            else:
                if not dry_run:
                    flash(_saved(result, section), "success")
                    return redirect(url_for("web.settings_page", council_id=council_id))
                preview = result
        errors.update(problems)
    return render_template(
        "web/settings_edit.html",
        council=council,
        section=section,
        title=SECTION_TITLES[section],
        fields=[_field(spec, shown, errors) for spec in FIELDS[section]],
        errors=[{"text": message, "href": f"#{field}"} for field, message in errors.items()],
        field_errors=errors,
        reason=reason,
        effective_from=effective_from,
        dates_apply=section != "closures",
        preview=preview,
        wording=_wording_preview(council, shown) if section == "letters" else None,
    )


def _parse_date(text: str, problems: dict[str, Any]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        problems["effective_from"] = "Not a valid date; use YYYY-MM-DD."
        return None


def _saved(result: ChangeResult, section: str) -> str:
    if result.version is None:
        return f"Nothing changed: the {SECTION_TITLES[section].lower()} are as they were."
    moved = f" {len(result.moves)} due dates moved." if result.moves else ""
    return f"Saved as settings version {result.version}.{moved}"


def _field(spec, shown: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    """The task form macro's shape (web/_task_fields.html) for one field: nothing revealed."""
    return {"reveals": {}, "children": [], **_field_params(spec, shown, errors)}


def _field_params(spec, shown: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    error = {"text": errors[spec.id]} if spec.id in errors else None
    common = {"id": spec.id, "name": spec.id, "errorMessage": error}
    hint = {"text": spec.hint} if spec.hint else None
    if spec.kind == "yesno":
        return {"macro": "radios", "params": {
            **common, "classes": "govuk-radios--inline", "hint": hint,
            "fieldset": {"legend": {"text": spec.label, "classes": "govuk-fieldset__legend--s"}},
            "items": [{"value": v, "text": t, "checked": shown.get(spec.id) == v} for v, t in (("yes", "Yes"), ("no", "No"))],
        }}  # fmt: skip
    if spec.kind == "choices":
        return {"macro": "checkboxes", "params": {
            **common, "hint": hint, "classes": "govuk-checkboxes--small",
            "fieldset": {"legend": {"text": spec.label, "classes": "govuk-fieldset__legend--s"}},
            "items": [{"value": v, "text": t, "checked": v in shown.get(spec.id, [])} for v, t in spec.choices],
        }}  # fmt: skip
    params = {**common, "label": {"text": spec.label, "classes": "govuk-label--s"}, "hint": hint,
              "value": shown.get(spec.id, "")}  # fmt: skip
    if spec.kind in ("textarea", "lines"):
        return {
            "macro": "textarea",
            "params": {
                **params,
                "rows": 6 if spec.kind == "lines" else 4,
                "spellcheck": spec.kind != "lines",
            },
        }
    if spec.kind == "number":
        return {
            "macro": "input",
            "params": {**params, "inputmode": "numeric", "classes": "govuk-input--width-4"},
        }
    return {"macro": "input", "params": {**params, "spellcheck": False}}


def _wording_preview(council, shown: dict[str, Any]) -> dict[str, list[str]]:
    """The three blocks as a letter prints them: placeholders filled, lines split, nothing else."""
    return {
        key: council_wording(council, shown.get(key, DEFAULT_WORDING[key]) or "") for key in DEFAULT_WORDING
    }


@web_bp.get("/councils/<council_id>/settings/letters/preview")
def letters_preview(council_id: str):
    """The wording preview alone, for the page's script to show as one types (GET: reads nothing
    but the typed text and the council's contacts)."""
    council = _readable(council_id)
    if "letters" not in council_settings.editable_sections(g.user, council_id):
        abort(403)
    shown = {key: request.args.get(key, "")[:4000] for key in DEFAULT_WORDING}
    return render_template("web/_letters_preview.html", wording=_wording_preview(council, shown))


@web_bp.post("/councils/<council_id>/settings/confirm")
def settings_confirm(council_id: str):
    _readable(council_id)
    key = request.form.get("key", "")
    reason = request.form.get("reason", "").strip()[:MAX_REASON] or "Confirmed as it is"
    try:
        result = council_settings.change(g.user, council_id, sections={}, confirm=(key,), reason=reason)
    except SettingsForbidden:
        abort(403)
    except SettingsInvalid as exc:
        flash(" ".join(m for messages in exc.messages.values() for m in messages), "error")
    else:
        flash(f"Confirmed {key}: saved as settings version {result.version}.", "success")
    return redirect(url_for("web.settings_page", council_id=council_id) + "#to-confirm")


SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]*\.txt$")
# Shipped beside councils.toml, which cites them, so every install (and a clean clone) has them.
DEFAULT_SOURCES = Path(__file__).resolve().parents[2] / "processes" / "sources"


@web_bp.get("/councils/<council_id>/sources/<name>")
def council_source(council_id: str, name: str):
    """A source document the "to confirm" values cite, a numbered line at a time (#line-N)."""
    council = _readable(council_id)
    folder = Path(current_app.config.get("SOURCES_DIR") or DEFAULT_SOURCES)
    path = folder / name
    if not SOURCE_NAME.match(name) or not path.is_file():
        abort(404)
    text = path.read_text(encoding="utf-8", errors="replace")
    return render_template("web/source.html", council=council, name=name, lines=text.splitlines())
