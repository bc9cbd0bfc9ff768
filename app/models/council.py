"""A council row: the identity that memberships and cases point at.

Its policy (calendar, threshold, letters) comes from ``processes/councils.toml`` through
``app.councils``; the row only carries what the database must join on or list.
"""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db


class Council(db.Model):
    __tablename__ = "council"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # slug, e.g. "derby-city"
    name: Mapped[str] = mapped_column(String(200))
    nation: Mapped[str] = mapped_column(String(16))
    county: Mapped[str] = mapped_column(String(64), index=True)
    reference_prefix: Mapped[str] = mapped_column(String(8), unique=True)

    def __repr__(self) -> str:
        return f"<Council {self.id}>"
