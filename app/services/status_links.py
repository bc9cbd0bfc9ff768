"""Private links to a case's status page: one live link per recipient of the case's letters.

Each person the council writes to (the victim who applied, or the victim and the person who
applied for them) has their own link, and their page shows only the letters addressed to
them. The confirmation page and the acknowledgement letter give the person who applied the
same link: the token is an HMAC, under the app's secret key, of a random nonce stored with the
link, so it can be printed again when the letter is issued days later. The database keeps the
token's SHA-256 (for the lookup) and the nonce, never the token itself; neither alone opens a
page, and the applicant's session cookie holds only the case's reference.

The lookup is by the token's hash (an index lookup of a value the caller cannot steer), so no
token is ever compared character by character.
"""

from __future__ import annotations

import secrets
from functools import cache
from typing import Any

from flask import current_app
from sqlalchemy import Select, bindparam, select

from app import clock
from app.extensions import db
from app.models import Case, Recipient, StatusLink
from app.models.status_link import forget_live_links, live_links_held
from app.services.secret_links import token_from_nonce, token_hash

_hash = token_hash


def _token(nonce: str) -> str:
    return token_from_nonce(b"ctflow status link", nonce)


def applicant_role(application: dict[str, Any]) -> str:
    """Whom the person who filled in the application is, among a case's recipients."""
    return Recipient.APPLICANT if application.get("applicant_type") == "victim" else Recipient.THIRD_PARTY


@cache
def _live_links_query(objects: bool) -> Select:
    # Built once: every acknowledgement letter asks (bench/bench_engine.py's completion). As
    # plain rows of what a letter's link is worked out from, when nothing changes them.
    columns = (StatusLink,) if objects else (StatusLink.recipient, StatusLink.nonce, StatusLink.token_hash)
    return (
        select(*columns)
        .where(StatusLink.case_id == bindparam("case_id"), StatusLink.revoked_at.is_(None))
        .order_by(StatusLink.id)
    )


def _live_links(case: Case, recipient: str, objects: bool = True) -> list:
    """The recipient's live links, oldest first: as objects, or as rows (recipient, nonce,
    token_hash), those read with the case if it was read whole (no query)."""
    links = None if objects else live_links_held(case)
    if links is None:
        result = db.session.execute(_live_links_query(objects), {"case_id": case.id})
        links = result.scalars() if objects else result
    # Links from before they were per recipient belong to the person who applied.
    role = applicant_role(case.application or {})
    return [link for link in links if (link.recipient or role) == recipient]


def issue(case: Case, recipient: str | None = None, revoke_earlier: bool = True) -> str:
    """A new link for the recipient (by default the person who applied), their earlier ones
    revoked unless told otherwise; returns the token. Does not commit."""
    recipient = recipient or applicant_role(case.application or {})
    now = clock.now()
    if revoke_earlier:
        for link in _live_links(case, recipient):
            link.revoked_at = now
    nonce = secrets.token_hex(16)
    token = _token(nonce)
    db.session.add(
        StatusLink(case_id=case.id, recipient=recipient, nonce=nonce, token_hash=_hash(token), created_at=now)
    )
    db.session.flush()
    forget_live_links(case)  # read again when next asked
    return token


def _live_token(case: Case, recipient: str) -> str | None:
    for link in reversed(_live_links(case, recipient, objects=False)):
        if link.nonce:
            token = _token(link.nonce)
            if _hash(token) == link.token_hash:  # not so after the secret key changed
                return token
    return None


def token_for(case: Case, recipient: str) -> str:
    """The recipient's live link, the same each time it is asked for; issued if they have none.
    Does not commit."""
    return _live_token(case, recipient) or issue(case, recipient, revoke_earlier=False)


def applicant_token(council_id: str, reference: str) -> str | None:
    """The live link of whoever applied for the case, for their confirmation page; None if it
    has been revoked."""
    case = db.session.scalars(select(Case).filter_by(council_id=council_id, reference=reference)).first()
    return _live_token(case, applicant_role(case.application or {})) if case is not None else None


def status_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/status/{token}"


def link_for_token(token: str) -> StatusLink | None:
    """The live link with this token, or None (wrong, revoked or malformed token)."""
    if not token or len(token) > 100:
        return None
    return db.session.scalars(select(StatusLink).filter_by(token_hash=_hash(token), revoked_at=None)).first()


def case_for_token(token: str) -> Case | None:
    """The case a live link opens, or None."""
    link = link_for_token(token)
    return link.case if link is not None else None


def recipient_of(link: StatusLink) -> str:
    return link.recipient or applicant_role(link.case.application or {})


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
