"""How a diagram is drawn, checked on its XML before SpiffWorkflow reads it, in plain words.

SpiffWorkflow's parser stops at the first thing it cannot read and says it in its own terms
("Process X is not executable.", "Multiple outgoing flows are not supported for tasks of type",
a Python ``TypeError``). Diagrams come from other tools (Camunda Modeler, bpmn.io, Signavio), so
what those tools draw and the engine cannot run is looked for here first, every element at
once, and said as what to change, naming the element (its id, and its name where it has one).
Whatever the parser still refuses is translated by ``engine_problem``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from lxml import etree

BPMN_NAMESPACE = "http://www.omg.org/spec/BPMN/20100524/MODEL"
_B = f"{{{BPMN_NAMESPACE}}}"

logger = logging.getLogger(__name__)

# BPMN's flow nodes, and the words a process owner knows them by.
FLOW_NODES = {
    "task": "task", "userTask": "user task", "serviceTask": "service task", "scriptTask": "script task",
    "manualTask": "manual task", "sendTask": "send task", "receiveTask": "receive task",
    "businessRuleTask": "business rule task", "callActivity": "call activity", "subProcess": "sub-process",
    "adHocSubProcess": "ad hoc sub-process", "transaction": "transaction", "startEvent": "start event",
    "endEvent": "end event", "intermediateCatchEvent": "catch event", "intermediateThrowEvent": "throw event",
    "boundaryEvent": "boundary event", "exclusiveGateway": "exclusive gateway",
    "parallelGateway": "parallel gateway", "inclusiveGateway": "inclusive gateway",
    "eventBasedGateway": "event-based gateway", "complexGateway": "complex gateway",
}  # fmt: skip
_WORDS = {**FLOW_NODES, "sequenceFlow": "flow", "process": "process"}
# What the engine runs (SpiffBpmnParser.PARSER_CLASSES), less what a ctflow diagram cannot use.
RUNNABLE = set(FLOW_NODES) - {"businessRuleTask", "complexGateway"}
SUB_PROCESSES = {"subProcess", "transaction", "adHocSubProcess"}
# The only elements that may split the way into several outgoing flows.
SPLITTERS = {"startEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
             "complexGateway"}  # fmt: skip
CONDITIONAL = {"exclusiveGateway", "inclusiveGateway"}
_TIMES = ("timeDate", "timeDuration", "timeCycle")


@dataclass(frozen=True)
class Finding:
    """A problem found on the XML; ``blocking`` when the engine could not read the diagram with it."""

    element: str | None
    message: str
    blocking: bool = True


def describe(node) -> str:
    """'user task "Acknowledge the application"', or 'user task' when it has no name."""
    kind = FLOW_NODES.get(etree.QName(node).localname, etree.QName(node).localname)
    name = " ".join((node.get("name") or "").split())
    return f'{kind} "{name}"' if name else kind


def choose_process(root) -> tuple[object | None, list[Finding]]:
    """The process a diagram holds, and why it may not be the only one.

    A pool with no steps (a black-box participant such as "Resident", or the empty process
    Camunda Modeler adds for a new pool) is documentation and is let be; several pools with
    steps are named, pool and process, and the first is checked on so that its problems are
    listed too."""
    processes = root.findall(f"{_B}process")
    pools = {p.get("processRef"): p.get("name") for p in root.iter(f"{_B}participant") if p.get("processRef")}
    if not processes:
        return None, [
            Finding(
                None,
                "A diagram must hold exactly one process; this one holds none: draw the case's steps in a process (one pool).",
            )
        ]
    with_steps = [p for p in processes if any(_local(c) in FLOW_NODES for c in p)]
    candidates = with_steps or processes
    findings = []
    if len(candidates) > 1:
        named = "; ".join(_process_words(p, pools) for p in candidates)
        findings.append(
            Finding(
                None,
                f"A diagram must hold exactly one process, the case's; this one holds {len(candidates)}: "
                f"{named}. Keep the case's process and draw what the others do as lanes in it (a partner's "
                "work in the Partner agency lane); a pool with no steps may stay.",
                blocking=False,
            )
        )
    chosen = next((p for p in candidates if p.get("isExecutable") == "true"), candidates[0])
    if not chosen.get("id"):
        findings.append(Finding(None, "The process has no id; give it the key it is saved under."))
    return chosen, findings


def _process_words(process, pools: dict) -> str:
    pool = pools.get(process.get("id"))
    name = process.get("name")
    words = f"process {process.get('id')!r}"
    if name and name != pool:
        words += f" ({name})"
    return f"{words} in pool {pool!r}" if pool else words


def structure_problems(process) -> list[Finding]:
    """Everything in ``process`` (and its sub-processes) that the engine would refuse, all at once."""
    findings = []
    if process.get("isExecutable") != "true":
        findings.append(
            Finding(
                process.get("id"),
                'The process is marked as not executable (isExecutable="false", what bpmn.io and Signavio '
                'save unless told otherwise): tick "Executable" in the process\'s properties.',
                blocking=False,
            )
        )
    scopes = [process] + [n for n in process.iter(*(f"{_B}{s}" for s in SUB_PROCESSES))]
    for scope in scopes:
        findings += _scope_problems(scope, is_process=scope is process)
    return findings


def _scope_problems(scope, is_process: bool) -> list[Finding]:
    nodes = {n.get("id"): n for n in scope if _local(n) in FLOW_NODES and n.get("id")}
    flows = [f for f in scope if _local(f) == "sequenceFlow"]
    findings = []
    kinds = [_local(n) for n in nodes.values()]
    starts, ends = kinds.count("startEvent"), kinds.count("endEvent")
    event_sub_process = scope.get("triggeredByEvent") == "true"
    if is_process and not starts:
        findings.append(
            Finding(scope.get("id"), "The process has no start event: draw one where a case begins.")
        )
    elif not is_process and _local(scope) != "adHocSubProcess" and (starts != 1 or not ends):
        where = describe(scope)
        if starts != 1:
            findings.append(
                Finding(
                    scope.get("id"), f"The {where} needs exactly one start event inside it; it has {starts}."
                )
            )
        if not ends and not event_sub_process:
            findings.append(Finding(scope.get("id"), f"The {where} needs an end event inside it."))
    outgoing: dict[str, list] = {}
    for flow in flows:
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        outgoing.setdefault(source, []).append(flow)
        missing = [ref for ref in (source, target) if ref not in nodes]
        if missing:
            findings.append(
                Finding(
                    flow.get("id"),
                    f"This sequence flow connects {', '.join(repr(m) for m in missing)}, which is not a step "
                    "in the same process or sub-process: connect it to a step drawn there (a flow cannot "
                    "cross a sub-process's border).",
                )
            )
    for element, node in nodes.items():
        findings += _node_problems(element, node, outgoing.get(element, []))
    return findings


def _node_problems(element: str, node, outgoing: list) -> list[Finding]:
    kind = _local(node)
    findings = _foreign_settings(element, node)
    if kind not in RUNNABLE:
        findings.append(
            Finding(
                element,
                f"A {FLOW_NODES[kind]} is not something a case can run: "
                + (
                    "use an exclusive, parallel or inclusive gateway."
                    if kind.endswith("Gateway")
                    else "use a service task with one of our handlers, or a script task."
                ),
            )
        )
    if kind == "callActivity":
        called = node.get("calledElement")
        findings.append(
            Finding(
                element,
                f"The {describe(node)} calls another process ({called!r}); a diagram holds one process, so "
                "draw those steps here as an embedded sub-process."
                if called
                else f"The {describe(node)} calls no process; draw its steps here as an embedded sub-process.",
            )
        )
    if len(outgoing) > 1 and kind not in SPLITTERS:
        findings.append(
            Finding(
                element,
                f"The {describe(node)} has {len(outgoing)} outgoing flows, and only a gateway may split the way: "
                "draw a parallel gateway after it to go down every flow, or an exclusive gateway to choose "
                "one by a condition.",
                blocking=False,  # read as a parallel split (split_for_reading) to check the rest
            )
        )
    if kind in CONDITIONAL and len(outgoing) > 1:
        default = node.get("default")
        for flow in outgoing:
            condition = flow.find(f"{_B}conditionExpression")
            if flow.get("id") != default and (condition is None or not (condition.text or "").strip()):
                findings.append(
                    Finding(
                        element,
                        f"The {describe(node)}'s flow {flow.get('id')!r} has no condition and is not the "
                        "default: give it a condition, or make it the gateway's default flow.",
                    )
                )
    definitions = [c for c in node if _local(c).endswith("EventDefinition")]
    if kind in ("intermediateCatchEvent", "boundaryEvent") and not definitions:
        findings.append(
            Finding(
                element,
                f"The {describe(node)} waits for nothing: give it a timer, or a message such as appeal_lodged.",
            )
        )
    for definition in definitions:
        findings += _definition_problems(element, node, definition)
    return findings


# Settings other engines read from attributes of their own (camunda:formKey, zeebe:..., activiti:...).
# (Signavio's metadata is colours and revision ids: nothing a process owner expects to run.)
_OURS = {
    BPMN_NAMESPACE, "http://spiffworkflow.org/bpmn/schema/1.0/core", "http://www.w3.org/2001/XMLSchema-instance",
    "http://www.signavio.com",
}  # fmt: skip


def _foreign_settings(element: str, node) -> list[Finding]:
    prefixes = {uri: prefix for prefix, uri in node.nsmap.items() if prefix}
    extensions = [c.tag for e in node.iterfind(f"{_B}extensionElements") for c in e if isinstance(c.tag, str)]
    names = [
        f"{prefixes.get(etree.QName(n).namespace, 'ns')}:{etree.QName(n).localname}"
        for n in [*node.attrib, *extensions]
        if etree.QName(n).namespace and etree.QName(n).namespace not in _OURS
    ]
    if not names:
        return []
    return [
        Finding(
            element,
            f"Its {', '.join(names)} {'is' if len(names) == 1 else 'are'} another engine's settings, not read "
            "here: the role is the lane, and the form, stage and time limit are the Community Trigger "
            "properties (processes/README.md).",
            blocking=False,
        )
    ]


def _definition_problems(element: str, node, definition) -> list[Finding]:
    kind = _local(definition)
    if kind == "timerEventDefinition":
        times = [c for c in definition if _local(c) in _TIMES and (c.text or "").strip()]
        if len(times) != 1:
            return [
                Finding(
                    element,
                    f"The {describe(node)}'s timer needs one time (a date, a duration or a cycle); it has "
                    f"{len(times)}. Write it as an expression, e.g. end_of_day(add_days(notified_on, 28)).",
                )
            ]
    what = kind.removesuffix("EventDefinition")
    reference = definition.get(f"{what}Ref")
    if kind in ("messageEventDefinition", "signalEventDefinition") and not reference:
        return [
            Finding(
                element, f"The {describe(node)}'s {what} names no {what}: choose one (e.g. appeal_lodged)."
            )
        ]
    if reference and reference not in _ids_of(definition, what):
        # SpiffWorkflow 3.2 fails on this with a TypeError of its own.
        return [
            Finding(
                element,
                f"The {describe(node)} refers to {what} {reference!r}, which the diagram does not define: "
                f"choose one of its {what}s, or add it.",
            )
        ]
    return []


def _ids_of(node, kind: str) -> set[str]:
    """The ids of the diagram's top-level definitions of ``kind`` (message, signal, error, escalation)."""
    return {d.get("id") for d in node.getroottree().getroot().iterfind(f"{_B}{kind}")}


