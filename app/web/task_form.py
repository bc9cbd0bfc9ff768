"""A task's form on a page: built from the form's JSON Schema, GOV.UK components, no JavaScript.

``build_fields`` turns the schema, what the user sent and the errors into a tree of fields, each
naming its GOV.UK macro and the macro's params (the template only dispatches on the name).
``read_body`` turns the submitted fields back into the JSON body the API takes, so the page
completes a task through the very same service and validation as the API.

Names on the page are dotted paths (``chair.name``, ``panel.0.agency``); a date is three inputs
(``held_on-day``, ``-month``, ``-year``); a list of objects has ``<path>-rows``, the number of
rows shown, and an "Add another" button (``add_another=<path>``) that re-renders with one more.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from app.web.date_input import NotADate, date_items, entered, read_date

BAD_DATE = "not-a-date"  # sent for a date that is not real: the form's own check refuses it
MAX_ROWS = 50


@dataclass
class Field:
    macro: str  # date, radios, checkboxes, textarea, input, fieldset, add_another
    params: dict[str, Any]
    children: list[Field] = field(default_factory=list)
    rows: list[Field] = field(default_factory=list)  # add_another: one fieldset per row
    path: str = ""
    # radios: the questions revealed under a choice (GOV.UK conditional reveal), by its value
    reveals: dict[str, list[Field]] = field(default_factory=dict)


def field_id(path: str) -> str:
    return path.replace(".", "-")


def anchor(prop: dict[str, Any], path: str) -> str:
    """The id an error summary links to: the first input of the question."""
    widget = _widget(prop)
    if widget == "date":
        return f"{field_id(path)}-day"
    return field_id(path)


def _widget(prop: dict[str, Any]) -> str:
    widget = prop.get("x-widget")
    if widget:
        return widget
    if prop.get("type") == "object":
        return "fieldset"
    if prop.get("format") == "date":
        return "date"
    if prop.get("type") == "boolean" or "enum" in prop:
        return "radios"
    return "text"


def row_count(schema_prop: dict[str, Any], form: MultiDict, path: str, adding: bool = True) -> int:
    """The rows a list of objects shows: as many as last time (at least its minItems, or one),
    plus one when its "Add another" button was pressed."""
    wanted = form.get(f"{field_id(path)}-rows", type=int)
    least = schema_prop.get("minItems", 0 if schema_prop.get("x-fixed-rows") else 1)
    rows = wanted if wanted is not None else least
    if adding and form.get("add_another") == path and not schema_prop.get("x-fixed-rows"):
        rows += 1
    return max(least, min(rows, MAX_ROWS))


# --- Reading what was sent ---------------------------------------------------------------


@dataclass
class Body:
    data: dict[str, Any]
    date_errors: dict[str, str]  # path -> message, for dates that are not real
    row_paths: dict[str, list[int]]  # list path -> the page row of each item sent


def read_body(schema: dict[str, Any], form: MultiDict) -> Body:
    body = Body({}, {}, {})
    body.data = _read_object(schema, form, "", body, top=True)
    return body


def _read_object(schema: dict[str, Any], form: MultiDict, prefix: str, body: Body, top: bool = False):
    data: dict[str, Any] = {}
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    for name, prop in properties.items():
        path = f"{prefix}{name}"
        if not _shown(prop, form, prefix):
            continue
        value = _read_value(prop, form, path, body, name in required)
        if value is not _MISSING:
            data[name] = value
    return data


_MISSING = object()


def _shown(prop: dict[str, Any], form: MultiDict, prefix: str = "") -> bool:
    """A question that applies only when another (of the same object) has an answer is left out
    otherwise."""
    for other, value in (prop.get("x-show-when") or {}).items():
        if form.get(f"{prefix}{other}") != (
            "true" if value is True else "false" if value is False else value
        ):
            return False
    return True


def _read_value(prop: dict[str, Any], form: MultiDict, path: str, body: Body, required: bool):
    widget = _widget(prop)
    if widget == "date":
        return _read_date(prop, form, path, body)
    if widget == "fieldset":
        return _read_object(prop, form, f"{path}.", body)
    if widget == "add_another":
        return _read_rows(prop, form, path, body)
    if widget == "checkboxes":
        return form.getlist(path)
    raw = form.get(path)
    if prop.get("type") == "boolean":
        return {"true": True, "false": False}.get(raw, _MISSING)
    if widget == "radios":
        return raw if raw else _MISSING
    if raw is None or (raw == "" and not required):
        return _MISSING
    return raw


def _read_date(prop: dict[str, Any], form: MultiDict, path: str, body: Body):
    try:
        day = read_date(form, path)
    except NotADate:
        title = prop.get("title", "The date")
        body.date_errors[path] = f"{title} must be a real date, for example 27 3 2026."
        return BAD_DATE
    return _MISSING if day is None else day.isoformat()


def _read_rows(prop: dict[str, Any], form: MultiDict, path: str, body: Body):
    items = []
    rows = []
    for row in range(row_count(prop, form, path, adding=False)):
        item = _read_object(prop["items"], form, f"{path}.{row}.", body)
        if not any(value not in ("", None, []) for value in item.values()):
            continue  # a row left blank is not an item
        items.append(item)
        rows.append(row)
    body.row_paths[path] = rows
    return items


def page_errors(body: Body, messages: dict[str, list[str]]) -> dict[str, str]:
    """The service's messages by page path (an item's index turned back into its row), with
    the page's own message for a date that is not real."""
    errors: dict[str, str] = {}
    for path, texts in messages.items():
        errors[_to_page_path(path, body.row_paths)] = texts[0]
    for path, text in body.date_errors.items():
        errors[path] = text
    return errors


