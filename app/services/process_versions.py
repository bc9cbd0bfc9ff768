"""Process owners' changes to their council's process: upload a version, put it live, compare two.

Every diagram is checked as the engine checks it (app/engine/specs.py: safe XML, conventions,
sandboxed expressions, dry-run dates), plus what the statutory reports need: the deadlines they
are counted against. Running cases keep the version they started on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from typing import Any

from sqlalchemy.exc import IntegrityError

from app import clock
from app.engine import isolation
from app.engine.properties import instance_spec, role_for_lane, task_properties
from app.engine.specs import (
    DiagramInvalid,
    ParsedProcess,
    Problem,
    as_utf8,
    parse_process,
    timer_definitions,
)
from app.engine.structure import BPMN_NAMESPACE, FLOW_NODES, describe
from app.extensions import db
from app.models import ProcessAudit, ProcessVersion, Role, User
from app.services import audit, councils
from app.services.processes import activate, parsed, save_version
from app.store import processes as process_store

# The deadlines the statutory reports and letters are counted against (issue 7's list).
STATUTORY_DEADLINES = ("acknowledge", "threshold_decision", "case_review", "appeal_window")
OWNER_ROLES = {Role.PROCESS_OWNER, Role.ADMIN}


class ProcessNotFound(Exception):
    pass


class ProcessForbidden(Exception):
    pass


class ProcessConflict(Exception):
    """Concurrent uploads kept taking the next version number."""


# Two owners saving at once race for the next version number; the loser reads again.
SAVE_ATTEMPTS = 3


def owned_councils(user: User) -> list[str]:
    return [c for c in user.council_ids if user.roles_in(c) & OWNER_ROLES]


def studio_councils(user: User) -> list[str]:
    """The councils whose processes the user may see: those where they hold a studio role.
    Processes, versions, diffs and the owners' e-mail addresses in their history are for
    those staff only (issue 13: "for staff with a role in the studio"); anyone else gets 403."""
    owned = owned_councils(user)
    if not owned:
        raise ProcessForbidden("Only a council's process owners (and its admins) can see its processes.")
    return owned


def councils_running(user: User, process_key: str) -> list[str]:
    """The user's studio councils that run ``process_key``; a process none of them runs is
    not found, as another council's case is (spec/API.md: never reveal that it exists)."""
    running = [c for c in studio_councils(user) if process_key in keys_of(c)]
    if not running:
        raise ProcessNotFound(process_key)
    return running


def keys_of(council_id: str) -> set[str]:
    """The process keys a council may run: its configured one, and the one it runs now."""
    keys = {councils.policy_for(council_id).process_key}
    live = process_store.active_version_for(council_id)
    if live is not None:
        keys.add(live.process_key)
    return keys


def check_statutory_deadlines(process: ParsedProcess) -> list[Problem]:
    present = {task_properties(spec).get("deadline") for spec in process.element_specs()}
    return [
        Problem(None, f"The diagram has no {key!r} deadline, which the statutory reports need.")
        for key in STATUTORY_DEADLINES
        if key not in present
    ]


def check_reachable(process: ParsedProcess, xml: bytes) -> list[Problem]:
    """Every step drawn can be reached from the start. SpiffWorkflow builds only what it reaches
    by following the flows from the start event (of the process, and of each sub-process it
    reaches), so a step drawn but not reached is in the XML and not in the parsed process."""
    from lxml import etree

    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    drawn = [
        node
        for process_node in root.iterfind(f"{{{BPMN_NAMESPACE}}}process")
        if process_node.get("id") == process.process_id
        for node in process_node.iter(f"{{{BPMN_NAMESPACE}}}*")
        if etree.QName(node).localname in FLOW_NODES and node.get("id")
    ]
    parsed_ids = {spec.bpmn_id for spec in process.element_specs()}
    return [
        Problem(node.get("id"), f"This {describe(node)} cannot be reached from the start event.")
        for node in drawn
        if node.get("id") not in parsed_ids
    ]


# Elements where a case stops and waits (for a person, a message or a timer). A loop through
# none of them would make the engine run round it for ever.
WAITING_ELEMENTS = {"IntermediateCatchEvent", "BoundaryEvent", "EventBasedGateway", "ReceiveTask"}


def _waits(spec, waiting_subprocesses: set[str]) -> bool:
    return (
        getattr(instance_spec(spec), "manual", False)
        or getattr(spec, "manual", False)
        or type(spec).__name__ in WAITING_ELEMENTS
        or getattr(spec, "spec", None) in waiting_subprocesses  # a sub-process with a wait inside
    )