def split_for_reading(process) -> None:
    """Read a step with several outgoing flows as Camunda does, as a parallel split, so that
    the rest of the diagram is checked too (the step is still a problem, listed above). Only
    the copy the checks read is changed."""
    for scope in [process, *process.iter(*(f"{_B}{s}" for s in SUB_PROCESSES))]:
        nodes = {n.get("id"): n for n in scope if _local(n) in FLOW_NODES}
        outgoing: dict[str, list] = {}
        for flow in scope.iterfind(f"{_B}sequenceFlow"):
            outgoing.setdefault(flow.get("sourceRef"), []).append(flow)
        for element, flows in outgoing.items():
            node = nodes.get(element)
            if node is None or len(flows) < 2 or _local(node) in SPLITTERS:
                continue
            split = etree.SubElement(scope, f"{_B}parallelGateway", id=f"{element}__split")
            etree.SubElement(scope, f"{_B}sequenceFlow", id=f"{element}__to_split", sourceRef=element,
                             targetRef=split.get("id"))  # fmt: skip
            for flow in flows:
                flow.set("sourceRef", split.get("id"))


def _local(node) -> str:
    tag = node.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


# SpiffWorkflow's wording -> ours, for what it still refuses after the checks above.
_ENGINE_WORDS = [
    # SpiffWorkflow reads the steps by recursion from the start event: about 490 in a row is its end.
    (re.compile(r"RecursionError|maximum recursion depth"),
     "The diagram has more steps one after another than the engine can read (it stopped at {where}); "
     "a case needs a few dozen: draw fewer steps in a row, or look for flows drawn by mistake."),
    (re.compile(r"is not executable"), "The process is marked as not executable: tick \"Executable\" in its properties."),
    (re.compile(r"No start event found"), "The process has no start event: draw one where a case begins."),
    (re.compile(r"Multiple outgoing flows are not supported"),
     "{what} has several outgoing flows, and only a gateway may split the way: draw a gateway after it."),
    (re.compile(r"without condition"),
     "{what} has a flow with no condition that is not the default: give it a condition or make it the default."),
    (re.compile(r"no support implemented for this task type"), "{what} is not something a case can run."),
    (re.compile(r"Time Specification"),
     "{what}'s timer cannot be read: write its time as an expression, e.g. end_of_day(add_days(notified_on, 28))."),
    (re.compile(r"Duplicate process ID"), "Two processes have the same id: give each its own."),
    (re.compile(r"multiinstance task must specify"),
     "{what} repeats for each item of a list but names no list: set its input collection (e.g. agencies) "
     "and input element (e.g. agency)."),
    (re.compile(r"loopMaximum or loopCondition"),
     "{what} is a loop with no end: give it a loop condition or a maximum, or draw the loop with a gateway."),
    (re.compile(r"Cannot resolve data(Input|Output)Association"),
     "{what} reads or writes a data object the diagram does not have: remove the association, or draw it."),
    (re.compile(r"Could not find messageRef|messageRef"), "{what}'s message is not defined in the diagram."),
]  # fmt: skip


def engine_problem(exc: Exception) -> tuple[str | None, str]:
    """(element, plain message) for what SpiffWorkflow refused; never its own words, which are logged."""
    element = getattr(exc, "id", None) or getattr(getattr(exc, "task_spec", None), "bpmn_id", None) or None
    name = " ".join((getattr(exc, "name", None) or "").split())
    tag = (getattr(exc, "tag", None) or "").removeprefix("bpmn:")
    kind = _WORDS.get(tag, tag)
    what = (f'The {kind} "{name}"' if name else f"The {kind}") if tag else "This element"
    text = str(exc.args[0]) if getattr(exc, "args", None) else str(exc)
    logger.info("SpiffWorkflow refused a diagram at %s: %s", element, text)
    if isinstance(exc, RecursionError):
        text = "RecursionError"
    where = f"{kind} {element!r}" if element else "a step"
    for pattern, plain in _ENGINE_WORDS:
        if pattern.search(text):
            return element, plain.format(what=what, where=where)
    return element, (
        f"{what} cannot be run as drawn: check its type and settings against the conventions "
        "(processes/README.md), or draw it again in the studio."
    )
