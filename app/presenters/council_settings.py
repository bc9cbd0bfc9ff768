"""A council's settings as the API and the settings page show them (issue 16): the sections in
force, which values are assumed ("to confirm", with the source line that leaves them open), and
what the caller may change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from app.councils import Council, settings_document
from app.models import User
from app.services import council_settings

SHOWN_SECTIONS = (
    "closures",
    "contacts",
    "threshold",
    "appeal",
    "not_met_review",
    "letters",
    "retention_years",
)
# "east-herts-policy.txt s.13 (lines 553-573)", "derby-city-application-guidance-notes.txt line 142"
_SOURCE_FILE = re.compile(r"\b([a-z0-9][a-z0-9-]*\.txt)\b")
_SOURCE_LINE = re.compile(r"\blines? (\d+)")


@dataclass(frozen=True)
class Source:
    file: str
    line: int | None


@dataclass(frozen=True)
class ToConfirm:
    key: str
    section: str
    value: Any  # as the settings hold it; None for a diagram's limit (the studio shows it)
    reason: str
    source: Source | None
    may_confirm: bool


def source_of(reason: str) -> Source | None:
    """The source document (and line) a to-confirm reason cites, if it cites one."""
    file = _SOURCE_FILE.search(reason)
    if file is None:
        return None
    line = _SOURCE_LINE.search(reason, file.end())
    return Source(file.group(1), int(line.group(1)) if line else None)


def settings_view(user: User, council: Council) -> dict[str, Any]:
    """What GET /api/v1/councils/{council}/settings answers (and the page shows)."""
    document = settings_document(council)
    versions = council_settings.versions_of(council.id)
    current = next((v for v in versions if v.number == council.settings_version), None)
    view: dict[str, Any] = {
        "council": council.id,
        "version": council.settings_version,
        "effective_from": current.effective_from if current else None,
        "changed_at": current.created_at if current else None,
        "changed_by": current.created_by if current else None,
        "reason": current.reason if current else None,
        "editable": list(council_settings.editable_sections(user, council.id)),
    }
    for section in SHOWN_SECTIONS:
        value = document[section]
        assumed = {key.split(".", 1)[1]: False for key in council.to_confirm if key.startswith(f"{section}.")}
        if isinstance(value, dict) and assumed:
            value = {**value, "confirmed": assumed}
        view[section] = value
    view["to_confirm"] = to_confirm(user, council)
    return view


def to_confirm(user: User, council: Council) -> list[ToConfirm]:
    document = settings_document(council)
    return [
        ToConfirm(
            key=key,
            section=key.split(".")[0],
            value=_assumed_value(council, document, key),
            reason=reason,
            source=source_of(reason),
            may_confirm=council_settings.may_confirm(user, council.id, key),
        )
        for key, reason in council.to_confirm.items()
    ]


def _assumed_value(council: Council, document: dict[str, Any], key: str) -> Any:
    """The value assumed at a dotted key: from the settings, or the policy the file keeps
    (consent, ineligible review); None for a diagram's limit (the studio shows it)."""
    section, _, rest = key.partition(".")
    if section == "diagram":
        return None
    if section in document:
        return council_settings.value_at(document, key)
    value: Any = (
        council.ineligible_review_policy
        if section == "ineligible_review"
        else getattr(council, section, None)
    )
    for part in rest.split(".") if rest else ():
        value = getattr(value, part, None)
    return value
