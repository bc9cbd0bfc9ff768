"""Applications in progress on the public form: saved on the server under a random id that only
the applicant's (signed) session knows, and forgotten a week after the last change."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from sqlalchemy import delete

from app import clock
from app.extensions import db
from app.models import ApplicationDraft

KEPT_FOR = timedelta(days=7)


def _hash(draft_id: str) -> str:
    return hashlib.sha256(draft_id.encode()).hexdigest()


def load_draft(draft_id: str | None, council_id: str) -> dict[str, Any]:
    """The answers so far, or {} for no draft, another council's draft or an expired one."""
    if not draft_id:
        return {}
    draft = db.session.get(ApplicationDraft, _hash(draft_id))
    if draft is None or draft.council_id != council_id or draft.updated_at < clock.now() - KEPT_FOR:
        return {}
    return dict(draft.answers)


def draft_exists(draft_id: str | None) -> bool:
    """Whether the id names a draft still kept (saving to it is not starting a new one)."""
    return bool(draft_id) and db.session.get(ApplicationDraft, _hash(draft_id)) is not None


def save_draft(draft_id: str | None, council_id: str, answers: dict[str, Any]) -> str:
    """Store the answers (commits); returns the draft's id, new if there was none."""
    draft_id = draft_id or secrets.token_urlsafe(32)
    now = clock.now()
    draft = db.session.get(ApplicationDraft, _hash(draft_id)) or ApplicationDraft(id_hash=_hash(draft_id))
    draft.council_id, draft.answers, draft.updated_at = council_id, answers, now
    db.session.add(draft)
    delete_expired(now)
    db.session.commit()
    return draft_id


def delete_expired(now=None) -> int:
    """Delete the drafts not changed for KEPT_FOR (the caller commits); how many. Saving a draft
    does it, and so does ``ctflow retention``, daily, for the days nobody applies."""
    result = db.session.execute(
        delete(ApplicationDraft).where(ApplicationDraft.updated_at < (now or clock.now()) - KEPT_FOR)
    )
    return result.rowcount or 0


def discard_draft(draft_id: str | None) -> None:
    if draft_id:
        db.session.execute(delete(ApplicationDraft).where(ApplicationDraft.id_hash == _hash(draft_id)))
        db.session.commit()