def _to_page_path(path: str, row_paths: dict[str, list[int]]) -> str:
    parts = path.split(".")
    if len(parts) > 1 and parts[0] in row_paths and parts[1].isdigit():
        rows = row_paths[parts[0]]
        index = int(parts[1])
        if index < len(rows):
            parts[1] = str(rows[index])
    return ".".join(parts)


# --- Building the page -------------------------------------------------------------------


def build_fields(schema: dict[str, Any], form: MultiDict, errors: dict[str, str]) -> list[Field]:
    return _object_fields(schema, form, errors, "")


def error_list(schema: dict[str, Any], errors: dict[str, str], form: MultiDict) -> list[dict[str, str]]:
    """The error summary's links, in the order of the questions on the page."""
    order = [path for path in _paths(schema, form, "")]
    ranked = sorted(errors.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order))
    return [{"text": text, "href": f"#{_anchor_for(schema, path)}"} for path, text in ranked]


def _paths(schema: dict[str, Any], form: MultiDict, prefix: str):
    for name, prop in schema.get("properties", {}).items():
        path = f"{prefix}{name}"
        yield path
        widget = _widget(prop)
        if widget == "fieldset":
            yield from _paths(prop, form, f"{path}.")
        elif widget == "add_another":
            for row in range(row_count(prop, form, path)):
                yield from _paths(prop["items"], form, f"{path}.{row}.")


def _anchor_for(schema: dict[str, Any], path: str) -> str:
    prop: dict[str, Any] | None = schema
    for part in path.split("."):
        if prop is None:
            break
        if part.isdigit() and prop.get("type") == "array":
            prop = prop.get("items")
        else:
            prop = (prop.get("properties") or {}).get(part)
    return anchor(prop, path) if prop else field_id(path)


def _object_fields(
    schema: dict[str, Any], form: MultiDict, errors: dict[str, str], prefix: str
) -> list[Field]:
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    fields = {
        name: _field(prop, form, errors, f"{prefix}{name}", name in required)
        for name, prop in properties.items()
    }
    return _with_reveals(properties, fields)


def _with_reveals(properties: dict[str, Any], fields: dict[str, Field]) -> list[Field]:
    """The questions of one object, each that applies only after another's answer
    (``x-show-when``) moved under that answer, so it appears only once the answer is chosen ("Why
    is the application not eligible?" after "No"). GOV.UK Frontend's radios script reveals it;
    without the script every question shows, and ``read_body`` still leaves out those that do
    not apply."""
    shown = []
    for name, question in fields.items():
        conditions = properties[name].get("x-show-when") or {}
        parent = fields.get(next(iter(conditions), ""))
        if len(conditions) == 1 and parent is not None and parent.macro == "radios":
            (value,) = conditions.values()
            key = "true" if value is True else "false" if value is False else str(value)
            parent.reveals.setdefault(key, []).append(question)
            # GOV.UK: conditional reveals cannot go under inline radios; they are stacked.
            parent.params.pop("classes", None)
        else:
            shown.append(question)
    return shown


