"""The councils of the configuration file, and their rows in the database."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from app.councils import Council as CouncilPolicy
from app.councils import CouncilRegistry
from app.extensions import db
from app.models import Council, User


def registry() -> CouncilRegistry:
    return current_app.extensions["ctflow.councils"]


def policy_for(council_id: str) -> CouncilPolicy | None:
    """The council's settings in force today (app/services/council_settings.py)."""
    from app.services.council_settings import settings_for

    return settings_for(council_id)


def sync_council_rows() -> list[str]:
    """Insert or update a row for every configured council; returns the ids written. Idempotent."""
    written = []
    for policy in registry():
        row = db.session.get(Council, policy.id) or Council(id=policy.id)
        row.name, row.nation, row.county = policy.name, policy.nation, policy.county
        row.reference_prefix = policy.reference_prefix
        db.session.add(row)
        written.append(policy.id)
    db.session.commit()
    return written


def councils_visible_to(user: User) -> list[CouncilPolicy]:
    """The councils a user belongs to, in configuration order."""
    mine = set(user.council_ids)
    return [policy_for(policy.id) for policy in registry() if policy.id in mine]


def visible_council(user: User, council_id: str) -> CouncilPolicy | None:
    """The council if the user may see it; None both when it does not exist and when it is not theirs."""
    if council_id not in user.council_ids:
        return None
    return policy_for(council_id)


@dataclass(frozen=True)
class CouncilListing:
    """A council as the API lists it: its identity and the process version new cases start on."""

    id: str
    name: str
    nation: str
    county: str
    process: dict


def council_listings(user: User) -> list[CouncilListing]:
    """The user's councils with their live process versions, read in one query."""
    from app.store.processes import active_versions

    policies = councils_visible_to(user)
    live = active_versions([p.id for p in policies])
    return [
        CouncilListing(
            p.id,
            p.name,
            p.nation,
            p.county,
            {"key": live[p.id].process_key, "version": live[p.id].number}
            if p.id in live
            else {"key": p.process_key, "version": None},
        )
        for p in policies
    ]
