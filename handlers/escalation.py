"""Escalate an overdue task (the flow out of a non-interrupting boundary timer).

``to`` is the role it escalates to; ``agency`` (optional) names the agency whose work is overdue,
so that the escalation reaches its partner managers too: an overdue action of the plan goes to
the council's managers and to the owning agency's partner managers (issue 15). Both find it in
their inbox's escalated tasks; everyone who sees the task sees it flagged as escalated.
"""

from SpiffWorkflow.util.task import TaskState

from app.domain.bodies import PARTNER_USER_AGENCIES
from app.domain.labels import AGENCY_LABELS
from app.engine.properties import ROLE_KEYS, instance_spec


def escalate(call) -> None:
    role = call.params.get("to")
    if role not in ROLE_KEYS:
        raise ValueError(f"cannot escalate to {role!r}; roles are: {', '.join(sorted(ROLE_KEYS))}")
    agency = call.params.get("agency")
    if agency is not None and (not isinstance(agency, str) or not agency):
        raise ValueError(f"cannot escalate to agency {agency!r}; give an agency code")
    attached = _attached_task(call.task)
    open_tasks = _open_user_tasks(attached) if attached is not None else []
    # An agency with partner users has partner managers to reach; for another (the council's
    # own action, a body without users) the council's officers work the task, so its role does.
    reached = agency if agency in PARTNER_USER_AGENCIES else None
    for task in open_tasks:
        call.run.effects.escalations.append((str(task.id), role, reached))
    spec = instance_spec(attached.task_spec) if attached is not None else None
    name = (spec.bpmn_name or spec.bpmn_id) if spec is not None else call.element
    to = role.replace("_", " ")
    if agency is not None:
        label = AGENCY_LABELS.get(agency, agency)
        label = f"{label[:1].lower()}{label[1:]}"
        to = f"{to} and the partner managers of {label}" if reached else f"{to} and {label}"
    call.run.effects.history.append(("escalated", f"{name}: overdue, escalated to {to}"))


def _attached_task(task):
    """Walk up from the escalation branch to the boundary split and find the activity it guards."""
    node = task
    while node is not None and type(node.task_spec).__name__ != "BoundaryEventSplit":
        node = node.parent
    if node is None:
        return None
    for child in node.children:
        if not hasattr(child.task_spec, "event_definition"):
            return child
    return None


def _open_user_tasks(attached) -> list:
    """The user task itself, or each still-open instance of a multi-instance task (one per agency)."""
    if getattr(attached.task_spec, "manual", False):
        return [attached]
    return [
        c for c in attached.children if getattr(c.task_spec, "manual", False) and c.state == TaskState.READY
    ]
