"""The question pages of the application: each a small JSON Schema rendered by ``task_form``,
and the mapping between the pages' answers and the application ``ApplicationSchema`` loads."""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from app.domain import labels
from app.domain.eligibility import CONSENT_EVIDENCE
from app.domain.threshold import AGENCIES, METHODS

# The product's one vocabulary (app/domain/labels.py), limited to the bodies a complaint counts to.
AGENCY_LABELS = {code: labels.AGENCY_LABELS[code] for code in AGENCIES}
METHOD_LABELS = labels.METHOD_LABELS
NOT_REPORTED = "not_reported"
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

# The GOV.UK address pattern (design-system.service.gov.uk/patterns/addresses): letters are
# posted to it, so it is asked of whoever the council writes to.
ADDRESS_FIELDS = ("address_line_1", "address_line_2", "town", "postcode")
ADDRESS: dict[str, Any] = {
    "x-address": True,
    "properties": {
        "address_line_1": {
            "title": "Address line 1",
            "maxLength": 200,
            "x-autocomplete": "address-line1",
            "x-label": "s",
        },
        "address_line_2": {
            "title": "Address line 2 (optional)",
            "maxLength": 200,
            "x-autocomplete": "address-line2",
            "x-label": "s",
        },
        "town": {
            "title": "Town or city",
            "maxLength": 100,
            "x-autocomplete": "address-level2",
            "x-label": "s",
            "x-width": "two-thirds",
        },
        "postcode": {
            "title": "Postcode",
            "maxLength": 10,
            "x-autocomplete": "postal-code",
            "x-label": "s",
            "x-width": 10,
        },
    },
    "required": {
        "address_line_1": "Enter address line 1, typically the building and street",
        "town": "Enter town or city",
        "postcode": "Enter postcode",
    },
}
# A UK postcode (the shape; whether it exists is for the Royal Mail): "SW1A 1AA", "DE1 2FS".
POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")

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
            "name": {"title": "Full name", "maxLength": 200, "x-autocomplete": "name"},
            "email": {"title": "Email address", "description": "We will send letters about the case here",
                      "maxLength": 254, "x-autocomplete": "email", "x-type": "email"},
            "phone": {"title": "Phone number", "maxLength": 40, "x-autocomplete": "tel", "x-type": "tel",
                      "x-width": 20},
            "vulnerable": {"type": "boolean",
                           "title": "Is the victim vulnerable (for example because of age, disability or illness)?"},
        },
        "required": {"name": "Enter the victim's full name", "vulnerable": "Select yes if the victim is vulnerable"},
    },
    "victim_address": {"title": "What is the victim's address?", **ADDRESS},
    "you": {
        "title": "About you",
        "properties": {
            "name": {"title": "Your full name", "maxLength": 200, "x-autocomplete": "name"},
            "organisation": {"title": "Organisation", "description": "If you are applying for an organisation",
                             "maxLength": 200, "x-autocomplete": "organization"},
            "relationship_to_victim": {"title": "Your relationship to the victim", "maxLength": 200},
            "email": {"title": "Email address", "maxLength": 254, "x-autocomplete": "email", "x-type": "email"},
            "phone": {"title": "Phone number", "maxLength": 40, "x-autocomplete": "tel", "x-type": "tel",
                      "x-width": 20},
        },
        "required": {},
        "missing": {"name": "Enter your full name", "organisation": "Enter the name of your organisation"},
    },
    "applicant_address": {"title": "What is your address?", **ADDRESS},
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
                     "description": "Enter what happened",
                     "agency": "Select who it was reported to, or that it was not reported"},
        # Needed once the incident was reported (ApplicationSchema's ReportSchema).
        "missing": {"agency": "Select who it was reported to", "method": "Select how it was reported",
                    "reported_on": "Enter the date it was reported"},
        "properties": {
            "occurred_on": {"title": "When did it happen?", "format": "date",
                            "description": "For example, 27 3 2026"},
            "description": {"title": "What happened?", "x-widget": "textarea", "maxLength": 5000},
            # A chosen radio cannot be cleared: "not reported" is an answer of its own.
            "agency": {"title": "Who was it reported to?", "enum": [*AGENCIES, NOT_REPORTED],
                       "x-labels": {**AGENCY_LABELS, NOT_REPORTED: "It was not reported"}},
            "method": {"title": "How was it reported?", "enum": list(METHODS), "x-labels": METHOD_LABELS},
            "reported_on": {"title": "When was it reported?", "format": "date",
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
        "required": {"impact": "Enter how the antisocial behaviour has affected the victim"},
        "properties": {
            "impact": {"title": "How has it affected the victim?", "x-widget": "textarea",
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
        "missing": {"declaration": "Confirm that the information you have given is true"},
        "properties": {
            "declaration": {"title": "Declaration", "type": "array", "x-widget": "checkboxes",
                            "items": {"enum": ["confirmed"], "x-labels": {
                                "confirmed": "I confirm that the information I have given is true to the best "
                                             "of my knowledge"}}},
        },
    },
}  # fmt: skip


# "You" wording when the victim applies themselves; the pages above speak of "the victim".
VICTIM_WORDING: dict[str, dict[str, Any]] = {
    "victim": {"title": "About you",
               "titles": {"name": "Your full name",
                          "vulnerable": "Are you vulnerable (for example because of age, disability or illness)?"},
               "descriptions": {"email": "We will send letters about your case here"},
               "required": {"name": "Enter your full name", "vulnerable": "Select yes if you are vulnerable"}},
    "victim_address": {"title": "What is your address?"},
    "incident": {"titles": {"agency": "Who did you report it to?", "method": "How did you report it?",
                            "reported_on": "When did you report it?"}},
    "impact": {"titles": {"impact": "How has it affected you?"},
               "required": {"impact": "Enter how the antisocial behaviour has affected you"}},
}  # fmt: skip
AGENCY_WORDING: dict[str, dict[str, Any]] = {
    "applicant_address": {"title": "What is your organisation's address?"},
}


def page(step: str, kind: str | None) -> dict[str, Any]:
    """The page's questions worded for who is applying."""
    schema = PAGES[step]
    wording = (VICTIM_WORDING if kind == "victim" else AGENCY_WORDING if kind == "agency" else {}).get(step)
    if not wording:
        return schema
    schema = copy.deepcopy(schema)
    schema["title"] = wording.get("title", schema["title"])
    for name, title in wording.get("titles", {}).items():
        schema["properties"][name]["title"] = title
    for name, text in wording.get("descriptions", {}).items():
        schema["properties"][name]["description"] = text
    schema["required"] = {**schema.get("required", {}), **wording.get("required", {})}
    return schema


def steps_for(answers: dict[str, Any]) -> list[str]:
    kind = (answers.get("who") or {}).get("applicant_type")
    steps = ["who", "victim", "victim_address"]
    if kind in ("third_party", "agency"):
        steps += ["you", "applicant_address"]
        # Anyone applying for someone else needs their consent, an organisation too (RULES.md §3).
        steps.append("consent")
    return [*steps, "incidents", "impact", "declaration"]


def address_text(answers: dict[str, Any] | None) -> str:
    """The address page's answers as the application's ``address``: one line each."""
    return "\n".join(
        v.strip() for k in ADDRESS_FIELDS if isinstance(v := (answers or {}).get(k), str) and v.strip()
    )


def tidy(step: str, data: dict[str, Any]) -> dict[str, Any]:
    """An answer as stored: a postcode in capitals with its space."""
    postcode = data.get("postcode")
    if PAGES[step].get("x-address") and isinstance(postcode, str):
        match = POSTCODE.match(re.sub(r"\s+", "", postcode.upper()))
        if match:
            return {**data, "postcode": f"{match.group(1)} {match.group(2)}"}
    return data


def check(step: str, data: dict[str, Any], today: date) -> dict[str, str]:
    """What the page checks beyond ApplicationSchema: the shape of a postcode; incident dates
    not in the future, and reported no earlier than they happened."""
    errors = {}
    postcode = data.get("postcode")
    if PAGES[step].get("x-address") and postcode and not POSTCODE.match(postcode):
        errors["postcode"] = "Enter a real postcode, like DE1 2FS"
    if step == "incident":
        happened, reported = _day(data.get("occurred_on")), _day(data.get("reported_on"))
        if happened and happened > today:
            errors["occurred_on"] = "The date the incident happened must be today or in the past"
        if reported and reported > today:
            errors["reported_on"] = "The date it was reported must be today or in the past"
        elif happened and reported and reported < happened:
            errors["reported_on"] = (
                "The date it was reported must be the same as or after the date it happened"
            )
    return errors


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def application(answers: dict[str, Any], incidents: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The application ``ApplicationSchema`` loads, from the pages' answers."""
    kind = (answers.get("who") or {}).get("applicant_type")
    body: dict[str, Any] = {"channel": "online"}
    if kind:
        body["applicant_type"] = kind
    victim = {k: v for k, v in (answers.get("victim") or {}).items() if v not in ("", None)}
    if address := address_text(answers.get("victim_address")):
        victim["address"] = address
    body["victims"] = [victim] if victim else []
    if kind in ("third_party", "agency"):
        you = {k: v for k, v in (answers.get("you") or {}).items() if v not in ("", None)}
        if address := address_text(answers.get("applicant_address")):
            you["address"] = address
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
    if item.get("agency") == NOT_REPORTED:
        report = {}  # anything typed about a report that was not made is left out
    else:
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
        field = parts[2] if len(parts) > 2 else "name"
        return ("victim_address", None, "address_line_1") if field == "address" else ("victim", None, field)
    if head == "applicant":
        field = parts[1] if len(parts) > 1 else ("organisation" if kind == "agency" else "name")
        return ("applicant_address", None, "address_line_1") if field == "address" else ("you", None, field)
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


def friendly(message: str, step: str, field: str, kind: str | None) -> str:
    """ApplicationSchema's message as the GOV.UK pattern words it for the page."""
    schema = page(step, kind) if step in PAGES else {}
    prop = schema.get("properties", {}).get(field, {})
    title = prop.get("title", field).rstrip("?")
    if message.startswith("Not a valid email"):
        return "Enter an email address in the correct format, like name@example.com"
    if message.startswith("Longer than maximum length"):
        return f"{title} must be {prop.get('maxLength', '')} characters or fewer"
    # Everything else ApplicationSchema says of a page's field is that an answer is missing.
    missing = {**schema.get("missing", {}), **schema.get("required", {})}
    return missing.get(field) or f"Answer: {title}"
