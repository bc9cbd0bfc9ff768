"""The relevant bodies' records check (app/domain/bodies.py): who is asked, and what their
answers do to the reports and to the threshold evaluation."""

from __future__ import annotations

from app.domain import bodies
from handlers.threshold import evaluate_threshold


def ask_relevant_bodies(call) -> None:
    """Name the bodies whose records are checked (``relevant_bodies``: one partner task each)."""
    data = call.data
    data["relevant_bodies"] = bodies.bodies_to_ask(
        data.get("incidents") or [], bool(data.get("under_18_involved"))
    )
    names = ", ".join(agency.replace("_", " ") for agency in data["relevant_bodies"])
    call.run.effects.history.append(("records_check", f"Application passed to: {names}"))


def apply_records_checks(call) -> None:
    """Set each report's ``confirmed`` from the bodies' answers (``records_checks``), evaluate the
    threshold again on them, and keep what each body answered with the evaluation, for the
    threshold task and the case."""
    data = call.data
    # In the order the bodies were asked, not the order they answered.
    asked = list(data.get("relevant_bodies") or [])
    checks = sorted(
        (c for c in data.get("records_checks") or [] if isinstance(c, dict)),
        key=lambda c: asked.index(c.get("agency")) if c.get("agency") in asked else len(asked),
    )
    data["incidents"] = bodies.with_answers(data.get("incidents") or [], checks)
    evaluate_threshold(call)
    data["threshold"]["records_checks"] = bodies.checks_summary(checks)
