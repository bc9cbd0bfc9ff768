"""Applications and cases for tests."""

from __future__ import annotations

import copy
from typing import Any

BASE_APPLICATION: dict[str, Any] = {
    "received_on": "2026-12-14",
    "channel": "online",
    "applicant_type": "victim",
    "victims": [{"name": "Alex Victim", "email": "alex@example.org", "vulnerable": False}],
    "summary": "Noise and intimidation from a neighbouring flat",
    "incidents": [
        {"id": "a", "occurred_on": "2026-09-01", "description": "Shouting at night",
         "reports": [{"agency": "police", "reported_on": "2026-09-02", "method": "phone", "reporter": "Alex"}]},
        {"id": "b", "occurred_on": "2026-10-10", "description": "Threats",
         "reports": [{"agency": "council", "reported_on": "2026-10-12", "method": "email", "reporter": "Alex"}]},
        {"id": "c", "occurred_on": "2026-11-20", "description": "Door kicked",
         "reports": [{"agency": "housing_provider", "reported_on": "2026-11-21", "method": "writing",
                      "reporter": "Alex"}]},
    ],
    "declaration": True,
}  # fmt: skip


def application(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(BASE_APPLICATION)
    body.update(overrides)
    return body


def third_party_application(**overrides: Any) -> dict[str, Any]:
    fields = {
        "applicant_type": "third_party",
        "applicant": {"name": "Sam Helper", "email": "sam@example.org", "relationship_to_victim": "son"},
    }
    return application(**{**fields, **overrides})
