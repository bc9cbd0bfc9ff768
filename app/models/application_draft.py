"""An application in progress on the public form, kept on the server (not in the cookie, which
browsers cap at about 4 KB: a long account of the incidents would be silently lost)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime


class ApplicationDraft(db.Model):
    __tablename__ = "application_draft"

    # sha256 of the random id held in the applicant's signed session cookie
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"))
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
