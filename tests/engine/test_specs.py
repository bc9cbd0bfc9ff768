"""A diagram is checked when it is loaded: unsafe XML, non-BPMN and every broken convention are
refused with the element at fault."""

import pytest

from app.engine.specs import MAX_DIAGRAM_BYTES, DiagramInvalid, parse_process
from tests.engine.diagrams import HEADER, diagram, properties


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


SUB_PROCESS = f"""{HEADER}
  <bpmn:process id="tiny" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane1" name="Community safety officer">
      <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>stage</bpmn:flowNodeRef>
    </bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start"/>
    <bpmn:subProcess id="stage" name="Threshold stage">
      <bpmn:startEvent id="stage_start"/>
      <bpmn:userTask id="decide" name="Decide">{{decide}}</bpmn:userTask>
      <bpmn:endEvent id="stage_end"/>
      <bpmn:sequenceFlow id="s1" sourceRef="stage_start" targetRef="decide"/>
      <bpmn:sequenceFlow id="s2" sourceRef="decide" targetRef="stage_end"/>
    </bpmn:subProcess>
    <bpmn:endEvent id="done"/>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="stage"/>
    <bpmn:sequenceFlow id="f2" sourceRef="stage" targetRef="done"/>
  </bpmn:process>
</bpmn:definitions>"""
DECIDE = properties(formKey="threshold_decision", stage="threshold",
                    dueOn="add_working_days(received_on, 15)", deadline="threshold_decision")  # fmt: skip


def test_user_tasks_inside_a_sub_process_are_read_and_checked():
    parsed = parse_process(SUB_PROCESS.replace("{decide}", DECIDE).encode())
    assert parsed.user_tasks["decide"]["formKey"] == "threshold_decision"
    assert parsed.user_tasks["decide"]["role"] == "community_safety_officer"  # the sub-process's lane
    found = problems_of(SUB_PROCESS.replace("{decide}", properties(formKey="tea_order")))
    assert ("decide", "Unknown form 'tea_order'.") in found
    assert any(e == "decide" and "needs a stage" in m for e, m in found), found


def test_a_user_task_in_a_sub_process_outside_any_lane_is_refused():
    outside = SUB_PROCESS.replace("{decide}", DECIDE).replace(
        "<bpmn:flowNodeRef>stage</bpmn:flowNodeRef>", ""
    )
    assert ("decide", "A user task must be in a lane (the lane is the role).") in problems_of(outside)


def test_a_not_executable_process_is_said_plainly_and_the_rest_is_still_checked():
    found = problems_of(diagram(lane="Wizards").replace('isExecutable="true"', 'isExecutable="false"'))
    assert any(e == "tiny" and 'marked as not executable (isExecutable="false"' in m for e, m in found), found
    assert any(e == "ack" and "is not a role" in m for e, m in found), found
    assert not any("SpiffWorkflow" in m or ".." in m for _, m in found), found


def test_several_processes_are_named_with_their_pools_and_the_case_s_is_still_checked():
    pools = """<bpmn:collaboration id="c">
      <bpmn:participant id="p1" name="Council" processRef="tiny"/>
      <bpmn:participant id="p2" name="Police" processRef="police"/>
      <bpmn:participant id="p3" name="Resident"/>
    </bpmn:collaboration>"""
    police = '<bpmn:process id="police"><bpmn:startEvent id="p_start"/></bpmn:process>'
    empty = '<bpmn:process id="notes" isExecutable="false"/>'
    xml = (
        diagram(lane="Wizards")
        .replace(HEADER, HEADER + pools)
        .replace("</bpmn:definitions>", police + empty + "</bpmn:definitions>")
    )
    found = problems_of(xml)
    assert (None, "A diagram must hold exactly one process, the case's; this one holds 2: process 'tiny' in pool "
                  "'Council'; process 'police' in pool 'Police'. Keep the case's process and draw what the others "
                  "do as lanes in it (a partner's work in the Partner agency lane); a pool with no steps may "
                  "stay.") in found  # fmt: skip
    assert any(e == "ack" and "is not a role" in m for e, m in found), found


def test_a_pool_with_no_steps_is_left_be():
    pools = '<bpmn:collaboration id="c"><bpmn:participant id="p1" name="Council" processRef="tiny"/>' \
            '<bpmn:participant id="p2" name="Police" processRef="police"/></bpmn:collaboration>'  # fmt: skip
    xml = (
        diagram()
        .replace(HEADER, HEADER + pools)
        .replace("</bpmn:definitions>", '<bpmn:process id="police" isExecutable="false"/></bpmn:definitions>')
    )
    assert parse_process(xml.encode()).process_id == "tiny"


def test_what_the_engine_still_refuses_is_translated_never_shown(monkeypatch):
    from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
    from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

    def refuse(self, process_id):
        raise ValidationException("TypeError('NodeParser.whatever() got an unexpected keyword')", id="ack",
                                  name="Acknowledge the application", tag="bpmn:userTask")  # fmt: skip

    monkeypatch.setattr(SpiffBpmnParser, "get_spec", refuse)
    [(element, message)] = problems_of(diagram(process_id="refused"))
    assert element == "ack"
    assert message.startswith('The user task "Acknowledge the application" cannot be run as drawn')
    assert "TypeError" not in message and "NodeParser" not in message


def test_both_readmes_state_the_upload_size_limit_the_code_enforces():
    # Issue 13: README said 2 MB while uploads were cut at 1 MB.
    import re
    from pathlib import Path

    from app.config import Config

    root = Path(__file__).resolve().parents[2]
    assert MAX_DIAGRAM_BYTES == Config.MAX_CONTENT_LENGTH == 1024 * 1024
    for readme in (root / "README.md", root / "processes" / "README.md"):
        stated = re.findall(r"\b(\d+) MB at most|at most (\d+) MB", readme.read_text())
        assert [int(a or b) for a, b in stated] == [1], (readme, stated)


def test_more_steps_in_a_row_than_the_engine_reads_is_a_plain_problem():
    # SpiffWorkflow parses by recursion from the start event; 3,000 tasks in a row (266 KB) ended in
    # its RecursionError, wrapped in its own words.
    tasks = "".join(f'<bpmn:task id="t{i}"/>' for i in range(3000))
    flows = "".join(
        f'<bpmn:sequenceFlow id="f{i}" sourceRef="t{i}" targetRef="t{i + 1}"/>' for i in range(2999)
    )
    xml = (f'{HEADER}<bpmn:process id="long" isExecutable="true"><bpmn:startEvent id="start"/>{tasks}'
           f'<bpmn:endEvent id="end"/><bpmn:sequenceFlow id="f_s" sourceRef="start" targetRef="t0"/>{flows}'
           '<bpmn:sequenceFlow id="f_e" sourceRef="t2999" targetRef="end"/></bpmn:process></bpmn:definitions>')  # fmt: skip
    [(element, message)] = problems_of(xml)
    assert element.startswith("t") and "more steps one after another than the engine can read" in message
    assert "Recursion" not in message
