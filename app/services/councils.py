"""The councils: read from the database (their rows and settings versions), seeded from the
councils file."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app

from app.councils import Council as CouncilPolicy
from app.councils import CouncilRegistry, council_record
from app.extensions import db
from app.models import Council, County, Role, User


def registry() -> CouncilRegistry:
    """Every council in the database, by name, with its settings in force today, and their
    counties (app/services/council_settings.py)."""
    from app.services.council_settings import council_registry

    return council_registry()


def seed_registry() -> CouncilRegistry:
    """The councils file (CTFLOW_COUNCILS_FILE), as checked at start-up: the seed of the rows
    and their settings, nothing more."""
    return current_app.extensions["ctflow.councils_file"]


def policy_for(council_id: str) -> CouncilPolicy | None:
    """The council's settings in force today (app/services/council_settings.py)."""
    from app.services.council_settings import settings_for

    return settings_for(council_id)


def sync_council_rows() -> list[str]:
    """Insert or update a row for every council of the file, and its county; returns the ids
    written. Councils the file does not have (added in the browser) are left alone. Idempotent;
    commits."""
    from app.services.council_settings import forget_rows

    seed = seed_registry()
    for county in seed.counties.values():
        row = db.session.get(County, county.id) or County(id=county.id)
        row.name = county.name
        db.session.add(row)
    written = []
    for policy in seed:
        row = db.session.get(Council, policy.id) or Council(id=policy.id)
        for name, value in council_record(policy).items():
            setattr(row, name, value)
        db.session.add(row)
        written.append(policy.id)
    db.session.commit()
    forget_rows()
    return written


def councils_visible_to(user: User) -> list[CouncilPolicy]:
    """The councils a user belongs to, by name."""
    mine = set(user.council_ids)
    return [policy_for(policy.id) for policy in registry() if policy.id in mine]


def visible_council(user: User, council_id: str) -> CouncilPolicy | None:
    """The council if the user may see it; None both when it does not exist and when it is not theirs."""
    if council_id not in user.council_ids:
        return None
    return policy_for(council_id)


# --- Running a council: its settings, audit list and people -----------------------------------
# One rule for the three: a council's admins and every administrator of the service (who adds
# councils, so must set up one where they hold no role) administer it; the pages' other readers
# are named by each (settings: the council's staff; audit: its managers) and are the council's.


def administers(user: User, council_id: str) -> bool:
    """Whether the user changes everything about the council: settings, people and roles."""
    return user.service_admin or Role.ADMIN in user.roles_in(council_id)


def reads(user: User, council_id: str, roles: Collection[Role]) -> bool:
    """Whether the user reads something of the council's that its ``roles`` read, and its administrators."""
    return administers(user, council_id) or bool(user.roles_in(council_id) & set(roles))


def reachable_councils(user: User) -> list[CouncilPolicy]:
    """The councils whose administration the user may be told of, by name: their own, and every
    council for an administrator of the service."""
    return list(registry()) if user.service_admin else councils_visible_to(user)


def reachable_council(user: User, council_id: str) -> CouncilPolicy | None:
    """The council if the user may be told of its administration (a 403 where they may not read
    a part); None, a 404, when it does not exist or is neither theirs nor the service's admin's."""
    if not (user.service_admin or council_id in user.council_ids):
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
    """The user's councils (an administrator of the service: every council, as they may add one
    starting from any of their diagrams) with their live process versions, read in one query."""
    from app.store.processes import active_versions

    policies = reachable_councils(user)
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
