"""A council's statutory figures for a year, marked published by its manager (issue 15)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class FiguresPublication(db.Model):
    """Until a row exists for (council, year), the public sees nothing of that year."""

    __tablename__ = "figures_publication"

    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_by: Mapped[str] = mapped_column(String(254))
