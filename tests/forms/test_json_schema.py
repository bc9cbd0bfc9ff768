"""Each form as JSON Schema (draft 2020-12) for GET /api/v1/tasks/{id}: well formed, closed, the
minimum fields required, the choices listed, hints for the pages, and agreeing with the form."""

from __future__ import annotations

import json
from typing import Any

import pytest

import forms
from app.domain.eligibility import CONSENT_EVIDENCE, INELIGIBILITY_REASONS
from app.domain.threshold import ROUTES
from forms import FormError, form_json_schema, load_form
from tests.forms.bodies import ACTION, CHAIR, CONTEXT, MINIMUM_FIELDS, PANEL, body
from tests.forms.json_schema_check import structure_problems, validation_errors

KEYS = list(MINIMUM_FIELDS)
WIDGETS = {"date", "radios", "checkboxes", "textarea", "add_another", "text", "fieldset"}
REQUEST_AGENCIES = ["council", "police", "housing_provider", "icb", "youth_offending", "other"]
PANEL_AGENCIES = [
    *REQUEST_AGENCIES[:-1],
    "victim_support",
    "mental_health",
    "probation",
    "fire_and_rescue",
    "health",
    "education",
    "social_care",
    "independent",
    "other",
]


def at(schema: dict[str, Any], pointer: str) -> dict[str, Any]:
    """The subschema of a property path such as ``panel/agency`` (through array items)."""
    node = schema
    for name in pointer.split("/"):
        if node.get("type") == "array":
            node = node["items"]
        node = node["properties"][name]
    return node


def all_properties(schema: dict[str, Any], prefix: str = "") -> list[tuple[str, dict[str, Any]]]:
    """Every property at every depth, with its path."""
    found = []
    for name, sub in schema.get("properties", {}).items():
        found.append((prefix + name, sub))
        inner = sub.get("items", sub) if sub.get("type") == "array" else sub
        found += all_properties(inner, f"{prefix}{name}/")
    return found


@pytest.mark.parametrize("key", KEYS)
def test_the_schema_is_a_closed_draft_2020_12_object_with_a_title(key):
    schema = form_json_schema(key)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    assert isinstance(schema["title"], str) and schema["title"].strip()
    assert schema["x-form-key"] == key
    json.dumps(schema)  # plain JSON


@pytest.mark.parametrize("key", KEYS)
def test_the_schema_is_well_formed_and_every_object_in_it_is_closed(key):
    assert structure_problems(form_json_schema(key)) == []


def test_the_structure_check_finds_problems():
    # The check itself must be able to fail.
    broken = {"type": "object", "properties": {"a": {"type": "text", "maxlength": 3}}, "required": ["b"]}
    assert len(structure_problems(broken)) == 4


@pytest.mark.parametrize("key", KEYS)
def test_required_is_exactly_the_minimum_fields(key):
    required, optional = MINIMUM_FIELDS[key]
    schema = form_json_schema(key)
    assert sorted(schema["required"]) == sorted(required)
    assert required | optional <= set(schema["properties"])


@pytest.mark.parametrize(
    ("key", "pointer", "required"),
    [
        ("case_review", "panel", ["agency", "name", "role"]),
        ("case_review", "chair", ["independent", "name", "organisation"]),
        ("case_review", "recommendations", ["action", "due_on", "owner_agency"]),
        ("decide_appeal", "further_actions", ["action", "due_on", "owner_agency"]),
    ],
)
def test_nested_objects_are_described_with_their_required_fields(key, pointer, required):
    node = at(form_json_schema(key), pointer)
    item = node["items"] if node["type"] == "array" else node
    assert item["type"] == "object"
    assert item["additionalProperties"] is False
    assert sorted(item["required"]) == required


@pytest.mark.parametrize(
    ("key", "pointer", "enum"),
    [
        ("acknowledge", "method", ["email", "post", "phone"]),
        ("verify_consent", "evidence", [*CONSENT_EVIDENCE, None]),
        ("screen_eligibility", "reason", [*INELIGIBILITY_REASONS, None]),
        ("threshold_decision", "route", list(ROUTES)),
        ("notify_outcome", "method", ["phone_and_letter", "letter", "email"]),
        ("case_review", "panel/agency", PANEL_AGENCIES),
        ("case_review", "recommendations/owner_agency", PANEL_AGENCIES),
        ("decide_appeal", "further_actions/owner_agency", PANEL_AGENCIES),
    ],
)
def test_the_choices_are_listed(key, pointer, enum):
    assert at(form_json_schema(key), pointer)["enum"] == enum


def test_the_agencies_to_ask_are_a_non_empty_list_of_choices_without_repeats():
    agencies = form_json_schema("request_information")["properties"]["agencies"]
    assert agencies["type"] == "array"
    assert agencies["items"]["enum"] == REQUEST_AGENCIES
    assert (agencies["minItems"], agencies["maxItems"], agencies["uniqueItems"]) == (1, 6, True)