def _common(prop: dict[str, Any], errors: dict[str, str], path: str) -> dict[str, Any]:
    params: dict[str, Any] = {"id": field_id(path), "name": path}
    if prop.get("description"):
        params["hint"] = {"text": prop["description"]}
    if path in errors:
        params["errorMessage"] = {"text": errors[path]}
    return params


def _legend(prop: dict[str, Any], nested: bool) -> dict[str, Any]:
    return {
        "legend": {
            "text": prop.get("title", ""),
            "classes": "govuk-fieldset__legend--s" if nested else "govuk-fieldset__legend--m",
        }
    }


def _choices(prop: dict[str, Any], labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    if prop.get("type") == "boolean":
        return [("true", "Yes"), ("false", "No")]
    labels = labels or prop.get("x-labels") or {}
    # A field that may be left out lists null among its values (screen_eligibility's reason): not a choice.
    return [
        (value, labels.get(value, value.replace("_", " ").capitalize()))
        for value in prop.get("enum", [])
        if value is not None
    ]


def _field(prop: dict[str, Any], form: MultiDict, errors: dict[str, str], path: str, required: bool) -> Field:
    widget = _widget(prop)
    nested = "." in path
    params = _common(prop, errors, path)
    if widget == "date":
        params.pop("name")
        params["namePrefix"] = path
        params["fieldset"] = _legend(prop, nested)
        params["items"] = date_items(entered(form, path), error=path in errors)
        return Field("date", params, path=path)
    if widget in ("radios", "checkboxes") and (
        prop.get("type") != "array" or "enum" in prop.get("items", {})
    ):
        source = prop.get("items", prop) if widget == "checkboxes" else prop
        chosen = set(form.getlist(path))
        params.pop("id")
        params["idPrefix"] = field_id(path)
        params["fieldset"] = _legend(prop, nested)
        params["items"] = [
            # A list's labels are the list's own (``choice`` inside ``fields.List`` puts them there).
            {"value": value, "text": text, "checked": value in chosen}
            for value, text in _choices(source, prop.get("x-labels"))
        ]
        if widget == "radios" and prop.get("type") == "boolean":
            params["classes"] = "govuk-radios--inline"
        return Field(widget, params, path=path)
    if widget == "fieldset":
        return Field("fieldset", _legend(prop, nested) | {"attributes": {"id": field_id(path)}},
                     children=_object_fields(prop, form, errors, f"{path}."), path=path)  # fmt: skip
    if widget == "hidden":
        return Field("hidden", {"name": path, "value": form.get(path, "")}, path=path)
    if widget == "add_another":
        params.setdefault("hint", None)
        params.setdefault("errorMessage", None)
        params["fieldset"] = _legend(prop, nested)
        rows = []
        item_title = prop.get("x-item-title", "Item")
        for row in range(row_count(prop, form, path)):
            rows.append(
                Field(
                    "fieldset",
                    {"legend": {"text": f"{item_title} {row + 1}", "classes": "govuk-fieldset__legend--s"}},
                    children=_object_fields(prop["items"], form, errors, f"{path}.{row}."),
                    path=f"{path}.{row}",
                )
            )
        params["rows_name"] = f"{field_id(path)}-rows"
        params["rows_value"] = len(rows)
        # A list whose rows the task gives (one per report to answer) offers no "Add another".
        params["add_button"] = (
            None
            if prop.get("x-fixed-rows")
            else {
                "text": f"Add another {item_title.lower()}",
                "name": "add_another",
                "value": path,
                "classes": "govuk-button--secondary",
            }
        )
        return Field("add_another", params, rows=rows, path=path)
    params["label"] = {
        "text": prop.get("title", path),
        "classes": "govuk-label--s" if nested else "govuk-label--m",
    }
    params["value"] = form.get(path, "")
    if widget == "textarea":
        if prop.get("maxLength"):
            params["maxlength"] = prop["maxLength"]
            return Field("character_count", params, path=path)
        return Field("textarea", params, path=path)
    params["spellcheck"] = False
    params["classes"] = "govuk-!-width-two-thirds"
    return Field("input", params, path=path)
