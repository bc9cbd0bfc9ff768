"""How often one source address has recently started applications or sent them (the public
form's limits, ``app.services.apply_limits``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ApplySource(db.Model):
    __tablename__ = "apply_source"

    # HMAC of the address under the secret key: the limit needs to recognise an address, not
    # to keep it.
    source_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # "draft" or "case"
    # The sliding window's log: POSIX seconds of the hits still inside the window, oldest first
    # (never more than the limit).
    hits: Mapped[list[float]] = mapped_column(JSON)
    # The last hit: rows of addresses not seen for longer than any window are deleted.
    last_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