@pytest.mark.parametrize(
    ("key", "pointer"),
    [
        ("acknowledge", "sent_on"),
        ("contact_victim", "contacted_on"),
        ("case_review", "held_on"),
        ("case_review", "recommendations/due_on"),
        ("notify_outcome", "notified_on"),
        ("decide_appeal", "decided_on"),
        ("decide_appeal", "further_actions/due_on"),
    ],
)
def test_dates_are_strings_in_date_format(key, pointer):
    node = at(form_json_schema(key), pointer)
    # sent_on may also be null (meaning today), so its type is ["string", "null"].
    expected = ["string", "null"] if pointer == "sent_on" else "string"
    assert (node["type"], node["format"]) == (expected, "date")


@pytest.mark.parametrize("key", KEYS)
def test_free_text_has_a_maximum_length_and_lists_a_maximum_size(key):
    for path, node in all_properties(form_json_schema(key)):
        types = node["type"] if isinstance(node["type"], list) else [node["type"]]
        if "string" in types and "enum" not in node and "format" not in node:
            assert 0 < node["maxLength"] <= 10_000, path
        if "array" in types:
            assert 0 < node["maxItems"] <= 50, path


@pytest.mark.parametrize("key", KEYS)
def test_every_question_has_a_title_and_a_widget(key):
    schema = form_json_schema(key)
    for path, node in all_properties(schema):
        assert isinstance(node.get("title"), str) and node["title"].strip(), path
    for name, node in schema["properties"].items():
        assert node["x-widget"] in WIDGETS, name


@pytest.mark.parametrize(
    ("key", "pointer", "widget"),
    [
        ("acknowledge", "sent_on", "date"),
        ("acknowledge", "method", "radios"),
        ("acknowledge", "notes", "textarea"),
        ("screen_eligibility", "eligible", "radios"),
        ("request_information", "agencies", "checkboxes"),
        ("case_review", "panel", "add_another"),
        ("case_review", "panel/name", "text"),
        ("case_review", "chair", "fieldset"),
        ("case_review", "findings", "textarea"),
        ("decide_appeal", "further_actions", "add_another"),
    ],
)
def test_the_widget_suits_the_question(key, pointer, widget):
    assert at(form_json_schema(key), pointer)["x-widget"] == widget


@pytest.mark.parametrize("key", KEYS)
def test_every_choice_has_a_label(key):
    for path, node in all_properties(form_json_schema(key)):
        choices = node.get("enum") or node.get("items", {}).get("enum")
        if choices:
            assert set(node["x-labels"]) == {c for c in choices if c is not None}, path


def test_the_acknowledgement_date_says_it_defaults_to_today():
    sent_on = form_json_schema("acknowledge")["properties"]["sent_on"]
    assert sent_on["x-default"] == "today"
    assert "today" in sent_on["description"]


@pytest.mark.parametrize(
    ("key", "field", "depends_on", "value"),
    [
        ("verify_consent", "evidence", "consent_received", True),
        ("screen_eligibility", "reason", "eligible", False),
        ("threshold_decision", "route", "threshold_met", True),
    ],
)
def test_a_conditional_field_explains_itself_and_says_when_to_show_it(key, field, depends_on, value):
    node = form_json_schema(key)["properties"][field]
    assert node["x-show-when"] == {depends_on: value}
    assert node["description"].strip()


def test_the_schema_is_a_fresh_copy_each_time():
    schema = form_json_schema("acknowledge")
    schema["properties"]["method"]["enum"].append("pigeon")
    schema["title"] = "changed"
    again = form_json_schema("acknowledge")
    assert again["properties"]["method"]["enum"] == ["email", "post", "phone"]
    assert again["title"] != "changed"


def test_the_schema_is_built_once_per_key(monkeypatch):
    calls: list[str] = []
    build = forms.build_json_schema

    def counting(key, form):
        calls.append(key)
        return build(key, form)

    forms._cached_json_schema.cache_clear()
    monkeypatch.setattr(forms, "build_json_schema", counting)
    try:
        for _ in range(3):
            form_json_schema("case_review")
            form_json_schema("notify_outcome")
    finally:
        forms._cached_json_schema.cache_clear()
    assert calls == ["case_review", "notify_outcome"]


@pytest.mark.parametrize("key", ["nope", None, ["acknowledge"]], ids=repr)
def test_an_unknown_form_key_has_no_schema(key):
    with pytest.raises(ValueError, match="Unknown form key"):
        form_json_schema(key)


@pytest.mark.parametrize(
    ("key", "field", "default"),
    [
        ("acknowledge", "notes", ""),
        ("screen_eligibility", "reason", None),
        ("decide_appeal", "further_actions", []),
    ],
)
def test_defaults_are_shown(key, field, default):
    assert form_json_schema(key)["properties"][field]["default"] == default


