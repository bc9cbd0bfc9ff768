"""A council's settings as the API and the settings page show them (issue 16): the sections in
force, which values are assumed ("to confirm", with the source line that leaves them open), what
the caller may change, and each version's changes, a value at a time, in words (``shown_value``)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.councils import Council, closure_words, settings_document
from app.domain.calendar import format_date
from app.domain.labels import agency_label
from app.domain.threshold import role_label
from app.models import User
from app.services import council_settings
from app.services.council_settings import Version

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

    @property
    def shown(self) -> str | None:
        """The value in words for the page; None where the settings hold none to show."""
        return None if self.value is None else shown_value(self.value, self.key)


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


# --- Values in words, and what each version changed ------------------------------------------

NOT_SET = "Not set"
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A time limit as the settings hold it: {"months": 1}, {"days": 30}.
_PERIOD_UNITS = {"years": "year", "months": "month", "weeks": "week", "days": "day"}
# The codes a list holds, in words, by the list's dotted key.
_LABELS: dict[str, Callable[[str], str]] = {
    "threshold.eligible_agencies": agency_label,
    "threshold.discretionary_roles": role_label,
}


def _is_period(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and bool(value)
        and set(value) <= set(_PERIOD_UNITS)
        and all(isinstance(n, int) and not isinstance(n, bool) for n in value.values())
    )


def _is_object(value: Any) -> bool:
    """An object of keys, each a value of its own (not a time limit, which is one value)."""
    return isinstance(value, Mapping) and not _is_period(value)


def shown_value(value: Any, key: str = "") -> str:
    """A settings value as people read it, never as Python writes it: yes or no, dates as GOV.UK
    writes them, a closure day in words, a time limit as "1 month" and a number of days as
    "28 days", a list's items joined (codes by their labels), an object as "key: value" pairs.
    ``key``: where the value is, dotted."""
    if value is None:
        return NOT_SET
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        return _shown_text(value, key)
    if _is_period(value):
        return ", ".join(f"{n} {_PERIOD_UNITS[unit]}{'' if n == 1 else 's'}" for unit, n in value.items())
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {shown_value(v, f'{key}.{k}')}" for k, v in value.items()) or "None"
    if isinstance(value, int) and key.rsplit(".", 1)[-1].endswith("_days"):  # appeal.within_days
        return f"{value} day{'' if value == 1 else 's'}"
    if isinstance(value, list | tuple):
        label = _LABELS.get(key)
        if label:
            return joined_labels([label(v) if isinstance(v, str) else shown_value(v, key) for v in value])
        items = [shown_value(v, key) for v in value]
        # A yearly closure reads "29 December, every year": closures are parted by semicolons.
        return ("; " if key == "closures" else ", ").join(items) or "None"
    return str(value)


def joined_labels(labels: list[str]) -> str:
    """Code lists by their labels, which read as sentences ("The police"): "The police, the
    council", or "None"."""
    rest = [f"the {label[4:]}" if label.startswith("The ") else label for label in labels[1:]]
    return ", ".join(labels[:1] + rest) or "None"


def _shown_text(value: str, key: str) -> str:
    if not value:
        return "None"
    try:
        if key == "closures":
            return closure_words(value)
        if _ISO_DATE.fullmatch(value):
            return format_date(date.fromisoformat(value))
    except (ValueError, TypeError):
        pass  # not a day after all: as written
    return value


@dataclass(frozen=True)
class ChangedValue:
    """A value a version changed: its dotted key ("contacts.phone"), before and after, in words."""

    key: str
    before: str
    after: str


def changed_values(before: Any, after: Any, key: str) -> list[ChangedValue]:
    """The values at or under ``key`` that differ, each at its own dotted key; an object is
    compared key by key (one missing on a side is not set there), a time limit, a list or a plain
    value whole."""
    if before == after:
        return []
    sides = (before, after)
    if any(_is_object(v) for v in sides) and all(v is None or _is_object(v) for v in sides):
        before, after = before or {}, after or {}
        return [
            change
            for k in dict.fromkeys([*before, *after])
            for change in changed_values(before.get(k), after.get(k), f"{key}.{k}")
        ]
    return [ChangedValue(key, shown_value(before, key), shown_value(after, key))]


@dataclass(frozen=True)
class VersionChanges:
    """A version as the settings page lists it. ``first``: the council's first version, whose
    ``changes`` are every value it started with (from nothing), not a change."""

    version: Version
    first: bool
    imported: bool  # the first version came from the councils file (rather than "Add a council")
    changes: tuple[ChangedValue, ...]
    confirmed: tuple[str, ...]  # the assumed values it took off the list to confirm


def version_history(council_id: str) -> list[VersionChanges]:
    """Every version of the council's settings, newest first, with what it changed."""
    document: dict[str, Any] = {}
    views = []
    for version in council_settings.versions_of(council_id):
        changes = [
            change
            for section, value in version.changes.items()
            if section != "to_confirm"
            for change in changed_values(document.get(section), value, section)
        ]
        assumed = document.get("to_confirm") or {}
        still = version.changes.get("to_confirm", assumed)
        views.append(
            VersionChanges(
                version,
                first=not document,
                imported=version.reason == council_settings.SEED_REASON,
                changes=tuple(changes),
                confirmed=tuple(k for k in assumed if k not in still),
            )
        )
        document = {**document, **version.changes}
    return views[::-1]
