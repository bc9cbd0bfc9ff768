"""The settings page's forms (issue 16): one form a section, its fields read back into the
section's JSON shape, so the page sends what the API takes and gets the API's messages back.

A number typed wrongly is sent as typed, so the file's schema says what is wrong with it; a
field left empty that may be left out is sent as null (the key taken back to its default).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.councils import SETTINGS_SECTIONS
from app.domain.labels import agency_label
from app.domain.letter_wording import PLACEHOLDERS
from app.domain.threshold import AGENCIES, SENIOR_ROLES

SECTION_TITLES = {
    "closures": "Closure days",
    "contacts": "Contacts",
    "threshold": "Threshold",
    "appeal": "Appeal of the outcome",
    "not_met_review": "Review of a refusal",
    "letters": "Letter wording",
    "retention_years": "Keeping closed cases",
}
assert set(SECTION_TITLES) == set(SETTINGS_SECTIONS) - {"to_confirm"}


@dataclass(frozen=True)
class Field:
    """``path``: the key in the section ("within_days", "report_within.days"); "" for a section
    that is one value (retention_years)."""

    path: str
    label: str
    kind: str  # text, textarea, number, yesno, choices, lines
    hint: str = ""
    optional: bool = False  # empty: sent as null (back to the default, or left out)
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return self.path.replace(".", "-") or "value"


def _role_label(role: str) -> str:
    return role.replace("_", " ").capitalize()


PLACEHOLDER_HINT = "Plain text. Placeholders: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS) + "."

FIELDS: dict[str, tuple[Field, ...]] = {
    "closures": (
        Field("", "Days the offices are closed", "lines",
              'One a line: "MM-DD" for every year (12-24), or "YYYY-MM-DD" for once (2026-12-24), then its '
              'name if you like ("2026-12-24 Christmas Eve"). Weekends and bank holidays are closed already.'),
    ),
    "contacts": (
        Field("team", "Team", "text"),
        Field("email", "E-mail address", "text"),
        Field("phone", "Phone number", "text"),
        Field("address", "Postal address", "textarea"),
        Field("website", "Web site", "text"),
    ),
    "threshold": (
        Field("min_qualifying", "Qualifying complaints needed", "number", "The Act's 3 at most (s.104(4))."),
        Field("window_months", "Months the complaints are counted over", "number", "The Act's 6 at least (s.104(11))."),
        Field("report_within.months", "A complaint is reported within (months)", "number",
              "Give months or days, not both.", optional=True),
        Field("report_within.days", "A complaint is reported within (days)", "number", optional=True),
        Field("eligible_agencies", "Who a complaint may be made to", "choices",
              choices=tuple((a, agency_label(a)) for a in AGENCIES)),
        Field("onsite_police_only", "An on-site discussion counts only with a police officer on duty", "yesno"),
        Field("separate_occasions", "Incidents on the same day count once", "yesno"),
        Field("community_min_reporters", "Households for a community application", "number",
              "Leave empty for no community route.", optional=True),
        Field("hate_incident_route", "One complaint of a hate incident is enough", "yesno"),
        Field("discretionary_activation", "Senior officers may activate a review at their discretion", "yesno"),
        Field("discretionary_roles", "Who may", "choices", choices=tuple((r, _role_label(r)) for r in SENIOR_ROLES)),
    ),
    "appeal": (
        Field("body", "Who hears an appeal", "textarea"),
        Field("within_days", "Days after the outcome to lodge one", "number"),
        Field("lodge_directly", "The applicant sends the appeal to that body directly", "yesno"),
        Field("third_party_consent", "Someone appealing for the victim sends the victim's consent", "yesno"),
        Field("contact.website", "Appeal body's web site", "text", optional=True),
        Field("contact.email", "Appeal body's e-mail address", "text", optional=True),
        Field("contact.phone", "Appeal body's phone number", "text", optional=True),
        Field("contact.address", "Appeal body's address", "textarea", optional=True),
    ),
    "not_met_review": (
        Field("offered", "A refusal may be reviewed on request", "yesno"),
        Field("within_days", "Days to ask for a review", "number", "Leave empty where no limit is stated.",
              optional=True),
        Field("reviewer", "Who reviews it", "text", optional=True),
    ),
    "letters": (
        Field("support_services", "Support and advocacy services (CT4 letter)", "textarea",
              "One service a line. " + PLACEHOLDER_HINT),
        Field("appeal_body", "About the appeal body (outcome letter)", "textarea",
              "Printed under how to appeal; leave empty for nothing more. " + PLACEHOLDER_HINT),
        Field("signature", "Signature (every letter)", "textarea", PLACEHOLDER_HINT),
        Field("privacy_notice", "Privacy notice (the public page)", "textarea",
              'A line starting "## " is a heading, lines starting "- " a list. ' + PLACEHOLDER_HINT),
    ),
    "retention_years": (
        Field("", "Years a closed case is kept before it is anonymised", "number"),
    ),
}  # fmt: skip


def form_values(section: str, value: Any) -> dict[str, Any]:
    """field id -> what the form shows for the section's current value."""
    shown = {}
    for spec in FIELDS[section]:
        current = _get(value, spec.path)
        if spec.kind == "lines":
            shown[spec.id] = "\n".join(current or [])
        elif spec.kind == "yesno":
            shown[spec.id] = "yes" if current else "no"
        elif spec.kind == "choices":
            shown[spec.id] = list(current or [])
        else:
            shown[spec.id] = "" if current is None else str(current)
    return shown


def read_form(section: str, form) -> tuple[Any, dict[str, Any]]:
    """The section's value from a posted form, and the form's values to show again."""
    shown: dict[str, Any] = {}
    value: dict[str, Any] = {}
    for spec in FIELDS[section]:
        if spec.kind == "choices":
            shown[spec.id] = form.getlist(spec.id)
            _set(value, spec.path, shown[spec.id])
            continue
        raw = form.get(spec.id, "")
        shown[spec.id] = raw
        if spec.kind == "lines":
            parsed: Any = [line.strip() for line in raw.splitlines() if line.strip()]
        elif spec.kind == "yesno":
            parsed = {"yes": True, "no": False}.get(raw, raw)
        elif spec.kind == "number":
            parsed = int(raw.strip()) if raw.strip().isdigit() else raw.strip()
        else:
            parsed = raw.strip()
        if parsed == "" and spec.optional:
            parsed = None
        _set(value, spec.path, parsed)
    for nested in ("report_within", "contact"):
        # A nested table is sent whole: its empty keys left out, and none at all when all are.
        if isinstance(value.get(nested), dict):
            kept = {k: v for k, v in value[nested].items() if v is not None}
            value[nested] = kept or None
    return value.get("", value), shown


def field_errors(section: str, messages: Any) -> dict[str, str]:
    """field id -> message, from the API's errors for the section (nested as marshmallow gives)."""
    from app.councils import _flatten

    ids = {spec.path: spec.id for spec in FIELDS[section]}
    errors: dict[str, str] = {}
    for path, message in _flatten(messages):
        path = path.split("[")[0]
        while path and path not in ids and not any(p.startswith(path + ".") for p in ids):
            path = path.rpartition(".")[0]
        target = ids.get(path) or next((i for p, i in ids.items() if p.startswith(path + ".")), None)
        target = target or FIELDS[section][0].id
        errors.setdefault(target, message)
    return errors


def _get(value: Any, path: str) -> Any:
    if not path:
        return value
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _set(value: dict[str, Any], path: str, item: Any) -> None:
    head, _, rest = path.partition(".")
    if rest:
        value.setdefault(head, {})[rest] = item
    else:
        value[head] = item
