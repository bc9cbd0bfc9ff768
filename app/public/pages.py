"""The question pages of the application: each a small JSON Schema rendered by ``task_form``,
and the mapping between the pages' answers and the application ``ApplicationSchema`` loads."""

from __future__ import annotations

from typing import Any

from app.domain.eligibility import CONSENT_EVIDENCE
from app.domain.threshold import AGENCIES, METHODS

AGENCY_LABELS = {
    "council": "The council",
    "police": "The police",
    "housing_provider": "A housing provider (landlord)",
    "icb": "The NHS (integrated care board)",
    "youth_offending": "The Youth Offending Service",
    "other": "Another organisation",
}
METHOD_LABELS = {
    "writing": "In writing (letter)",
    "email": "By email",
    "phone": "By phone",
    "online": "Online form",
    "in_person_office": "In person at an office",
    "police_officer_on_duty": "To a police officer on duty",
    "onsite_discussion": "Talking to someone on site",
    "diary_sheet": "On a diary sheet",
}
APPLICANT_LABELS = {
    "victim": "I am the victim of the antisocial behaviour",
    "third_party": "I am applying on someone else's behalf (for example a family member or carer)",
    "agency": "I am applying for an organisation (for example a charity or support service)",
}
CONSENT_LABELS = {
    "written_consent": "Yes, they have given written consent",
    "power_of_attorney": "Yes, I have power of attorney",
    "other": "Yes, another form of consent",
    "later": "Not yet – I will send it later",
}

PAGES: dict[str, dict[str, Any]] = {
    "who": {
        "title": "Who is applying?",
        "required": {"applicant_type": "Select who is applying"},
        "properties": {
            "applicant_type": {"title": "Who is applying?", "enum": ["victim", "third_party", "agency"],
                               "x-labels": APPLICANT_LABELS},
        },
    },
    "victim": {
        "title": "About the victim",
        "properties": {
            "name": {"title": "Full name", "maxLength": 200},
            "email": {"title": "Email address", "description": "We will send letters about the case here",
                      "maxLength": 254},
            "phone": {"title": "Phone number", "maxLength": 40},
            "vulnerable": {"type": "boolean",
                           "title": "Is the victim vulnerable (for example because of age, disability or illness)?"},
        },
        "required": {"name": "Enter the victim's full name", "vulnerable": "Select yes if the victim is vulnerable"},
    },
    "you": {
        "title": "About you",
        "properties": {
            "name": {"title": "Your full name", "maxLength": 200},
            "organisation": {"title": "Organisation", "description": "If you are applying for an organisation",
                             "maxLength": 200},
            "relationship_to_victim": {"title": "Your relationship to the victim", "maxLength": 200},
            "email": {"title": "Email address", "maxLength": 254},
            "phone": {"title": "Phone number", "maxLength": 40},
        },
        "required": {},
    },
    "consent": {
        "title": "Has the victim agreed to you applying for them?",
        "required": {"evidence": "Select whether the victim has agreed to you applying"},
        "properties": {
            "evidence": {"title": "Has the victim agreed to you applying for them?",
                         "description": "You can send the consent later; we need it before we review the case.",
                         "enum": [*CONSENT_EVIDENCE, "later"], "x-labels": CONSENT_LABELS},
        },
    },
    "incident": {
        "title": "About the incident",
        "required": {"occurred_on": "Enter the date the incident happened",
                     "description": "Enter what happened"},
        "properties": {
            "occurred_on": {"title": "When did it happen?", "format": "date",
                            "description": "For example, 27 3 2026"},
            "description": {"title": "What happened?", "x-widget": "textarea", "maxLength": 5000},
            "agency": {"title": "Who did you report it to?", "enum": list(AGENCIES), "x-labels": AGENCY_LABELS,
                       "description": "Leave blank if it was not reported"},
            "method": {"title": "How did you report it?", "enum": list(METHODS), "x-labels": METHOD_LABELS},
            "reported_on": {"title": "When did you report it?", "format": "date",
                            "description": "For example, 28 3 2026"},
        },
    },
    "incidents": {
        "title": "Incidents",
        "required": {"add_another": "Select yes if you want to add another incident"},
        "properties": {
            "add_another": {"type": "boolean", "title": "Do you want to add another incident?"},
        },
    },
    "impact": {
        "title": "What has happened because of the antisocial behaviour?",
        "required": {"impact": "Enter how the antisocial behaviour has affected you"},
        "properties": {
            "impact": {"title": "How has it affected you or the victim?", "x-widget": "textarea",
                       "maxLength": 2000},
            "outcome_sought": {"title": "What would you like to happen?", "x-widget": "textarea",
                               "maxLength": 2000},
            # Derby City's guidance notes (line 106): the Youth Offending Service is then involved.
            "under_18_involved": {"type": "boolean",
                                  "title": "Is anyone causing the antisocial behaviour under 18?",
                                  "description": "If so, the youth offending service will be asked too"},
        },
    },
    "declaration": {
        "title": "Declaration",
        "required": {},
        "properties": {
            "declaration": {"title": "Declaration", "type": "array", "x-widget": "checkboxes",
                            "items": {"enum": ["confirmed"], "x-labels": {
                                "confirmed": "I confirm that the information I have given is true to the best "
                                             "of my knowledge"}}},
        },
    },
}  # fmt: skip


