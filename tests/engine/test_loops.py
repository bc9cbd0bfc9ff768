"""A loop with nothing to wait for: refused when uploaded, and stopped by the engine if one runs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from app.domain.calendar import calendar_for
from app.engine.runtime import MAX_AUTOMATIC_STEPS, CaseRun, WorkflowError
from app.engine.specs import parse_process
from app.services.process_versions import check_loops
from tests.engine.diagrams import diagram

# After the task: a script and a gateway that sends the case back to the script, always.
LOOP = """
    <bpmn:scriptTask id="count"><bpmn:script>laps = 1</bpmn:script></bpmn:scriptTask>
    <bpmn:exclusiveGateway id="again" default="f_out"/>
    <bpmn:sequenceFlow id="f_into" sourceRef="ack" targetRef="count"/>
    <bpmn:sequenceFlow id="f_count" sourceRef="count" targetRef="again"/>
    <bpmn:sequenceFlow id="f_back" sourceRef="again" targetRef="count">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_out" sourceRef="again" targetRef="gw"/>"""
# The same shape, but the way back goes through the user task: a case waits there each time.
REWORK = """
    <bpmn:exclusiveGateway id="again" default="f_out"/>
    <bpmn:sequenceFlow id="f_into" sourceRef="ack" targetRef="again"/>
    <bpmn:sequenceFlow id="f_back" sourceRef="again" targetRef="ack">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">sent_on is None</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_out" sourceRef="again" targetRef="gw"/>"""


def _with(extra: str) -> bytes:
    # The template's ack -> gw flow is replaced by the flows of ``extra``.
    xml = diagram(extra=extra).replace('<bpmn:sequenceFlow id="f2" sourceRef="ack" targetRef="gw"/>', "")
    assert 'id="f2"' not in xml
    return xml.encode()


def test_a_loop_with_no_task_or_wait_is_refused_naming_its_steps():
    [problem] = check_loops(parse_process(_with(LOOP)))
    assert problem.element in {"count", "again"}
    assert "count" in problem.message and "again" in problem.message
    assert "go round for ever" in problem.message


@pytest.mark.parametrize("extra", [REWORK, ""])
def test_a_loop_through_a_task_is_fine(extra):
    xml = _with(extra) if extra else diagram().encode()
    assert check_loops(parse_process(xml)) == []


def test_the_shipped_diagrams_have_no_endless_loop():
    from pathlib import Path

    for path in (Path(__file__).resolve().parents[2] / "processes").glob("*.bpmn"):
        assert check_loops(parse_process(path.read_bytes())) == [], path.name


def test_the_engine_stops_a_loop_that_runs_and_names_the_element():
    now = datetime(2026, 12, 14, 9, tzinfo=UTC)
    run = CaseRun(parse_process(_with(LOOP)), calendar_for("england"), now, date(2026, 12, 14), {})
    workflow = run.start({"received_on": "2026-12-14"})
    [task] = run.snapshot(workflow).open_tasks
    with pytest.raises(WorkflowError) as failure:
        run.complete_user_task(workflow, task.spiff_id, {"sent_on": "2026-12-14"})
    assert failure.value.element in {"count", "again"}
    assert f"more than {MAX_AUTOMATIC_STEPS} automatic steps" in str(failure.value)


def _sub_process(inner: str) -> str:
    """After the task, a sub-process holding ``inner`` (between its start and end), and a gateway
    that always sends the case back into the sub-process."""
    return f"""
    <bpmn:subProcess id="stage"><bpmn:startEvent id="stage_start"/>{inner}<bpmn:endEvent id="stage_end"/>
      <bpmn:sequenceFlow id="s1" sourceRef="stage_start" targetRef="inner"/>
      <bpmn:sequenceFlow id="s2" sourceRef="inner" targetRef="stage_end"/></bpmn:subProcess>
    <bpmn:exclusiveGateway id="again" default="f_out"/>
    <bpmn:sequenceFlow id="f_into" sourceRef="ack" targetRef="stage"/>
    <bpmn:sequenceFlow id="f_stage" sourceRef="stage" targetRef="again"/>
    <bpmn:sequenceFlow id="f_back" sourceRef="again" targetRef="stage">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">True</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_out" sourceRef="again" targetRef="gw"/>"""


def test_a_loop_through_a_sub_process_of_scripts_alone_is_refused():
    scripts = '<bpmn:scriptTask id="inner"><bpmn:script>laps = 1</bpmn:script></bpmn:scriptTask>'
    [problem] = check_loops(parse_process(_with(_sub_process(scripts))))
    assert "stage" in problem.message and "again" in problem.message


def test_a_loop_through_a_sub_process_with_a_user_task_waits_there():
    task = ('<bpmn:userTask id="inner" name="Rework"><bpmn:extensionElements><spiffworkflow:properties>'
            '<spiffworkflow:property name="formKey" value="acknowledge"/>'
            '<spiffworkflow:property name="stage" value="acknowledgement"/>'
            "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>")  # fmt: skip
    xml = _with(_sub_process(task)).replace(
        b"<bpmn:flowNodeRef>ack", b"<bpmn:flowNodeRef>stage</bpmn:flowNodeRef><bpmn:flowNodeRef>ack"
    )
    assert check_loops(parse_process(xml)) == []
