"""Service-task handlers, registered by name. A diagram's service task names one of these
(``<spiffworkflow:serviceTaskOperator id="...">``); an unknown name is refused when the
diagram is loaded. A handler gets a ``HandlerCall`` (run, task, data, params) and returns a
JSON-able value (or None)."""

from handlers.action_plan import add_to_action_plan
from handlers.escalation import escalate
from handlers.letters import issue_letter
from handlers.milestones import record_milestone
from handlers.records_check import apply_records_checks, ask_relevant_bodies
from handlers.threshold import evaluate_threshold

HANDLERS = {
    "evaluate_threshold": evaluate_threshold,
    "issue_letter": issue_letter,
    "escalate": escalate,
    "record_milestone": record_milestone,
    "ask_relevant_bodies": ask_relevant_bodies,
    "apply_records_checks": apply_records_checks,
    "add_to_action_plan": add_to_action_plan,
}

# The parameters each handler takes: name -> required. The studio offers these as pickers.
HANDLER_PARAMETERS: dict[str, dict[str, bool]] = {
    "evaluate_threshold": {},
    "issue_letter": {"letter": True},
    "escalate": {"to": True, "agency": False},
    "record_milestone": {"milestone": True, "on": False},
    "ask_relevant_bodies": {},
    "apply_records_checks": {},
    "add_to_action_plan": {"actions": True},
}
