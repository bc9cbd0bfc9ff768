"""A council's settings, kept as versions in the database (issue 16); the one place that answers
"the settings of council C effective on day D".

``processes/councils.toml`` is the seed: ``import_settings`` (``ctflow councils import`` and
``ctflow seed-demo``) stores it as a version. Each later change is a version of the sections it
changed, with who, when, why and the day it applies from; the settings on a day are the file's,
with the sections of every version effective by that day laid over them in number order.

- ``settings_for(council_id, on)``: the council on a day (today by default). Council-wide readers
  use it (through ``app.services.councils.policy_for``): the calendar, contacts, letter wording.
- ``settings_for_case(case)``: the policy a case was received under (threshold, appeal,
  not_met_review: the version stored on the case at receipt) with today's closures, contacts and
  wording, so a closure added later moves its due dates and a letter sent today carries today's
  telephone number, while the case keeps the evaluation it had.
- ``change(...)``: a new version, checked by the file's own schema, with an audit entry for each
  section changed; a change of closures moves the due dates of the open tasks it touches, with a
  history entry on each case (``preview`` shows that without saving).

Speed: every completion reads its case's settings. Versions never change, so a council's are read
once and each combination built once, per process; a transaction asks the database only for the
council's row and latest version number (app/store/councils.py: read with the case where a case
is read, remembered until the transaction ends) to learn of versions another process wrote.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from types import MappingProxyType
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import clock
from app.councils import (
    SETTINGS_SECTIONS,
    Council,
    CouncilRegistry,
    County,
    council_from_record,
    settings_document,
    with_settings,
)
from app.domain.calendar import ClosureDays, format_date
from app.extensions import db
from app.models import Case, CaseStatus, CouncilSettingsVersion, Role, TaskStatus, User
from app.services import audit
from app.store import councils as council_store

# The seed applies to every application: the Community Trigger began with s.104 of the 2014 Act,
# in force on 20 October 2014.
SEED_EFFECTIVE_FROM = date(2014, 10, 20)
SEED_REASON = "Loaded from the councils file"
# What a case keeps from the settings at its receipt; every other section is read as it is today.
POLICY_SECTIONS = ("threshold", "appeal", "not_met_review")
# Who may change what (spec/API.md): admins everything, process owners the policy.
EDITABLE_SECTIONS = tuple(s for s in SETTINGS_SECTIONS if s != "to_confirm")
OWNER_SECTIONS = POLICY_SECTIONS
# Besides the policy, process owners confirm the assumed values of the diagrams and of the
# policy the file keeps (consent, ineligible review): all but contacts, closures, letters, retention.
OWNER_CONFIRMS = (*POLICY_SECTIONS, "diagram", "consent", "ineligible_review")
READ_ROLES = {
    Role.ADMIN, Role.PROCESS_OWNER, Role.COMMUNITY_SAFETY_MANAGER, Role.COMMUNITY_SAFETY_OFFICER,
    Role.PANEL_CHAIR, Role.APPEAL_BODY,
}  # fmt: skip

# session.info: the registry built on the council rows this transaction read
# (app/store/councils.py), forgotten when the transaction ends.
_REGISTRY = "ctflow.council_registry"


class SettingsNotFound(Exception):
    """No such council among the caller's."""


class SettingsForbidden(Exception):
    pass


class SettingsConflict(Exception):
    pass


class SettingsInvalid(Exception):
    """``messages``: field -> messages, nested as marshmallow gives them."""

    def __init__(self, messages: dict[str, Any]) -> None:
        super().__init__(str(messages))
        self.messages = messages


@dataclass(frozen=True)
class Version:
    """A stored version, as the cache keeps it (no session attached)."""

    number: int
    effective_from: date
    created_at: datetime
    created_by: str
    reason: str
    changes: Mapping[str, Any]


@dataclass
class _Cache:
    versions: dict[str, tuple[Version, ...]] = field(default_factory=dict)
    # council id -> (the row's record, the file's council, the council built on them)
    bases: dict[str, tuple[Mapping[str, Any], Council | None, Council]] = field(default_factory=dict)
    # (council id, version numbers applied) -> (the file's council it was built on, the result)
    built: dict[tuple[str, tuple[int, ...]], tuple[Council, Council]] = field(default_factory=dict)
    combined: dict[tuple[int, int], Council] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


# While a change is previewed or applied, the council's versions as they would be, read from here
# instead of the database and never cached (a version rolled back must leave no trace).
_pending: ContextVar[dict[str, tuple[Version, ...]] | None] = ContextVar("pending_settings", default=None)


