"""Signing in: password checks, bearer tokens, web sessions and throttling of repeated failures."""

from __future__ import annotations

import hashlib
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, update
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db
from app.models import User, WebSession
from app.models.user import normalise_email
from app.services import throttle
from app.store import users as user_store

TOKEN_SALT = "ctflow.api-token.v1"
# A session's last_seen_at is written at most this often: not a write on every page, and the
# idle limit is kept to within a minute.
SESSION_TOUCH_SECONDS = 60


# Said by the API and the sign-in page alike; deliberately does not say which one is wrong.
WRONG_CREDENTIALS = "The e-mail address or password is not correct."


class AuthenticationFailed(Exception):
    """Wrong e-mail or password; deliberately does not say which."""


class TooManyAttempts(Exception):
    """This client must wait before trying again (sign-in, password reset, a one-time link)."""

    def __init__(self, retry_after_seconds: int, what: str = "attempts"):
        super().__init__(f"Too many {what}. Try again in {_wait_in_words(retry_after_seconds)}.")
        self.retry_after_seconds = retry_after_seconds


class SignInThrottled(TooManyAttempts):
    def __init__(self, retry_after_seconds: int):
        super().__init__(retry_after_seconds, "failed sign-ins")


def _wait_in_words(seconds: int) -> str:
    """'45 seconds', '1 minute', '15 minutes': the window's 900 seconds are hard to read."""
    amount, unit = (seconds, "second") if seconds < 60 else (math.ceil(seconds / 60), "minute")
    return f"{amount} {unit}{'' if amount == 1 else 's'}"


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def decoy_password_hash() -> str:
    """What an unknown e-mail's password is checked against, so that it costs as much as a
    known one's: made by ``hash_password``, with the method and cost real hashes have."""
    return _decoy_hash_for(current_app.config["PASSWORD_HASH_METHOD"])


@lru_cache(maxsize=4)
def _decoy_hash_for(method: str) -> str:
    return generate_password_hash(secrets.token_urlsafe(16), method=method)


def _serializer() -> URLSafeSerializer:
    # Signed with the app's secret: rotating CTFLOW_SECRET_KEY revokes every token at once.
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def sign_in(email: str, password: str, address: str | None) -> IssuedToken:
    """Check the password and issue a token; commits the throttle bookkeeping either way."""
    return issue_token(authenticate(email, password, address))


def authenticate(email: str, password: str, address: str | None) -> User:
    """The user these credentials belong to, for a token or a browser session.

    ``address`` is the client's network address (``request.remote_addr``). Raises
    ``SignInThrottled`` while this client must wait, ``AuthenticationFailed`` otherwise;
    commits the throttle bookkeeping either way.
    """
    email = normalise_email(email)
    keys = _take_sign_in_attempts(email, address)
    user = user_store.get_user_by_email(email)
    # A deactivated account, or an invited one with no password yet, is checked against the decoy
    # like an unknown e-mail: the answer and the time it takes say nothing about the account.
    usable = user is not None and user.active and user.password_set_at is not None
    valid = check_password_hash(user.password_hash if usable else decoy_password_hash(), password)
    if not (usable and valid):
        raise AuthenticationFailed()
    # The right password: this client's mistakes for this e-mail are forgiven, and a sign-in
    # is not held against its address (an office behind one address signs in all morning).
    throttle.reset(keys.account)
    throttle.give_back(keys.address)
    return user


@dataclass(frozen=True)
class AttemptKeys:
    account: str
    address: str


def _take_sign_in_attempts(email: str, address: str | None) -> AttemptKeys:
    """Count this attempt before the password is checked (issue 13: the throttle must not lock
    the real user out, and concurrent guesses must not get past the count).

    Counted per e-mail *from this address*, so others' failures elsewhere never lock the user
    out, and per address, so one client cannot try many e-mail addresses instead.
    """
    config = current_app.config
    keys = attempt_keys("sign-in", email, address)
    try:
        take_attempts(
            (keys.address, config["LOGIN_FREE_FAILURES_PER_ADDRESS"]),
            (keys.account, config["LOGIN_FREE_FAILURES"]),
        )
    except TooManyAttempts as exc:
        raise SignInThrottled(exc.retry_after_seconds) from None
    return keys


def attempt_keys(use: str, email: str, address: str | None) -> AttemptKeys:
    """The throttle's keys for one use (``sign-in``, ``password-reset``...): per e-mail from this
    client's network, and per network whatever the e-mail."""
    network = throttle.client_network(address)
    return AttemptKeys(account=f"{use}:account:{network} {email}", address=f"{use}:address:{network}")


