"""The council rows a transaction reads: each council's record, its county's name and its latest
settings version number (app/services/council_settings.py builds the settings on them).

A transaction reads a council's row once, and only the rows it asks for: a completion needs its
case's council alone, and the whole-case query (app/store/cases.py) reads that row with the case
(``row_columns``, ``remember_row``). What a transaction read is forgotten when it ends, so the
next one sees what another process wrote meanwhile (a new settings version, a renamed council).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, select
from sqlalchemy.orm import Session

from app.councils import RECORD_FIELDS
from app.extensions import db
from app.models import Council, CouncilSettingsVersion, County

# session.info: council id -> its Row (None: no such council) as this transaction read it; and
# whether every council's row was read.
_ROWS = "ctflow.council_rows"
_ALL = "ctflow.council_rows_all"


@dataclass(frozen=True)
class CouncilRow:
    """A council's row as a transaction read it, with its county's name and its latest settings
    version number (None: no version yet)."""

    id: str
    record: Mapping[str, Any]  # app.councils.RECORD_FIELDS
    county_name: str
    latest_settings: int | None

    @classmethod
    def of(cls, council_id: str, record: tuple, county_name: str, latest: int | None) -> CouncilRow:
        return cls(
            council_id, MappingProxyType(dict(zip(RECORD_FIELDS, record, strict=True))), county_name, latest
        )


def row_columns(council_id: ColumnElement[str]) -> list[ColumnElement]:
    """What a council row is read from, the council being ``council_id``'s; its FROM is
    ``row_from``. Columns: the id, RECORD_FIELDS, the county's name, the latest version number."""
    latest = (
        select(func.max(CouncilSettingsVersion.number))
        .where(CouncilSettingsVersion.council_id == council_id)
        .scalar_subquery()
    )
    return [Council.id, *(getattr(Council, f) for f in RECORD_FIELDS), County.name, latest]


def row_from(from_):
    """``from_`` joined to the council rows (their ``Council``) and their counties."""
    return from_.join(County, County.id == Council.county)


def row_of(values: tuple) -> CouncilRow:
    """The row from the values of ``row_columns``, in their order."""
    council_id, *record, county_name, latest = values
    return CouncilRow.of(council_id, tuple(record), county_name, latest)


@cache
def _rows_query(one: bool) -> Select:
    # Built once: building a statement costs more than running it on SQLite.
    query = select(*row_columns(Council.id)).select_from(row_from(Council.__table__))
    if one:
        return query.where(Council.id == bindparam("council_id"))
    return query.order_by(Council.name, Council.id)


def remember_row(row: CouncilRow) -> None:
    """A row this transaction read otherwise (with a case), so that asking for it reads nothing."""
    db.session.info.setdefault(_ROWS, {})[row.id] = row


def council_row(council_id: str) -> CouncilRow | None:
    """The council's row (None: no such council), read once a transaction."""
    info = db.session.info
    rows = info.setdefault(_ROWS, {})
    if council_id not in rows:
        if info.get(_ALL):
            return None
        found = db.session.execute(_rows_query(True), {"council_id": council_id}).first()
        rows[council_id] = row_of(tuple(found)) if found is not None else None
    return rows[council_id]


def council_rows() -> dict[str, CouncilRow]:
    """Every council's row, by name: one query, asked once a transaction."""
    info = db.session.info
    if not info.get(_ALL):
        info[_ROWS] = {row.id: row for row in map(row_of, db.session.execute(_rows_query(False)))}
        info[_ALL] = True
    return info[_ROWS]


def forget_rows(session: Session | None = None) -> None:
    """Read the rows again at the next question (at a transaction's end, or after it wrote one)."""
    info = (session or db.session).info
    info.pop(_ROWS, None)
    info.pop(_ALL, None)