@event.listens_for(Session, "after_transaction_end")
def _forget_rows(session: Session, _transaction) -> None:
    forget_rows(session)


def forget_rows(session: Session | None = None) -> None:
    """Read the council rows again at the next question (after this transaction wrote one)."""
    council_store.forget_rows(session)
    (session or db.session).info.pop(_REGISTRY, None)


def _cache() -> _Cache:
    return current_app.extensions.setdefault("ctflow.settings_cache", _Cache())


def forget_cache() -> None:
    """Drop what this process remembers (tests empty the tables underneath a running app)."""
    current_app.extensions.pop("ctflow.settings_cache", None)


def _latest_number(council_id: str) -> int | None:
    row = council_store.council_row(council_id)
    return row.latest_settings if row is not None else None


def versions_of(council_id: str) -> tuple[Version, ...]:
    """The council's versions, oldest first."""
    pending = _pending.get()
    if pending is not None and council_id in pending:
        return pending[council_id]
    cache = _cache()
    cached = cache.versions.get(council_id, ())
    latest = _latest_number(council_id)
    if (cached[-1].number if cached else None) != latest:
        rows = db.session.scalars(
            select(CouncilSettingsVersion)
            .where(CouncilSettingsVersion.council_id == council_id)
            .order_by(CouncilSettingsVersion.number)
        )
        cached = tuple(
            Version(
                r.number, r.effective_from, r.created_at, r.created_by, r.reason, MappingProxyType(r.changes)
            )
            for r in rows
        )
        with cache.lock:
            cache.versions[council_id] = cached
    return cached


def _base(council_id: str) -> Council | None:
    """The council its row describes, with its seed settings: the file's where the file has the
    council, else its version 1 (a council added in the browser). None: no such council."""
    from app.services.councils import seed_registry

    row = council_store.council_row(council_id)
    if row is None:
        return None
    seed = seed_registry().get(council_id)
    if row.record["process_key"] is None:
        return seed  # written before migration 0021 and not imported since: the file's
    cache = _cache()
    hit = cache.bases.get(council_id)
    if hit is not None and hit[0] == row.record and hit[1] is seed:
        return hit[2]
    if seed is not None:
        settings = settings_document(seed)
    else:
        versions = versions_of(council_id)
        if not versions:
            return None  # never happens: a council is added with its version 1
        settings = versions[0].changes
    base = council_from_record(council_id, row.record, settings)
    with cache.lock:
        cache.bases[council_id] = (row.record, seed, base)
    return base


def council_registry() -> CouncilRegistry:
    """Every council with its settings in force today, by name, and the counties they are in."""
    today = clock.today()
    cached = db.session.info.get(_REGISTRY)
    if cached is not None and cached[0] == today:
        return cached[1]
    rows = council_store.council_rows()
    councils = {c: settings for c in rows if (settings := settings_for(c, today)) is not None}
    names = {row.record["county"]: row.county_name for row in rows.values()}
    counties = {
        county_id: County(county_id, name, tuple(c.id for c in councils.values() if c.county == county_id))
        for county_id, name in sorted(names.items(), key=lambda item: item[1])
    }
    registry = CouncilRegistry(councils=councils, counties=counties)
    db.session.info[_REGISTRY] = (today, registry)
    return registry


def settings_for(council_id: str, on: date | None = None, *, up_to: int | None = None) -> Council | None:
    """The council's settings effective on ``on`` (default today), from the versions numbered up
    to ``up_to`` (default all); None for a council not configured."""
    base = _base(council_id)
    if base is None:
        return None
    on = on or clock.today()
    applied = tuple(
        v for v in versions_of(council_id) if v.effective_from <= on and (up_to is None or v.number <= up_to)
    )
    if not applied:
        return base  # not imported yet: the file's values
    key = (council_id, tuple(v.number for v in applied))
    cache = _cache()
    hit = cache.built.get(key)
    if hit is not None and hit[0] is base and _pending.get() is None:
        return hit[1]
    built = _build(base, applied)
    if _pending.get() is None:
        with cache.lock:
            cache.built[key] = (base, built)
    return built


def _build(base: Council, applied: tuple[Version, ...]) -> Council:
    document = settings_document(base)
    for version in applied:
        document.update(version.changes)
    return with_settings(base, document, version=applied[-1].number)