def check_loops(process: ParsedProcess) -> list[Problem]:
    """Every loop has a task or a wait in it: a loop of gateways, scripts and service tasks alone
    would keep a worker busy for ever (the engine also stops after MAX_AUTOMATIC_STEPS). A
    sub-process is a spec of its own: its loops are looked for in it."""
    waiting: set[str] = set()
    while True:  # sub-processes with a wait inside, sub-processes in them included
        more = {
            name
            for name, sub in process.subprocess_specs.items()
            if any(_waits(t, waiting) for t in sub.task_specs.values())
        }
        if more <= waiting:
            break
        waiting |= more
    problems = []
    for spec in [process.spec, *process.subprocess_specs.values()]:
        problems += _loops_in(spec.task_specs, waiting)
    return problems


def _loops_in(task_specs: dict, waiting_subprocesses: set[str]) -> list[Problem]:
    automatic = {name for name, spec in task_specs.items() if not _waits(spec, waiting_subprocesses)}
    graph = {name: {p.name for p in task_specs[name].inputs if p.name in automatic} for name in automatic}
    problems = []
    while True:
        try:
            TopologicalSorter(graph).prepare()
            return problems
        except CycleError as exc:
            cycle = list(dict.fromkeys(exc.args[1]))
        named = [task_specs[n].bpmn_id for n in cycle if getattr(task_specs[n], "bpmn_id", None)]
        problems.append(
            Problem(
                named[0] if named else None,
                f"These steps loop with no task or wait between them, so a case would go round for ever: "
                f"{', '.join(named or cycle)}.",
            )
        )
        for name in cycle:  # look for further loops without this one
            graph.pop(name, None)
        for predecessors in graph.values():
            predecessors.difference_update(cycle)


def title_of(version: ProcessVersion) -> str:
    """The process as people call it: the name its diagram gives the process ("Community
    Trigger: Derbyshire"), never its key; the key in words when the diagram names none."""
    name = parsed(version).spec.description
    return (
        name if name and name != version.process_key else version.process_key.replace("_", " ").capitalize()
    )


def require_owner_of_process(user: User, process_key: str) -> None:
    if not any(process_key in keys_of(c) for c in owned_councils(user)):
        raise ProcessForbidden("Only a process owner of a council that runs this process can change it.")


def diagram_problems(process_key: str, xml: bytes) -> list[Problem]:
    """Every problem with a diagram offered as a version of ``process_key``, all at once: what
    the engine refuses, steps that cannot be reached, and deadlines the reports need.

    The diagram's code runs here for the first time, so the check runs in a child process under
    hard limits on time and memory (app/engine/isolation.py); going past them is a problem of the
    element whose code was running, and the server's other requests never wait for it."""
    try:
        return isolation.run_isolated(_diagram_problems, process_key, xml)
    except isolation.LimitBreached as exc:
        return [Problem(exc.element, f"Its code went past the limits diagram code runs under: {exc}")]


def _diagram_problems(process_key: str, xml: bytes) -> list[Problem]:
    try:
        xml = as_utf8(xml)
        checked, problems, process_id = parse_process(xml), [], None
    except DiagramInvalid as exc:
        checked, problems, process_id = exc.parsed, list(exc.problems), exc.process_id
    if checked is not None:
        process_id = checked.process_id
        problems += check_reachable(checked, xml) + check_loops(checked) + check_statutory_deadlines(checked)
    if process_id is not None and process_id != process_key:
        message = f"The process id must be {process_key!r}, the key it is saved under (it is {process_id!r})."
        problems.insert(0, Problem(process_id, message))
    return problems


def upload_version(user: User, process_key: str, xml: bytes, note: str = "") -> ProcessVersion:
    """Check and store a new version (commits); DiagramInvalid lists every problem."""
    require_owner_of_process(user, process_key)
    problems = diagram_problems(process_key, xml)
    if problems:
        raise DiagramInvalid(problems)
    user_id, email = user.id, user.email
    for _attempt in range(SAVE_ATTEMPTS):
        try:
            latest = process_store.latest_version(process_key)
            version = save_version(process_key, xml, created_by_id=user_id, note=note)
            if latest is None or version.id != latest.id:
                record_process_change(email, "version_saved", version)
            db.session.commit()
            return version
        except IntegrityError:
            # Another upload took the next number between our read and our write: read again.
            db.session.rollback()
    raise ProcessConflict("Others are saving versions of this process right now; try again.")


