"""One-time links that set a password: invitations and resets, and the e-mails that carry them.

A link's token is an HMAC, under the app's secret key, of a random nonce; the database keeps
the token's SHA-256 (for the lookup, an index lookup of a value the caller cannot steer) and,
only until the e-mail has been sent, the nonce, so that the worker can write the e-mail after
the request that asked for it has committed. Once sent (or given up) the nonce is wiped: from
then on nothing, not even a copy of the database with the key, can produce the link again.

A link opens once (``use`` is one conditional UPDATE, so two tabs racing cannot both use it),
until it expires; a newer link for the same user, a deactivation or a password set any other
way voids it. The e-mails go out through the same SMTP settings, retries and worker as the
letters (``app.services.mail``).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select, update

from app import clock
from app.domain.calendar import govuk_date
from app.extensions import db
from app.models import AccountLink, Council, LinkPurpose, User
from app.services import mail
from app.services.secret_links import token_from_nonce, token_hash

logger = logging.getLogger(__name__)

# A token is 43 characters; anything much longer is not one, and is not looked up.
_MAX_TOKEN_LENGTH = 100


_hash = token_hash


def _token(nonce: str) -> str:
    return token_from_nonce(b"ctflow account link", nonce)


def _lifetime(purpose: str) -> timedelta:
    config = current_app.config
    seconds = config[
        "INVITATION_TTL_SECONDS" if purpose == LinkPurpose.INVITATION else "PASSWORD_RESET_TTL_SECONDS"
    ]
    return timedelta(seconds=seconds)


def issue(user: User, purpose: LinkPurpose, *, by: str, council_id: str | None = None) -> AccountLink:
    """A new link for the user, queued to be e-mailed; their earlier links are void. Does not
    commit: the link is made in the transaction of the change that asks for it."""
    now = clock.now()
    void_links(user)
    nonce = secrets.token_hex(16)
    link = AccountLink(
        user=user,
        purpose=purpose.value,
        council_id=council_id,
        token_hash=_hash(_token(nonce)),
        nonce=nonce,
        created_at=now,
        created_by=by,
        expires_at=now + _lifetime(purpose),
        email_attempts=0,
        email_next_attempt_at=now,
    )
    db.session.add(link)
    mail.queued_in_this_transaction()
    return link


def make_believe() -> None:
    """The work ``issue`` does to make a token, for a request that must take as long as one
    that issued a link (a reset asked for an unknown address)."""
    _hash(_token(secrets.token_hex(16)))


def void_links(user: User) -> None:
    """No link of the user's opens any more, and none not yet e-mailed is sent. Does not commit."""
    if user.id is None:
        return
    db.session.execute(
        update(AccountLink)
        .where(AccountLink.user_id == user.id, AccountLink.used_at.is_(None))
        .values(used_at=clock.now(), nonce=None, email_next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )


def live_link(token: object) -> AccountLink | None:
    """The link this token opens now, or None: unknown, malformed, used, void or expired, or its
    user deactivated meanwhile."""
    if not isinstance(token, str) or not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    link = db.session.scalar(select(AccountLink).where(AccountLink.token_hash == _hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= clock.now() or not link.user.active:
        return None
    return link


def use(link: AccountLink) -> bool:
    """Mark the link used, unless it was a moment ago; True for the one caller that did."""
    result = db.session.execute(
        update(AccountLink)
        .where(AccountLink.id == link.id, AccountLink.used_at.is_(None))
        .values(used_at=clock.now(), nonce=None, email_next_attempt_at=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def latest_invitations(user_ids: list[int]) -> dict[int, AccountLink]:
    """Each user's most recent invitation, for the people list."""
    if not user_ids:
        return {}
    links = db.session.scalars(
        select(AccountLink)
        .where(AccountLink.user_id.in_(user_ids), AccountLink.purpose == LinkPurpose.INVITATION)
        .order_by(AccountLink.id)
    )
    return {link.user_id: link for link in links}


def email_state(link: AccountLink) -> str:
    """How the link's e-mail stands: ``sent``, ``pending`` (or being retried) or ``failed``."""
    if link.email_sent_at is not None:
        return "sent"
    return "pending" if link.nonce is not None else "failed"


def set_password_url(token: str) -> str:
    return f"{current_app.config['BASE_URL'].rstrip('/')}/set-password/{token}"


# --- Sending -------------------------------------------------------------------------------


@dataclass
class LinkMailReport:
    sent: list[int] = field(default_factory=list)  # account_link ids
    failed: list[tuple[int, str]] = field(default_factory=list)


def _due(now: datetime) -> tuple:
    return (AccountLink.nonce.is_not(None), AccountLink.email_next_attempt_at <= now)


def _claim_next(now: datetime, lease_until: datetime) -> int | None:
    """Take the link e-mail waiting longest, for one attempt (as ``claim_next_for_email`` takes a
    letter: one UPDATE, SKIP LOCKED on PostgreSQL)."""
    pick = select(AccountLink.id).where(*_due(now)).order_by(AccountLink.email_next_attempt_at).limit(1)
    if db.session.get_bind().dialect.name == "postgresql":
        pick = pick.with_for_update(skip_locked=True)
    return db.session.scalar(
        update(AccountLink)
        .where(AccountLink.id == pick.scalar_subquery(), *_due(now))
        .values(email_attempts=AccountLink.email_attempts + 1, email_next_attempt_at=lease_until)
        .returning(AccountLink.id)
        .execution_options(synchronize_session=False)
    )


def send_due_emails(
    now: datetime | None = None, limit: int = mail.BATCH, should_stop: Callable[[], bool] | None = None
) -> LinkMailReport:
    """E-mail every link whose attempt is due, through SMTP; retried and given up as letters are."""
    report = LinkMailReport()
    settings = mail.smtp_settings()
    if settings is None:
        return report
    instant = now or clock.now()
    for link_id in mail.claimed_one_by_one(
        lambda: _claim_next(instant, instant + mail.LEASE), limit, should_stop
    ):
        _attempt(link_id, settings, instant, report)
    return report


def _attempt(link_id: int, settings: mail.SmtpSettings, instant: datetime, report: LinkMailReport) -> None:
    link = db.session.get(AccountLink, link_id)
    if link is None or link.nonce is None:
        db.session.rollback()
        return  # voided meanwhile
    message = build_message(link, settings)
    db.session.rollback()  # nothing held open while the server is talked to
    error: Exception | None = None
    try:
        mail.deliver(message, settings)
    except Exception as exc:  # any failure is recorded, never raised
        error = exc
    link = db.session.get(AccountLink, link_id, with_for_update=True, populate_existing=True)
    if link is None:
        return
    if error is None:
        link.email_sent_at = instant
        link.nonce = None  # the link can never be written again
        link.email_next_attempt_at = None
        link.email_last_error = None
        report.sent.append(link_id)
    else:
        link.email_last_error = mail.describe_error(error)[:2000]
        if isinstance(error, mail.PermanentFailure) or link.email_attempts >= mail.MAX_ATTEMPTS:
            link.nonce = None
            link.email_next_attempt_at = None
        else:
            link.email_next_attempt_at = instant + mail.BACKOFF[link.email_attempts - 1]
        report.failed.append((link_id, link.email_last_error))
        logger.warning(
            "E-mailing account link %s failed (attempt %s): %s",
            link_id,
            link.email_attempts,
            mail.loggable_error(error),
        )
    db.session.commit()


def build_message(link: AccountLink, settings: mail.SmtpSettings) -> EmailMessage:
    """The e-mail: what the link is for, the link, and until when it works."""
    assert link.nonce is not None
    council = db.session.get(Council, link.council_id) if link.council_id else None
    sender = settings.sender or f"no-reply@{urlsplit(current_app.config['BASE_URL']).hostname}"
    invitation = link.purpose == LinkPurpose.INVITATION
    message = EmailMessage()
    message["Subject"] = (
        f"{council.name if council else 'ctflow'}: you are invited to the Community Trigger service"
        if invitation
        else "Reset your Community Trigger password"
    )
    message["From"] = formataddr((council.name if council else "Community Trigger", sender))
    message["To"] = link.user.email
    message["Date"] = format_datetime(clock.now())
    digest = hashlib.sha256(f"{link.id}|{link.token_hash}".encode()).hexdigest()[:20]
    message["Message-ID"] = f"<ctflow.account-link-{link.id}.{digest}@{sender.rpartition('@')[2]}>"
    message.set_content(
        # The app's environment without the pages' context processors: no request here.
        current_app.jinja_env.get_template(f"email/{link.purpose}.txt").render(
            user=link.user,
            council=council,
            invited_by=link.created_by,
            url=set_password_url(_token(link.nonce)),
            expires=govuk_date(link.expires_at),
        )
    )
    return message
