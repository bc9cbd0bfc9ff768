"""A form as JSON Schema (draft 2020-12), generated from its marshmallow schema.

apispec's converter does the fields (types, formats, enums, lengths, required, titles and
``x-`` metadata, nested schemas inlined); this module adds what JSON Schema and the pages need
on top: ``$schema``, the form's title, ``additionalProperties: false`` on every object, a
widget hint per question (``x-widget``), and the fields that apply only when another field has
a value, as ``if``/``then`` and an ``x-show-when`` hint.
"""

from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow.openapi import OpenAPIConverter
from marshmallow import Schema, fields, validate

from forms.base import NAME_LENGTH, FormSchema, OnlyWhen

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def build_json_schema(key: str, form: type[FormSchema]) -> dict[str, Any]:
    # OpenAPI 3.1's schema object is JSON Schema 2020-12. A resolver that names no schema makes
    # the converter inline nested schemas instead of writing $refs to a components section.
    converter = OpenAPIConverter(openapi_version="3.1.0", schema_name_resolver=lambda schema: None, spec=None)
    converter.add_attribute_function(_widget)
    # An instance, not the class: its fields are bound, so _widget can tell a form's own fields
    # (parent: a schema) from list items (parent: the list).
    body = converter.schema2jsonschema(form())
    _close_objects(body)
    conditions = _conditions(form.conditions, body["properties"])
    schema: dict[str, Any] = {"$schema": DIALECT, "title": form.form_title}
    if form.form_description:
        schema["description"] = form.form_description
    schema["x-form-key"] = key
    schema.update(body)
    if conditions:
        schema["allOf"] = conditions
    return schema


def _widget(self: OpenAPIConverter, field: fields.Field, **kwargs: Any) -> dict[str, str]:
    """The GOV.UK component for a question: only for a schema's own fields, not list items."""
    if not isinstance(field.parent, Schema) or "x-widget" in field.metadata:
        return {}
    return {"x-widget": widget_for(field)}


def widget_for(field: fields.Field) -> str:
    if isinstance(field, fields.Date):
        return "date"
    if isinstance(field, fields.Boolean):
        return "radios"
    if isinstance(field, fields.Nested):
        return "fieldset"
    if isinstance(field, fields.List):
        return "add_another" if isinstance(field.inner, fields.Nested) else "checkboxes"
    if any(isinstance(v, validate.OneOf) for v in field.validators):
        return "radios"
    longest = max(
        (v.max for v in field.validators if isinstance(v, validate.Length) and v.max is not None),
        default=None,
    )
    return "textarea" if longest is None or longest > NAME_LENGTH else "text"


def _close_objects(node: Any) -> None:
    """Every form schema refuses unknown fields (BaseSchema: unknown=RAISE), at every level."""
    if isinstance(node, dict):
        if node.get("type") == "object":
            node["additionalProperties"] = False
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)


def _conditions(conditions: tuple[OnlyWhen, ...], properties: dict[str, Any]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    for condition in conditions:
        properties[condition.field]["x-show-when"] = {condition.depends_on: condition.value}
        if condition.required:
            rules.append(
                {
                    "if": _when(condition.depends_on, condition.value),
                    "then": {
                        "required": [condition.field],
                        "properties": {condition.field: {"not": {"type": "null"}}},
                    },
                }
            )
        rules.append(
            {
                "if": _when(condition.depends_on, not condition.value),
                "then": {"properties": {condition.field: {"type": "null"}}},
            }
        )
    return rules


def _when(name: str, value: bool) -> dict[str, Any]:
    return {"properties": {name: {"const": value}}, "required": [name]}