def steps_for(answers: dict[str, Any]) -> list[str]:
    kind = (answers.get("who") or {}).get("applicant_type")
    steps = ["who", "victim"]
    if kind in ("third_party", "agency"):
        steps.append("you")
        # Anyone applying for someone else needs their consent, an organisation too (RULES.md §3).
        steps.append("consent")
    return [*steps, "incidents", "impact", "declaration"]


def application(answers: dict[str, Any], incidents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The application ``ApplicationSchema`` loads, from the pages' answers."""
    kind = (answers.get("who") or {}).get("applicant_type")
    body: dict[str, Any] = {"channel": "online"}
    if kind:
        body["applicant_type"] = kind
    victim = {k: v for k, v in (answers.get("victim") or {}).items() if v not in ("", None)}
    body["victims"] = [victim] if victim else []
    if kind in ("third_party", "agency"):
        you = {k: v for k, v in (answers.get("you") or {}).items() if v not in ("", None)}
        body["applicant"] = you
    if kind in ("third_party", "agency") and answers.get("consent"):
        evidence = answers["consent"].get("evidence")
        body["consent"] = {"given": False} if evidence == "later" else {"given": True, "evidence": evidence}
    body["incidents"] = [
        _incident(item) for item in (answers.get("incident_list", []) if incidents is None else incidents)
    ]
    impact = answers.get("impact") or {}
    body["impact"] = impact.get("impact", "")
    body["outcome_sought"] = impact.get("outcome_sought", "")
    body["under_18_involved"] = impact.get("under_18_involved") is True
    if "declaration" in answers:
        body["declaration"] = answers["declaration"].get("declaration") == ["confirmed"]
    return body


def _incident(item: dict[str, Any]) -> dict[str, Any]:
    incident: dict[str, Any] = {
        "occurred_on": item.get("occurred_on"),
        "description": item.get("description", ""),
    }
    if incident["occurred_on"] is None:
        incident.pop("occurred_on")
    report = {k: item[k] for k in ("agency", "method", "reported_on") if item.get(k)}
    incident["reports"] = [report] if report else []
    return incident


def flatten(messages: Any, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested messages as dotted paths, the first message of each."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten(value, path))
    elif isinstance(messages, list) and messages:
        if all(isinstance(m, str) for m in messages):
            flat[prefix] = messages[0]
        else:
            for value in messages:
                flat.update(flatten(value, prefix))
    elif isinstance(messages, str):
        flat[prefix] = messages
    return flat


def page_of(path: str, kind: str | None) -> tuple[str, int | None, str]:
    """Which page (and incident) an application path is asked on, and the page's field."""
    parts = path.split(".")
    head = parts[0]
    if head == "applicant_type":
        return "who", None, "applicant_type"
    if head == "victims":
        return "victim", None, parts[2] if len(parts) > 2 else "name"
    if head == "applicant":
        default = "organisation" if kind == "agency" else "name"
        return "you", None, parts[1] if len(parts) > 1 else default
    if head == "consent":
        return "consent", None, "evidence"
    if head == "incidents" and len(parts) > 2 and parts[1].isdigit():
        field = parts[-1] if parts[2] == "reports" else parts[2]
        return "incident", int(parts[1]), field
    if head == "incidents":
        return "incidents", None, "add_another"
    if head in ("impact", "outcome_sought"):
        return "impact", None, head
    if head == "declaration":
        return "declaration", None, "declaration"
    return "check", None, head


def friendly(message: str, page: str, field: str) -> str:
    prop = PAGES.get(page, {}).get("properties", {}).get(field, {})
    title = prop.get("title", field).rstrip("?")
    if message.startswith(("Missing data", "Field may not be null")):
        return PAGES.get(page, {}).get("required", {}).get(field) or f"Answer: {title}"
    if message.startswith("Not a valid email"):
        return "Enter an email address in the correct format, like name@example.com"
    if message.startswith("Longer than maximum length"):
        return f"{title} must be {prop.get('maxLength', '')} characters or fewer"
    return message
