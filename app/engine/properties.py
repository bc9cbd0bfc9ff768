"""Reading our properties off SpiffWorkflow task specs (``spiffworkflow:properties`` in the XML)."""

from __future__ import annotations

import re

ROLE_KEYS = {
    "community_safety_officer",
    "community_safety_manager",
    "partner_agency",
    "panel_chair",
    "appeal_body",
}


def task_properties(spec) -> dict[str, str]:
    extensions = getattr(spec, "extensions", None) or {}
    return extensions.get("properties", {}) or {}


def instance_spec(spec):
    """The spec that carries a task's properties: for a multi-instance task, the spec of its
    instances (SpiffWorkflow puts the XML's properties there); otherwise the spec itself."""
    child_name = getattr(spec, "task_spec", None)
    if isinstance(child_name, str) and not task_properties(spec):
        return spec._wf_spec.task_specs.get(child_name, spec)
    return spec


def role_for_lane(lane: str | None) -> str | None:
    """'Community safety officer' -> 'community_safety_officer'."""
    if not lane:
        return None
    return re.sub(r"[^a-z0-9]+", "_", lane.strip().lower()).strip("_")
