"""Add actions to the case's action plan from a service task: an upheld appeal's further actions
(LIFECYCLE.md "The action plan is followed through"; issue 15).

``actions`` is a list of recommendations as a form gives them (``{action, owner_agency, due_on,
agreed_with_victim}``, e.g. ``decide_appeal``'s ``further_actions``). Each becomes an open action
of the plan, numbered after the plan's last one, so that the owning agencies' report tasks, the
action plan page and API, the partners' view, the status page and the figures treat it as they
treat the case review's own. The handler returns the numbered actions (the items of the diagram's
multi-instance follow-up, as ``draw_up_action_plan`` numbers the review's); the case service
writes the plan and brings the owning agencies into the case.
"""

from app.domain import actions


def add_to_action_plan(call) -> list[dict]:
    given = call.params.get("actions")
    if not isinstance(given, list) or not all(isinstance(item, dict) for item in given):
        raise ValueError("actions must be a list of actions, each {action, owner_agency, due_on}")
    plan = [*(call.context.get("action_plan") or []), *call.run.effects.actions_added]
    added = actions.plan_from(given, first=len(plan) + 1)
    call.run.effects.actions_added.extend(added)
    return [dict(item, number=action["id"]) for item, action in zip(given, added, strict=True)]
