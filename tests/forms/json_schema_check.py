"""Enough of JSON Schema 2020-12 to check the forms' schemas without the ``jsonschema`` package
(not a dependency): which keywords may appear, and a validator for the subset the forms use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

# The keywords the form schemas may use (JSON Schema 2020-12 core, applicator, validation and
# meta-data vocabularies); anything else must be a vendor extension, "x-...".
KEYWORDS = {
    "$schema",
    "title",
    "description",
    "default",
    "type",
    "enum",
    "const",
    "format",
    "minLength",
    "maxLength",
    "minItems",
    "maxItems",
    "uniqueItems",
    "items",
    "properties",
    "required",
    "additionalProperties",
    "allOf",
    "if",
    "then",
    "not",
}
TYPES = {"object", "array", "string", "boolean", "null", "integer", "number"}
_SUBSCHEMA = {"items", "if", "then", "not", "additionalProperties"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def structure_problems(schema: Any, path: str = "#") -> list[str]:
    """What makes ``schema`` not a well-formed schema of the kind the forms produce."""
    if isinstance(schema, bool):
        return []
    if not isinstance(schema, dict):
        return [f"{path}: a schema must be an object or a boolean"]
    problems = _keyword_problems(schema, path)
    for name, sub in schema.get("properties", {}).items():
        problems += structure_problems(sub, f"{path}/properties/{name}")
    for name in _SUBSCHEMA & set(schema):
        problems += structure_problems(schema[name], f"{path}/{name}")
    for index, sub in enumerate(schema.get("allOf", [])):
        problems += structure_problems(sub, f"{path}/allOf/{index}")
    return problems


def _keyword_problems(schema: dict[str, Any], path: str) -> list[str]:
    problems = [
        f"{path}: unknown keyword {name!r}"
        for name in schema
        if name not in KEYWORDS and not name.startswith("x-")
    ]
    types = _types(schema)
    problems += [f"{path}: unknown type {name!r}" for name in types if name not in TYPES]
    if "object" in types:
        if schema.get("additionalProperties") is not False:
            problems.append(f"{path}: an object must refuse unknown fields")
        missing = set(schema.get("required", [])) - set(schema.get("properties", {}))
        if missing:
            problems.append(f"{path}: required but not described: {sorted(missing)}")
    if "enum" in schema and (not isinstance(schema["enum"], list) or not schema["enum"]):
        problems.append(f"{path}: enum must be a non-empty list")
    for name in ("minLength", "maxLength", "minItems", "maxItems"):
        if name in schema and (not isinstance(schema[name], int) or schema[name] < 0):
            problems.append(f"{path}: {name} must be a whole number")
    return problems


def _types(schema: dict[str, Any]) -> list[str]:
    types = schema.get("type", [])
    return types if isinstance(types, list) else [types]


def validation_errors(schema: Any, instance: Any, path: str = "") -> list[str]:
    """Why ``instance`` does not match ``schema``; empty when it does."""
    if isinstance(schema, bool):
        return [] if schema else [f"{path}: not allowed"]
    if "type" in schema and not any(_is_type(instance, name) for name in _types(schema)):
        return [f"{path}: not of type {schema['type']}"]
    errors = _value_errors(schema, instance, path)
    for sub in schema.get("allOf", []):
        errors += validation_errors(sub, instance, path)
    if "if" in schema and not validation_errors(schema["if"], instance, path):
        errors += validation_errors(schema.get("then", True), instance, path)
    if "not" in schema and not validation_errors(schema["not"], instance, path):
        errors.append(f"{path}: matches a schema it must not")
    return errors


def _value_errors(schema: dict[str, Any], instance: Any, path: str) -> list[str]:
    errors: list[str] = []
    if "const" in schema and not _same(instance, schema["const"]):
        errors.append(f"{path}: not {schema['const']!r}")
    if "enum" in schema and not any(_same(instance, value) for value in schema["enum"]):
        errors.append(f"{path}: not one of {schema['enum']}")
    if isinstance(instance, str):
        errors += _string_errors(schema, instance, path)
    if isinstance(instance, list):
        errors += _array_errors(schema, instance, path)
    if isinstance(instance, dict):
        errors += _object_errors(schema, instance, path)
    return errors


def _string_errors(schema: dict[str, Any], instance: str, path: str) -> list[str]:
    errors = []
    if len(instance) < schema.get("minLength", 0):
        errors.append(f"{path}: too short")
    if len(instance) > schema.get("maxLength", len(instance)):
        errors.append(f"{path}: too long")
    if schema.get("format") == "date" and not _is_date(instance):
        errors.append(f"{path}: not a date")
    return errors


def _array_errors(schema: dict[str, Any], instance: list[Any], path: str) -> list[str]:
    errors = []
    if len(instance) < schema.get("minItems", 0):
        errors.append(f"{path}: too few items")
    if len(instance) > schema.get("maxItems", len(instance)):
        errors.append(f"{path}: too many items")
    if schema.get("uniqueItems") and any(
        _same(a, b) for i, a in enumerate(instance) for b in instance[i + 1 :]
    ):
        errors.append(f"{path}: items repeat")
    for index, item in enumerate(instance):
        errors += validation_errors(schema.get("items", True), item, f"{path}/{index}")
    return errors


def _object_errors(schema: dict[str, Any], instance: dict[str, Any], path: str) -> list[str]:
    properties = schema.get("properties", {})
    errors = [f"{path}/{name}: required" for name in schema.get("required", []) if name not in instance]
    for name, value in instance.items():
        if name in properties:
            errors += validation_errors(properties[name], value, f"{path}/{name}")
        elif "additionalProperties" in schema:
            errors += validation_errors(schema["additionalProperties"], value, f"{path}/{name}")
    return errors


def _is_type(value: Any, name: str) -> bool:
    if name == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if name == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    expected = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}
    return isinstance(value, expected[name])


def _same(a: Any, b: Any) -> bool:
    # JSON Schema: true is not 1, and 1 is not true.
    return type(a) is type(b) and a == b


def _is_date(text: str) -> bool:
    if not _DATE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True
