"""The applicant's private status link: issued when a case opens, looked up by its hash, revocable.

Only the SHA-256 of the token is stored; the lookup is by that hash (an index lookup of a value
the caller cannot steer), so no token is ever compared character by character.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Case, StatusLink


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue(case: Case, revoke_earlier: bool = True) -> str:
    """A new link for the case (earlier ones revoked unless told otherwise); returns the token.
    Does not commit."""
    now = clock.now()
    if revoke_earlier:
        for link in db.session.scalars(select(StatusLink).filter_by(case_id=case.id, revoked_at=None)):
            link.revoked_at = now
    token = secrets.token_urlsafe(32)
    db.session.add(StatusLink(case_id=case.id, token_hash=_hash(token), created_at=now))
    return token


def status_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/status/{token}"


def case_for_token(token: str) -> Case | None:
    """The case a live link opens, or None (wrong, revoked or malformed token)."""
    if not token or len(token) > 100:
        return None
    link = db.session.scalars(select(StatusLink).filter_by(token_hash=_hash(token), revoked_at=None)).first()
    return link.case if link is not None else None


def revoke(reference: str) -> int:
    """Revoke every live link of the case with this reference; commits; the number revoked."""
    case = db.session.scalars(select(Case).filter_by(reference=reference)).first()
    if case is None:
        raise LookupError(reference)
    links = list(db.session.scalars(select(StatusLink).filter_by(case_id=case.id, revoked_at=None)))
    for link in links:
        link.revoked_at = clock.now()
    db.session.commit()
    return len(links)