def settings_for_case(case: Case) -> Council:
    """The settings a case runs under: the policy in force when it was received, and the
    closures, contacts, letter wording and retention of today."""
    today = settings_for(case.council_id)
    # A case opened before settings were versioned ran under the file's: version 1.
    at_receipt = settings_for(case.council_id, case.received_on, up_to=case.settings_version or 1)
    if today is None or at_receipt is None or today is at_receipt:
        return today or at_receipt
    cache = _cache()
    key = (id(today), id(at_receipt))
    combined = cache.combined.get(key) if _pending.get() is None else None
    if combined is None:
        combined = replace(
            today,
            **{section: getattr(at_receipt, section) for section in POLICY_SECTIONS},
            settings_version=at_receipt.settings_version,
        )
        if _pending.get() is None:
            with cache.lock:
                # Both keys are objects the cache keeps alive, so their ids are not reused.
                cache.combined[key] = combined
    return combined


def settings_at_receipt(council_id: str, received_on: date) -> Council | None:
    """The settings an application received that day is evaluated under, for good: its
    ``settings_version`` is stored on the case. Stores the file's as version 1 if there is none."""
    if _base(council_id) is None:
        return None
    ensure_seeded(council_id)
    return settings_for(council_id, received_on)


def ensure_seeded(council_id: str, actor: str = "system") -> None:
    """Version 1, the file's settings, for a council that has no version yet (in the caller's
    transaction). Two at once write it once: the second insert does nothing."""
    if versions_of(council_id):
        return
    base = _base(council_id)
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    db.session.execute(
        insert(CouncilSettingsVersion)
        .values(
            council_id=council_id, number=1, effective_from=SEED_EFFECTIVE_FROM, created_at=clock.now(),
            created_by=actor, reason=SEED_REASON, changes=settings_document(base),
        )
        .on_conflict_do_nothing(index_elements=[CouncilSettingsVersion.council_id, CouncilSettingsVersion.number])
    )  # fmt: skip
    forget_rows()


# --- Reading, for the API and the page ------------------------------------------------------


def readable_council(user: User, council_id: str) -> Council:
    """The council's settings today if the user may read them (its staff and its administrators,
    app/services/councils.py); SettingsNotFound when it is not theirs, SettingsForbidden for a partner."""
    from app.services import councils

    council = councils.reachable_council(user, council_id)
    if council is None:
        raise SettingsNotFound(council_id)
    if not councils.reads(user, council_id, READ_ROLES):
        raise SettingsForbidden("Partner agencies do not see a council's settings.")
    return council


def editable_sections(user: User, council_id: str) -> tuple[str, ...]:
    from app.services.councils import administers

    if administers(user, council_id):
        return EDITABLE_SECTIONS
    if Role.PROCESS_OWNER in user.roles_in(council_id):
        return OWNER_SECTIONS
    return ()


def may_confirm(user: User, council_id: str, key: str) -> bool:
    from app.services.councils import administers

    return administers(user, council_id) or (
        Role.PROCESS_OWNER in user.roles_in(council_id) and key.split(".")[0] in OWNER_CONFIRMS
    )


# --- Changing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DueDateMove:
    case_id: int
    reference: str
    kind: str  # "task" (an open task) or "deadline" (a statutory deadline not yet met)
    id: int  # of the task or the deadline
    what: str
    before: date
    after: date


@dataclass(frozen=True)
class ChangeResult:
    settings: Council
    version: int | None  # None: nothing changed
    moves: tuple[DueDateMove, ...] = ()


