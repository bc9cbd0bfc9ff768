"""Is this instance ready for traffic: does the database answer, and is its schema the one this
code was written for (the Alembic head of migrations/versions)?

A process started before ``ctflow db upgrade`` has run, or by a rollback to older code, would
answer requests against a schema it does not know; the load balancer keeps it out until then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app

from app.extensions import db

logger = logging.getLogger(__name__)

HEADS = "ctflow.migration_heads"  # app.extensions: the scripts' heads, read once

REASONS = {
    "missing": "The database has no schema yet: run `ctflow db upgrade`.",
    "behind": "The database schema is behind this version of ctflow: run `ctflow db upgrade`.",
    "unknown": "The database schema is newer than this version of ctflow (a later release migrated it).",
}


@dataclass(frozen=True)
class Readiness:
    database: str  # ok | unreachable
    schema: str  # current | missing | behind | unknown (unknown also when the database is unreachable)

    @property
    def ready(self) -> bool:
        return self.database == "ok" and self.schema == "current"

    @property
    def reason(self) -> str | None:
        if self.database != "ok":
            return "The database cannot be reached."
        return REASONS.get(self.schema)


def check_readiness() -> Readiness:
    heads = expected_heads()
    try:
        current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    except Exception:  # any driver error means the same thing here: not ready
        logger.warning("Readiness: the database did not answer", exc_info=True)
        return Readiness(database="unreachable", schema="unknown")
    finally:
        db.session.rollback()
    state = _compare(current, heads)
    if state != "current":
        logger.warning(
            "Readiness: schema %s (database at %s, code at %s)", state, sorted(current), sorted(heads)
        )
    return Readiness(database="ok", schema=state)


def _compare(current: set[str], heads: frozenset[str]) -> str:
    if current == heads:
        return "current"
    if not current:
        return "missing"
    known = _scripts()
    if all(_is_known(known, revision) for revision in current):
        return "behind"
    return "unknown"


def _is_known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic's "no such revision" (ResolutionError and kin)
        return False


def expected_heads() -> frozenset[str]:
    """The head revision(s) of the migration scripts; they cannot change while the code runs."""
    heads = current_app.extensions.get(HEADS)
    if heads is None:
        heads = current_app.extensions[HEADS] = frozenset(_scripts().get_heads())
    return heads


def _scripts() -> ScriptDirectory:
    config = AlembicConfig()
    config.set_main_option("script_location", current_app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config)
