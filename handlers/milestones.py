"""Record a milestone from a service task (most diagrams put ``milestone`` on events instead)."""

from app.engine.functions import to_date
from app.engine.specs import MILESTONES


def record_milestone(call) -> None:
    key = call.params.get("milestone")
    if key not in MILESTONES:
        raise ValueError(f"unknown milestone {key!r}")
    on = to_date(call.params["on"]) if call.params.get("on") else call.run.today
    call.run.effects.milestones.append((key, on, call.element))
