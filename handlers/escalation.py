"""Escalate an overdue task (the flow out of a non-interrupting boundary timer)."""

from app.engine.properties import ROLE_KEYS


def escalate(call) -> None:
    role = call.params.get("to")
    if role not in ROLE_KEYS:
        raise ValueError(f"cannot escalate to {role!r}; roles are: {', '.join(sorted(ROLE_KEYS))}")
    attached = _attached_user_task(call.task)
    call.run.effects.escalations.append((str(attached.id) if attached else "", role))
    name = attached.task_spec.bpmn_name if attached else call.element
    call.run.effects.history.append(("escalated", f"{name}: overdue, escalated to {role.replace('_', ' ')}"))


def _attached_user_task(task):
    """Walk up from the escalation branch to the boundary split and find the task it guards."""
    node = task
    while node is not None and type(node.task_spec).__name__ != "BoundaryEventSplit":
        node = node.parent
    if node is None:
        return None
    for child in node.children:
        if getattr(child.task_spec, "manual", False):
            return child
    return None