def change(
    user: User,
    council_id: str,
    *,
    sections: Mapping[str, Any],
    confirm: tuple[str, ...] = (),
    reason: str,
    effective_from: date | None = None,
    dry_run: bool = False,
) -> ChangeResult:
    """Store a new version with ``sections`` (each object merged key by key over the one in force,
    a key given null taken back to its default; lists and plain values replaced) and the
    ``confirm``ed assumed values, effective from ``effective_from`` (default today). ``dry_run``:
    the same checks and the same effect on due dates, nothing saved. Commits."""
    _authorise(user, council_id, sections, confirm)
    ensure_seeded(council_id)
    today = clock.today()
    effective_from = effective_from or today
    if effective_from < today:
        raise SettingsInvalid(
            {
                "effective_from": [
                    "Must be today or later: a change never applies to applications already received."
                ]
            }
        )
    if "closures" in sections and effective_from != today:
        # Each closure is a day of its own, and adding one moves open due dates at once.
        others = " Change the other sections in a request of their own." if len(sections) > 1 else ""
        raise SettingsInvalid(
            {
                "effective_from": [
                    f"Closures apply from today, {format_date(today)}, not {format_date(effective_from)}: "
                    f"each closure is a day of its own. Leave effective_from out.{others}"
                ]
            }
        )
    before = settings_for(council_id, effective_from)
    current = settings_document(before)
    changed = _changes(current, sections, confirm)
    if not changed:
        return ChangeResult(before, None)

    number = (versions_of(council_id)[-1].number if versions_of(council_id) else 0) + 1
    now = clock.now()
    version = Version(number, effective_from, now, user.email, reason, MappingProxyType(changed))
    token = _pending.set({**(_pending.get() or {}), council_id: (*versions_of(council_id), version)})
    try:
        moves = (
            _move_due_dates(council_id, user.email, version, before.closures) if "closures" in changed else ()
        )
        if dry_run:
            db.session.rollback()
            return ChangeResult(settings_for(council_id, effective_from), number, moves)
        db.session.add(
            CouncilSettingsVersion(
                council_id=council_id, number=number, effective_from=effective_from, created_at=now,
                created_by=user.email, reason=reason, changes=dict(changed),
            )
        )  # fmt: skip
        _audit(council_id, user.email, version, current, confirm)
        result = ChangeResult(settings_for(council_id, effective_from), number, moves)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise SettingsConflict(
            "Someone else changed these settings at the same moment; reload them and try again."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    finally:
        _pending.reset(token)
    return result


def _authorise(user: User, council_id: str, sections: Mapping[str, Any], confirm: tuple[str, ...]) -> None:
    readable_council(user, council_id)
    allowed = editable_sections(user, council_id)
    if not allowed:
        raise SettingsForbidden("Only the council's admins and process owners change its settings.")
    refused = [s for s in sections if s not in allowed]
    if refused:
        raise SettingsForbidden(
            f"Process owners change only {', '.join(OWNER_SECTIONS)}; not {', '.join(refused)}."
        )
    not_theirs = [k for k in confirm if not may_confirm(user, council_id, k)]
    if not_theirs:
        raise SettingsForbidden(f"Only the council's admins confirm {', '.join(not_theirs)}.")


def _changes(
    current: dict[str, Any], sections: Mapping[str, Any], confirm: tuple[str, ...]
) -> dict[str, Any]:
    """The sections that differ from ``current`` once ``sections`` are merged over it and the
    values given (or confirmed) are taken off the list to confirm; SettingsInvalid with every
    problem the file's schema finds."""
    document = {**current, **{s: _merged(current.get(s), v) for s, v in sections.items()}}
    problems = _check(document)
    to_confirm = dict(document.get("to_confirm") or {})
    unknown = [k for k in confirm if k not in to_confirm]
    if unknown:
        problems.setdefault("confirm", []).append(
            f"Not a value to confirm: {', '.join(unknown)}. To confirm now: {', '.join(to_confirm) or 'nothing'}."
        )
    if problems:
        raise SettingsInvalid(problems)
    changed = {s: document[s] for s in EDITABLE_SECTIONS if document[s] != current[s]}
    # A value the council has now stated is no longer assumed.
    for key in list(to_confirm):
        if key in confirm or value_at(document, key) != value_at(current, key):
            to_confirm.pop(key)
    if to_confirm != current.get("to_confirm"):
        changed["to_confirm"] = to_confirm
    return changed


def _merged(current: Any, given: Any) -> Any:
    """An object merged key by key over the current one (null removes a key); anything else replaces."""
    if isinstance(current, dict) and isinstance(given, dict):
        merged = dict(current)
        for key, value in given.items():
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged
    return given


def _check(document: dict[str, Any]) -> dict[str, Any]:
    from app.councils import SettingsSchema

    try:
        SettingsSchema().load(document)
    except ValidationError as exc:
        return dict(exc.messages) if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    return {}


def value_at(document: Mapping[str, Any], key: str) -> Any:
    """The value at a dotted key ("appeal.within_days"), or None."""
    value: Any = document
    for part in key.split("."):
        value = value.get(part) if isinstance(value, Mapping) else None
    return value


def _audit(
    council_id: str, actor: str, version: Version, before: dict[str, Any], confirm: tuple[str, ...]
) -> None:
    for section, value in version.changes.items():
        if section == "to_confirm":
            continue
        audit.record(
            council_id=council_id, actor=actor, action="settings.changed", subject=section, reason=version.reason,
            details={"version": version.number, "effective_from": version.effective_from.isoformat(),
                     "before": before.get(section), "after": value},
        )  # fmt: skip
    for key in confirm:
        audit.record(
            council_id=council_id, actor=actor, action="settings.confirmed", subject=key, reason=version.reason,
            details={"version": version.number, "value": value_at(before, key),
                     "was": before.get("to_confirm", {}).get(key)},
        )  # fmt: skip


def _move_due_dates(
    council_id: str, actor: str, version: Version, closures_before: ClosureDays
) -> tuple[DueDateMove, ...]:
    """Run every open case of the council again under the new closures, its waiting timers set
    for a date worked out again (``CaseRun.redate_timers``: an escalation follows its task's due
    date, and ``next_timer_at`` with it; one the change brings due fires now). Each open task and
    each statutory deadline not yet met whose due date moves is recorded, with a history entry on
    its case naming the closure days (with their labels) that moved it."""
    from app.engine.runtime import WorkflowError
    from app.services.case_runs import add_history, run_case

    closures_after = settings_for(council_id).closures
    moves: list[DueDateMove] = []
    cases = db.session.scalars(
        select(Case).where(Case.council_id == council_id, Case.status == CaseStatus.OPEN).order_by(Case.id)
    ).all()
    for case in cases:
        before = _due_dates(case)
        try:
            run_case(case, actor, lambda run, workflow: run.redate_timers(workflow))
        except WorkflowError as exc:
            raise SettingsConflict(
                f"Case {case.reference} could not be run under the new closures, so nothing was saved: {exc}"
            ) from exc
        after = _due_dates(case)
        moved = [
            DueDateMove(case.id, case.reference, kind, row_id, name, due, after[(kind, row_id)][1])
            for (kind, row_id), (name, due) in before.items()
            if (kind, row_id) in after and after[(kind, row_id)][1] != due
        ]
        for move in moved:
            why = _closures_changed(closures_before, closures_after, max(move.before, move.after))
            add_history(
                case, actor, "due_date_moved",
                f"{move.what}: due {move.before.isoformat()} → {move.after.isoformat()} "
                f"({why + '; ' if why else ''}settings version {version.number}: {version.reason})",
            )  # fmt: skip
        moves.extend(moved)
    return tuple(moves)


def _closures_changed(before: ClosureDays, after: ClosureDays, until: date) -> str:
    """The closure days from today to ``until`` that a change added or took away, in words, each
    with its label: "closed 24 December 2026 (Christmas Eve)"."""
    day, found = clock.today(), {"closed": [], "open again": []}
    while day <= until:
        if (day in after) != (day in before):
            closures = after if day in after else before
            label = closures.label_of(day)
            found["closed" if day in after else "open again"].append(
                format_date(day) + (f" ({label})" if label else "")
            )
        day += timedelta(days=1)
    return "; ".join(f"{what} {', '.join(days)}" for what, days in found.items() if days)


def _due_dates(case: Case) -> dict[tuple[str, int], tuple[str, date]]:
    """(kind, row id) -> (what, due on) of the case's open tasks and deadlines not yet met."""
    dates = {
        ("task", t.id): (t.name, t.due_on) for t in case.tasks if t.status == TaskStatus.OPEN and t.due_on
    }
    dates |= {("deadline", d.id): (d.label, d.due_on) for d in case.deadlines if d.done_on is None}
    return dates


# --- Importing the file -----------------------------------------------------------------------


def import_settings(source: str, actor: str = "cli", *, update: bool = False) -> dict[str, int | None]:
    """Store each configured council's settings from the file as version 1 where it has none (the
    seed, applying to every application). After that the database is the truth: a council's
    changes are never overwritten by an upgrade's import, unless ``update``, which stores the
    sections that differ from the file as a new version applying from today. Council id -> the
    version written, or None. Commits."""
    from app.services.councils import seed_registry

    written: dict[str, int | None] = {}
    for base in seed_registry():
        existing = versions_of(base.id)
        document = settings_document(base)
        if not existing:
            number, effective_from, changes = 1, SEED_EFFECTIVE_FROM, document
        elif not update:
            changes = {}
        else:
            latest = settings_document(_build(base, existing))
            changes = {s: v for s, v in document.items() if latest.get(s) != v}
            number, effective_from = existing[-1].number + 1, clock.today()
        if not changes:
            written[base.id] = None
            continue
        reason = f"Loaded from {source}" if existing else SEED_REASON
        db.session.add(
            CouncilSettingsVersion(
                council_id=base.id, number=number, effective_from=effective_from, created_at=clock.now(),
                created_by=actor, reason=reason, changes=changes,
            )
        )  # fmt: skip
        audit.record(
            council_id=base.id, actor=actor, action="settings.imported", subject=", ".join(changes), reason=reason,
            details={"version": number, "effective_from": effective_from.isoformat()},
        )  # fmt: skip
        written[base.id] = number
    db.session.commit()
    return written
