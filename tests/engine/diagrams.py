"""Small diagrams for engine tests, built from one template so each test changes one thing."""

from __future__ import annotations

HEADER = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
    id="defs" targetNamespace="http://bpmn.io/schema/bpmn">"""


def properties(**props: str) -> str:
    rows = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in props.items())
    return f"<bpmn:extensionElements><spiffworkflow:properties>{rows}</spiffworkflow:properties></bpmn:extensionElements>"


def diagram(
    *,
    process_id: str = "tiny",
    lane: str = "Community safety officer",
    task_props: dict | None = None,
    extra: str = "",
    in_lane: bool = True,
    service: str | None = None,
    script: str | None = None,
    condition: str = "True",
) -> str:
    task_props = {"formKey": "acknowledge", "stage": "acknowledgement", "dueOn": "add_working_days(received_on, 5)",
                  "deadline": "acknowledge", "doneOn": "sent_on", "milestone": "acknowledged"} if task_props is None \
        else task_props  # fmt: skip
    refs = "<bpmn:flowNodeRef>ack</bpmn:flowNodeRef>" if in_lane else ""
    middle = "ack"
    tail = ""
    if service:
        tail += f"""<bpmn:serviceTask id="svc"><bpmn:extensionElements>
            <spiffworkflow:serviceTaskOperator id="{service}"><spiffworkflow:parameters>
            <spiffworkflow:parameter id="letter" type="str" value="'CT1'"/></spiffworkflow:parameters>
            </spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"""
    if script:
        tail += f'<bpmn:scriptTask id="scr"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>'
    after = "svc" if service else ("scr" if script else "gw")
    flows = f"""
        <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="{middle}"/>
        <bpmn:sequenceFlow id="f2" sourceRef="ack" targetRef="{after}"/>"""
    if service and script:
        flows += '<bpmn:sequenceFlow id="f3" sourceRef="svc" targetRef="scr"/><bpmn:sequenceFlow id="f4" sourceRef="scr" targetRef="gw"/>'
    elif service:
        flows += '<bpmn:sequenceFlow id="f3" sourceRef="svc" targetRef="gw"/>'
    elif script:
        flows += '<bpmn:sequenceFlow id="f3" sourceRef="scr" targetRef="gw"/>'
    return f"""{HEADER}
  <bpmn:process id="{process_id}" isExecutable="true">
    <bpmn:laneSet id="lanes"><bpmn:lane id="lane1" name="{lane}">{refs}</bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start">{properties(milestone="received", doneOn="received_on")}</bpmn:startEvent>
    <bpmn:userTask id="ack" name="Acknowledge the application">{properties(**task_props)}</bpmn:userTask>
    {tail}
    <bpmn:exclusiveGateway id="gw" default="f_default"/>
    <bpmn:sequenceFlow id="f_yes" sourceRef="gw" targetRef="done">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f_default" sourceRef="gw" targetRef="done"/>
    <bpmn:endEvent id="done">{properties(milestone="closed")}</bpmn:endEvent>
    {flows}
    {extra}
  </bpmn:process>
</bpmn:definitions>"""