def activate_version(user: User, process_key: str, number: int, council_id: str) -> ProcessVersion:
    """New cases of the council start on this version; running cases keep theirs (commits)."""
    if council_id not in owned_councils(user):
        raise ProcessForbidden("Only a process owner of this council can change its process.")
    version = process_store.get_version_by_number(process_key, number)
    if version is None:
        raise ProcessNotFound(f"{process_key} v{number}")
    if process_key not in keys_of(council_id):
        raise ProcessForbidden(f"{council_id} does not run {process_key}.")
    before = process_store.active_version_for(council_id)
    activate(council_id, version)
    record_process_change(user.email, "activated", version, council_id)
    # In the council's audit list too: when its new cases start on another diagram (or, for a
    # council just added, when it starts taking applications at all).
    audit.record(
        council_id=council_id, actor=user.email, action="process.activated", subject=f"{process_key} v{number}",
        details={"before": f"{before.process_key} v{before.number}" if before else None},
    )  # fmt: skip
    db.session.commit()
    return version


def record_process_change(
    actor: str, action: str, version: ProcessVersion, council_id: str | None = None
) -> None:
    """Add a line to the process's history (the caller commits)."""
    db.session.add(
        ProcessAudit(
            at=clock.now(),
            actor=actor,
            action=action,
            process_key=version.process_key,
            version_number=version.number,
            council_id=council_id,
        )
    )


@dataclass
class VersionDiff:
    key: str
    from_number: int
    to_number: int
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # element id -> its name, for people


def diff_versions(process_key: str, from_number: int, to_number: int) -> VersionDiff:
    """Elements added, removed and changed, with changed names, lanes, forms, time limits and
    conditions spelt out property by property."""
    old, new = (process_store.get_version_by_number(process_key, n) for n in (from_number, to_number))
    if old is None or new is None:
        raise ProcessNotFound(process_key)
    before, after = _elements(parsed(old)), _elements(parsed(new))
    result = VersionDiff(process_key, from_number, to_number)
    # An element drawn without a name (a gateway, say) is called by its kind, never by its id.
    result.names = {
        e: facts.get("name") or _unnamed(facts.get("type")) for e, facts in (before | after).items()
    }
    result.added = sorted(set(after) - set(before))
    result.removed = sorted(set(before) - set(after))
    for element in sorted(set(before) & set(after)):
        changes = {
            name: {"from": before[element].get(name), "to": after[element].get(name)}
            for name in sorted(set(before[element]) | set(after[element]))
            if before[element].get(name) != after[element].get(name)
        }
        if changes:
            result.changed.append({"element": element, "changes": changes})
    return result


def _unnamed(kind: str | None) -> str:
    """'ExclusiveGateway' -> 'An unnamed exclusive gateway'."""
    words = re.sub(r"(?<!^)([A-Z])", lambda m: " " + m.group(1), kind or "Step").lower()
    return f"An unnamed {words}"


def _elements(process: ParsedProcess) -> dict[str, dict[str, Any]]:
    """What a process owner would call each element's settings, by element id."""
    elements: dict[str, dict[str, Any]] = {}
    for spec in process.element_specs():
        element = spec.bpmn_id
        spec = instance_spec(spec)
        facts: dict[str, Any] = {"type": type(spec).__name__, "name": getattr(spec, "bpmn_name", None)}
        if getattr(spec, "lane", None):
            facts["role"] = role_for_lane(spec.lane)
        facts.update(task_properties(spec))
        timers = [t.expression for t in timer_definitions(spec)]
        if timers:
            facts["timer"] = timers[0] if len(timers) == 1 else timers
        conditions = [c.args[0] for c, _ in getattr(spec, "cond_task_specs", []) or [] if c is not None]
        if conditions:
            facts["conditions"] = conditions
        elements[element] = {k: v for k, v in facts.items() if v is not None}
    return elements


def saved_by(audit: list[ProcessAudit]) -> dict[int, str]:
    """Version number -> who saved it, from a process's audit history (shipped diagrams: no one)."""
    return {a.version_number: a.actor for a in audit if a.action == "version_saved"}


def process_overview(user: User) -> list[dict[str, Any]]:
    """Every process the user's studio councils run, its versions, and which version each runs."""
    mine = studio_councils(user)
    live = process_store.active_versions(mine)
    keys = sorted({councils.policy_for(c).process_key for c in mine} | {v.process_key for v in live.values()})
    overview = []
    for key in keys:
        versions = process_store.versions_of(key)
        audit = process_store.audit_of(key)
        authors = saved_by(audit)
        overview.append(
            {
                "key": key,
                "versions": [
                    {
                        "number": v.number,
                        "checksum": v.checksum,
                        "created_at": v.created_at,
                        "created_by": authors.get(v.number),
                        "note": v.note,
                    }
                    for v in versions
                ],
                "councils": [
                    {"council": c, "version": live[c].number}
                    for c in mine
                    if c in live and live[c].process_key == key
                ],
                "history": [
                    {
                        "at": a.at,
                        "actor": a.actor,
                        "action": a.action,
                        "version": a.version_number,
                        "council": a.council_id,
                    }
                    for a in audit
                    if a.council_id is None or a.council_id in mine
                ],
            }
        )
    return overview
