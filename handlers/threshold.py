"""Evaluate the threshold (RULES.md §2) from the application in the case data."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.domain.threshold import Discretionary, Incident, Report
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


def incidents_from_data(incidents: list[dict[str, Any]]) -> tuple[Incident, ...]:
    return tuple(
        Incident(
            id=str(item["id"]),
            occurred_on=date.fromisoformat(item["occurred_on"]),
            description=item.get("description", ""),
            reports=tuple(
                Report(
                    agency=r["agency"],
                    reported_on=date.fromisoformat(r["reported_on"]),
                    method=r["method"],
                    reporter=r.get("reporter", ""),
                    reference=r.get("reference", ""),
                )
                for r in item.get("reports", [])
            ),
        )
        for item in incidents
    )


def discretionary_from_data(value: dict[str, str] | None) -> Discretionary | None:
    if not value:
        return None
    return Discretionary(by=value.get("by", ""), role=value.get("role", ""), reason=value.get("reason", ""))
