"""Evaluate the threshold (RULES.md §2) from the application in the case data."""

from __future__ import annotations

from datetime import date

from app.domain.threshold import Discretionary, incidents_from_data
from app.domain.threshold import evaluate_threshold as evaluate


def evaluate_threshold(call) -> None:
    council = call.context["council"]
    data = call.data
    result = evaluate(
        date.fromisoformat(data["received_on"]),
        incidents_from_data(data.get("incidents") or []),
        council.threshold,
        discretionary_from_data(data.get("discretionary")),
    )
    data["threshold"] = result.to_dict()
    call.run.effects.history.append(("threshold_evaluated", result.explanation))


def discretionary_from_data(value: dict[str, str] | None) -> Discretionary | None:
    if not value:
        return None
    return Discretionary(by=value.get("by", ""), role=value.get("role", ""), reason=value.get("reason", ""))