# --- the JSON Schema and the form agree --------------------------------------------------------
# Rules that need the context (dates against today and the application) or compare fields
# (due dates, different agencies, blank text) are the form's alone and are left out here.

ONE_OF_EACH = [{**m} for m in PANEL]
CORPUS: list[tuple[str, Any]] = [
    *[(key, body(key)) for key in KEYS],
    *[(key, body(key, colour="blue")) for key in KEYS],
    *[(key, body(key, **{name: ...})) for key in KEYS for name in MINIMUM_FIELDS[key][0]],
    ("acknowledge", body("acknowledge", sent_on=None)),
    ("acknowledge", body("acknowledge", sent_on=2013)),
    ("acknowledge", body("acknowledge", sent_on="2026-11-31")),
    ("acknowledge", body("acknowledge", method="fax")),
    ("acknowledge", body("acknowledge", notes="x" * 2001)),
    ("verify_consent", body("verify_consent", evidence=...)),
    ("verify_consent", body("verify_consent", evidence=None)),
    ("verify_consent", body("verify_consent", consent_received=False, evidence=...)),
    ("verify_consent", body("verify_consent", consent_received=False, evidence=None)),
    ("verify_consent", body("verify_consent", consent_received=False, evidence="other")),
    ("verify_consent", body("verify_consent", consent_received="yes")),
    ("screen_eligibility", body("screen_eligibility", eligible=False)),
    ("screen_eligibility", body("screen_eligibility", eligible=False, reason="vexatious")),
    ("screen_eligibility", body("screen_eligibility", eligible=False, reason=None)),
    ("screen_eligibility", body("screen_eligibility", eligible=True, reason="anonymous")),
    ("screen_eligibility", body("screen_eligibility", eligible=True, reason=None)),
    ("screen_eligibility", body("screen_eligibility", eligible=False, reason="rude")),
    ("threshold_decision", body("threshold_decision", route="community")),
    ("threshold_decision", body("threshold_decision", threshold_met=False)),
    ("threshold_decision", body("threshold_decision", threshold_met=False, route="community")),
    ("threshold_decision", body("threshold_decision", route=None)),
    ("threshold_decision", body("threshold_decision", reasons="")),
    ("request_information", {"agencies": []}),
    ("request_information", {"agencies": REQUEST_AGENCIES}),
    ("request_information", {"agencies": ["police", "police"]}),
    ("request_information", {"agencies": ["nhs"]}),
    ("request_information", {"agencies": "police"}),
    ("return_information", body("return_information", summary="x" * 10_001)),
    ("contact_victim", body("contact_victim", victim_will_attend="yes")),
    ("contact_victim", body("contact_victim", impact_statement="In my words.")),
    ("case_review", body("case_review", panel=[*ONE_OF_EACH, {**PANEL[0], "agency": "pcc"}])),
    ("case_review", body("case_review", panel=[*ONE_OF_EACH, {**PANEL[0], "email": "a@b.c"}])),
    ("case_review", body("case_review", panel=[*ONE_OF_EACH] * 11)),
    ("case_review", body("case_review", chair={**CHAIR, "independent": "yes"})),
    ("case_review", body("case_review", chair={"name": "Chris"})),
    ("case_review", body("case_review", recommendations=[ACTION])),
    ("case_review", body("case_review", recommendations=[{**ACTION, "due_on": "soon"}])),
    ("case_review", body("case_review", recommendations=[ACTION] * 51)),
    ("case_review", body("case_review", recommendations=[{**ACTION, "owner_agency": "pcc"}])),
    ("notify_outcome", body("notify_outcome", method="phone")),
    ("decide_appeal", body("decide_appeal", further_actions=[ACTION])),
    ("decide_appeal", body("decide_appeal", further_actions=None)),
    ("decide_appeal", body("decide_appeal", upheld=1)),
]


def _loads(key: str, data: Any) -> bool:
    try:
        load_form(key, data, CONTEXT)
    except FormError:
        return False
    return True


@pytest.mark.parametrize(("key", "data"), CORPUS, ids=[f"{k}-{i}" for i, (k, _) in enumerate(CORPUS)])
def test_the_json_schema_accepts_what_the_form_accepts(key, data):
    assert (validation_errors(form_json_schema(key), data) == []) is _loads(key, data)


def test_the_corpus_has_both_verdicts():
    verdicts = {_loads(key, data) for key, data in CORPUS}
    assert verdicts == {True, False}


def test_with_the_jsonschema_package_if_installed():
    jsonschema = pytest.importorskip("jsonschema")
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    for key in KEYS:
        schema = form_json_schema(key)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
        for corpus_key, data in CORPUS:
            if corpus_key == key:
                assert validator.is_valid(data) is _loads(key, data), (key, data)