def take_attempts(*limits: tuple[str, int], what: str = "attempts") -> None:
    """Count one attempt under each key, within the sign-in window; TooManyAttempts when one of
    them is over its limit (checked in order: the wider key first)."""
    window = current_app.config["LOGIN_WINDOW_SECONDS"]
    for key, limit in limits:
        verdict = throttle.take(key, limit, window)
        if not verdict.allowed:
            raise TooManyAttempts(verdict.retry_after_seconds, what)


def start_session(user: User) -> str:
    """Open a web session for the user; returns the secret the cookie carries."""
    now = clock.now()
    _delete_ended_sessions(now)
    secret = secrets.token_urlsafe(32)
    db.session.add(WebSession(id_hash=_session_hash(secret), user=user, created_at=now, last_seen_at=now))
    db.session.commit()
    return secret


def user_for_session(secret: object) -> User | None:
    """The user a browser session speaks for, or None once it ended: signed out, idle for
    longer than SESSION_IDLE_SECONDS, or older than PERMANENT_SESSION_LIFETIME however active."""
    if not isinstance(secret, str):
        return None
    web_session = db.session.get(
        WebSession, _session_hash(secret), options=[joinedload(WebSession.user).joinedload(User.memberships)]
    )
    if web_session is None or not web_session.user.active:
        return None
    now = clock.now()
    # Statements rather than ORM changes: another tab may have just signed out, and a row gone
    # meanwhile must not fail the request.
    this_session = WebSession.id_hash == web_session.id_hash
    if _session_ended(web_session, now):
        db.session.execute(delete(WebSession).where(this_session))
        db.session.commit()
        return None
    if now - web_session.last_seen_at >= timedelta(seconds=SESSION_TOUCH_SECONDS):
        db.session.execute(update(WebSession).where(this_session).values(last_seen_at=now))
        db.session.commit()
    return web_session.user


def end_session(secret: object) -> None:
    """Sign this browser out: its cookie, or any copy of it, no longer works."""
    if isinstance(secret, str):
        db.session.execute(delete(WebSession).where(WebSession.id_hash == _session_hash(secret)))
        db.session.commit()


def _session_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _session_ended(web_session: WebSession, now: datetime) -> bool:
    config = current_app.config
    absolute = timedelta(seconds=config["PERMANENT_SESSION_LIFETIME"])
    idle = timedelta(seconds=config["SESSION_IDLE_SECONDS"])
    return now - web_session.created_at >= absolute or now - web_session.last_seen_at >= idle


def _delete_ended_sessions(now: datetime) -> None:
    config = current_app.config
    db.session.execute(
        delete(WebSession).where(
            (WebSession.created_at <= now - timedelta(seconds=config["PERMANENT_SESSION_LIFETIME"]))
            | (WebSession.last_seen_at <= now - timedelta(seconds=config["SESSION_IDLE_SECONDS"]))
        )
    )


def issue_token(user: User) -> IssuedToken:
    expires_at = clock.now() + timedelta(seconds=current_app.config["TOKEN_TTL_SECONDS"])
    payload = {"uid": user.id, "gen": user.token_generation, "exp": int(expires_at.timestamp())}
    return IssuedToken(_serializer().dumps(payload), expires_at.replace(microsecond=0))


def user_for_token(token: str) -> User | None:
    """The user a token speaks for, or None when it is forged, expired or revoked."""
    try:
        payload = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(payload, dict) or not all(
        isinstance(payload.get(k), int) for k in ("uid", "gen", "exp")
    ):
        return None
    if payload["exp"] <= clock.now().timestamp():
        return None
    user = user_store.get_user_with_memberships(payload["uid"])
    if user is None or user.token_generation != payload["gen"] or not user.active:
        return None
    return user


def sign_out_everywhere(user: User) -> None:
    """Revoke every token issued to the user so far and end every web session of theirs."""
    end_every_session(user)
    db.session.commit()


def end_every_session(user: User, *, except_secret: str | None = None) -> None:
    """Revoke the user's tokens and end their web sessions (but the one whose cookie carries
    ``except_secret``: the browser that asked). Does not commit: the caller's change and the
    sign-out are one transaction."""
    user.token_generation += 1
    ending = delete(WebSession).where(WebSession.user_id == user.id)
    if except_secret is not None:
        ending = ending.where(WebSession.id_hash != _session_hash(except_secret))
    db.session.execute(ending)
