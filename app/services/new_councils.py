"""A new council in one go (issue 16): an administrator of the service adds it from the browser
or the API, and nobody edits a file.

``add_council`` writes, in one transaction, each step with its audit entry in the new council's
list:

- the council's row (name, nation, county, reference prefix) and its county's, when the county is new;
- its settings as version 1: its contacts, and for everything else the Act's floor and the usual
  windows, each marked "to confirm" (``app.councils.new_council_settings``), checked by the same
  schema as every settings change;
- a process of its own whose version 1 is a copy of the diagram it starts from: the base diagram,
  or the version another council runs now. It is not live: the council's cases start once its
  process owner puts a version live (``POST /api/v1/processes/{key}/versions/{n}/activate``);
- the invitation of its first process owner (``app.services.people``): an e-mail with a one-time
  link to choose a password.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.councils import Council as CouncilPolicy
from app.councils import council_from_record, new_council_settings
from app.engine.properties import instance_spec, task_properties
from app.extensions import db
from app.models import Council, CouncilSettingsVersion, County, ProcessVersion, Role, User
from app.services import audit, councils, people
from app.services.council_settings import SEED_EFFECTIVE_FROM, forget_rows
from app.services.process_versions import STATUTORY_DEADLINES, record_process_change, title_of
from app.services.processes import BASE_PROCESS, copy_diagram, parsed, save_version
from app.store import processes as process_store


class NewCouncilForbidden(Exception):
    pass


class NewCouncilConflict(Exception):
    """The id or the reference prefix is another council's."""


class NewCouncilInvalid(Exception):
    """``messages``: field -> messages, as marshmallow gives them."""

    def __init__(self, messages: dict[str, Any]) -> None:
        super().__init__(str(messages))
        self.messages = messages


@dataclass(frozen=True)
class AddedCouncil:
    council: CouncilPolicy  # its settings, version 1
    process: ProcessVersion  # its own process's version 1, not live
    started_from: ProcessVersion  # the version it was copied from
    process_owner: people.Person

    @property
    def live_process(self) -> dict[str, Any]:
        return {"key": self.process.process_key, "version": None}

    @property
    def started_from_ref(self) -> dict[str, Any]:
        return {"key": self.started_from.process_key, "version": self.started_from.number}


def may_add_councils(user: User | None) -> bool:
    return user is not None and user.service_admin


def diagram_choices() -> list[tuple[CouncilPolicy, ProcessVersion]]:
    """The councils whose live version a new council may start from, by name."""
    registry = councils.registry()
    live = process_store.active_versions(list(registry.councils))
    return [(council, live[council.id]) for council in registry if council.id in live]


