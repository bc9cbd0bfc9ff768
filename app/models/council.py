"""A council and its county: the identity that memberships and cases point at, and the parts of
its policy that are not versioned settings.

The database is the truth: ``processes/councils.toml`` only seeds these rows (``ctflow councils
import``, ``ctflow seed-demo``), and an administrator of the service adds councils from the
browser or the API (app/services/council_admin.py). The versioned settings (closures, contacts,
threshold, letters...) are ``council_settings_version`` rows (app/models/settings.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class County(db.Model):
    """A county, for county-wide reports and figures: its councils are those naming it."""

    __tablename__ = "county"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # slug, e.g. "derbyshire"
    name: Mapped[str] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<County {self.id}>"


class Council(db.Model):
    __tablename__ = "council"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # slug, e.g. "derby-city"
    name: Mapped[str] = mapped_column(String(200))
    nation: Mapped[str] = mapped_column(String(16))
    county: Mapped[str] = mapped_column(ForeignKey("county.id"), index=True)
    reference_prefix: Mapped[str] = mapped_column(String(8), unique=True)
    # The process key the council's own diagram is saved under. None: a row written before
    # migration 0021 and not imported since, whose policy is still the councils file's.
    process_key: Mapped[str | None] = mapped_column(String(100))
    sender: Mapped[str] = mapped_column(String(16), default="smtp")  # app.councils.SENDERS
    # As app.councils.ConsentPolicySchema and IneligibleReviewSchema load them.
    consent: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    ineligible_review: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))

    def __repr__(self) -> str:
        return f"<Council {self.id}>"
