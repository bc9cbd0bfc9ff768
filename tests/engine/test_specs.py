"""A diagram is checked when it is loaded: unsafe XML, non-BPMN and every broken convention are
refused with the element at fault."""

import pytest

from app.engine.specs import MAX_DIAGRAM_BYTES, DiagramInvalid, parse_process
from tests.engine.diagrams import HEADER, diagram


def problems_of(xml: str) -> list[tuple[str | None, str]]:
    with pytest.raises(DiagramInvalid) as caught:
        parse_process(xml.encode())
    return [(p.element, p.message) for p in caught.value.problems]


def test_a_good_diagram_parses_and_records_its_user_tasks():
    parsed = parse_process(diagram().encode())
    assert parsed.process_id == "tiny"
    assert parsed.user_tasks["ack"]["role"] == "community_safety_officer"
    assert parsed.user_tasks["ack"]["formKey"] == "acknowledge"


def test_parsing_is_cached_per_content():
    xml = diagram(process_id="cached").encode()
    assert parse_process(xml) is parse_process(xml)


@pytest.mark.parametrize(
    ("kwargs", "element", "fragment"),
    [
        ({"service": "launch_rockets"}, "svc", "Unknown handler 'launch_rockets'"),
        ({"script": "import os"}, "scr", "import"),
        ({"script": "x = ().__class__"}, "scr", "__class__"),
        ({"in_lane": False}, "ack", "must be in a lane"),
        ({"lane": "Wizards"}, "ack", "is not a role"),
        ({"task_props": {"stage": "acknowledgement"}}, "ack", "needs a formKey"),
        ({"task_props": {"formKey": "tea_order", "stage": "acknowledgement"}}, "ack", "Unknown form 'tea_order'"),
        ({"task_props": {"formKey": "acknowledge"}}, "ack", "needs a stage"),
        ({"task_props": {"formKey": "acknowledge", "stage": "acknowledgement", "deadline": "acknowledge"}},
         "ack", "needs a dueOn"),
        ({"task_props": {"formKey": "acknowledge", "stage": "acknowledgement", "dueOn": "__import__('os')"}},
         "ack", "dueOn"),
        ({"task_props": {"formKey": "acknowledge", "stage": "acknowledgement", "milestone": "party"}},
         "ack", "Unknown milestone 'party'"),
        ({"condition": "open('/etc/passwd')"}, "gw", "open"),
    ],
    ids=["unknown-handler", "script-imports", "script-dunder", "task-without-lane", "lane-not-a-role",
         "no-form-key", "unknown-form", "no-stage", "deadline-without-due", "due-expression-dunder",
         "unknown-milestone", "condition-opens-files"],
)  # fmt: skip
def test_each_broken_convention_is_refused_with_the_element_id(kwargs, element, fragment):
    found = problems_of(diagram(**kwargs))
    assert any(e == element and fragment in m for e, m in found), found


def test_every_problem_is_listed_at_once():
    found = problems_of(diagram(service="nope", script="import os", lane="Wizards"))
    assert {e for e, _ in found} >= {"svc", "scr", "ack"}


@pytest.mark.parametrize(
    ("xml", "fragment"),
    [
        (b"not xml at all", "Not well-formed XML"),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', "not allowed"),
        (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><x>&lol2;</x>',
         "not allowed"),
        (b'<?xml version="1.0"?><html><body/></html>', "Not a BPMN 2.0 diagram"),
        ((HEADER + "</bpmn:definitions>").encode(), "exactly one process"),
        (b"<x>" + b" " * MAX_DIAGRAM_BYTES + b"</x>", "larger than"),
    ],
    ids=["not-xml", "external-entity", "entity-expansion", "not-bpmn", "no-process", "oversized"],
)  # fmt: skip
def test_unsafe_or_foreign_xml_is_refused(xml, fragment):
    with pytest.raises(DiagramInvalid) as caught:
        parse_process(xml)
    assert fragment in caught.value.problems[0].message


@pytest.mark.parametrize(
    ("due", "fragment"),
    [
        ("add_working_days(recieved_on, 5)", "recieved_on"),
        ("add_working_days(received_on, 'five')", "does not evaluate"),
        ("received_on + 5", "does not evaluate"),
        ("len(received_on)", "does not give a date"),
    ],
    ids=["misspelt-name", "days-not-a-number", "adds-to-a-string", "not-a-date"],
)
def test_a_due_expression_that_does_not_evaluate_is_refused_at_load(due, fragment):
    props = {"formKey": "acknowledge", "stage": "acknowledgement", "dueOn": due, "deadline": "acknowledge"}
    found = problems_of(diagram(task_props=props))
    assert any(e == "ack" and fragment in m for e, m in found), found


def test_the_shipped_diagrams_load():
    from pathlib import Path

    for path in sorted(Path(__file__).resolve().parents[2].joinpath("processes").glob("*.bpmn")):
        assert parse_process(path.read_bytes()).process_id == path.stem