def add_council(admin: User, new: Mapping[str, Any]) -> AddedCouncil:
    """Add the council ``new`` describes (as app.schemas.councils.NewCouncilSchema loads it).
    NewCouncilForbidden unless ``admin`` administers the service; NewCouncilConflict when its id or
    reference prefix is taken; NewCouncilInvalid with every field problem found. Commits."""
    if not may_add_councils(admin):
        raise NewCouncilForbidden("Only an administrator of the service adds councils.")
    council_id = new["id"]
    _check_free(council_id, new["reference_prefix"])
    source = _source_version(new.get("diagram_from"))
    county_problem = _county_problem(new["county"], new.get("county_name"))
    if county_problem:
        raise NewCouncilInvalid({"county_name": [county_problem]})

    process_key = _free_process_key(council_id)
    record = {
        "name": new["name"], "nation": new["nation"], "county": new["county"],
        "reference_prefix": new["reference_prefix"], "process_key": process_key, "sender": "smtp",
        "consent": {}, "ineligible_review": None,
    }  # fmt: skip
    settings = new_council_settings(new["contacts"], _limits_to_confirm(source))
    try:
        policy = council_from_record(council_id, record, settings)
    except ValidationError as exc:  # the contacts, by the settings' own schema
        raise NewCouncilInvalid(
            exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        ) from None
    reason = new.get("reason") or f"Added by {admin.email}"
    try:
        if db.session.get(County, new["county"]) is None:
            db.session.add(County(id=new["county"], name=new["county_name"].strip()))
            db.session.flush()
        db.session.add(Council(id=council_id, **record))
        db.session.flush()
        _store_settings(admin, council_id, settings, reason)
        version = save_version(
            process_key,
            copy_diagram(source, process_key, f"Community Trigger: {policy.name}"),
            created_by_id=admin.id,
            note=f"Copied from {source.process_key} v{source.number} for {policy.name}",
        )
        record_process_change(admin.email, "version_saved", version)
        owner = people.add_to_council(
            admin, council_id, email=new["process_owner"]["email"], name=new["process_owner"].get("name"),
            roles=[Role.PROCESS_OWNER.value], reason=reason,
        )  # fmt: skip
        audit.record(
            council_id=council_id, actor=admin.email, action="council.created", subject=policy.name, reason=reason,
            details={**{k: v for k, v in record.items() if k in ("name", "nation", "county", "reference_prefix")},
                     "process": process_key, "started_from": f"{source.process_key} v{source.number}",
                     "process_owner": owner.email},
        )  # fmt: skip
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise NewCouncilConflict(
            f"A council {council_id!r} or with the reference prefix {new['reference_prefix']!r} was added "
            "at the same moment."
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    forget_rows()
    return AddedCouncil(
        councils.policy_for(council_id), version, source, people.person_at(admin, council_id, owner.id)
    )


def _check_free(council_id: str, reference_prefix: str) -> None:
    if db.session.get(Council, council_id) is not None:
        raise NewCouncilConflict(f"There is already a council {council_id!r}.")
    owner = db.session.scalar(select(Council.id).where(Council.reference_prefix == reference_prefix))
    if owner is not None:
        raise NewCouncilConflict(f"The reference prefix {reference_prefix!r} is already {owner!r}'s.")


def _source_version(council_id: str | None) -> ProcessVersion:
    """The version a new council starts from: the council's live one, else the base diagram's latest."""
    if council_id is None:
        version = process_store.latest_version(BASE_PROCESS)
        if version is None:
            raise NewCouncilInvalid(
                {"diagram_from": ["The base diagram is not loaded: run ctflow councils import."]}
            )
        return version
    version = process_store.active_version_for(council_id) if isinstance(council_id, str) else None
    if version is None:
        raise NewCouncilInvalid(
            {
                "diagram_from": [
                    f"No council {council_id!r} runs a live diagram to start from; leave it out for the base diagram."
                ]
            }
        )
    return version


def _county_problem(county_id: str, county_name: str | None) -> str | None:
    existing = db.session.get(County, county_id)
    if existing is None and not (county_name or "").strip():
        return f'Required for a new county ({county_id!r} is not one yet): its name, e.g. "Derbyshire".'
    if existing is not None and county_name is not None and county_name.strip() != existing.name:
        return f"The county {county_id!r} is {existing.name!r} already; leave its name out."
    return None


def _free_process_key(council_id: str) -> str:
    """``community_trigger_<id>``, or with a number after it when another process has that key."""
    base = "community_trigger_" + council_id.replace("-", "_")
    key, n = base, 1
    while process_store.latest_version(key) is not None:
        n += 1
        key = f"{base}_{n}"
    return key


def _limits_to_confirm(source: ProcessVersion) -> dict[str, str]:
    """Every statutory time limit of the diagram copied: assumed until the new council confirms it."""
    title = f"{title_of(source)} (version {source.number})"
    limits = {}
    for spec in parsed(source).element_specs():
        props = task_properties(instance_spec(spec))
        if props.get("dueOn") and props.get("deadline") in STATUTORY_DEADLINES:
            limits[f"diagram.{spec.bpmn_id}.dueOn"] = (
                f"A new council: the time limit of {title}, the diagram it started from; no source of "
                "this council states it yet."
            )
    return limits


def _store_settings(admin: User, council_id: str, settings: dict[str, Any], reason: str) -> None:
    db.session.add(
        CouncilSettingsVersion(
            council_id=council_id, number=1, effective_from=SEED_EFFECTIVE_FROM, created_at=clock.now(),
            created_by=admin.email, reason=reason, changes=settings,
        )
    )  # fmt: skip
    audit.record(
        council_id=council_id, actor=admin.email, action="settings.created", subject=", ".join(settings),
        reason=reason, details={"version": 1, "to_confirm": sorted(settings["to_confirm"])},
    )  # fmt: skip
