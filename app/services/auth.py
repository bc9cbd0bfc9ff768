"""Signing in: password checks, bearer tokens and throttling of repeated failures."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db
from app.models import User
from app.models.user import normalise_email
from app.store import users as user_store

TOKEN_SALT = "ctflow.api-token.v1"


# Said by the API and the sign-in page alike; deliberately does not say which one is wrong.
WRONG_CREDENTIALS = "The e-mail address or password is not correct."


class AuthenticationFailed(Exception):
    """Wrong e-mail or password; deliberately does not say which."""


class SignInThrottled(Exception):
    def __init__(self, retry_after_seconds: int):
        super().__init__(f"Too many failed sign-ins; try again in {retry_after_seconds} seconds.")
        self.retry_after_seconds = retry_after_seconds


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


def sign_in(email: str, password: str) -> IssuedToken:
    """Check the password and issue a token; commits the throttle bookkeeping either way."""
    return issue_token(authenticate(email, password))


def authenticate(email: str, password: str) -> User:
    """The user these credentials belong to, for a token or a browser session.

    Raises ``SignInThrottled`` while the e-mail must wait, ``AuthenticationFailed`` otherwise;
    commits the throttle bookkeeping either way.
    """
    email = normalise_email(email)
    _refuse_if_throttled(email)
    user = user_store.get_user_by_email(email)
    valid = check_password_hash(user.password_hash if user else decoy_password_hash(), password)
    if not (user and valid):
        _record_failure(email)
        db.session.commit()
        raise AuthenticationFailed()
    user_store.clear_login_failures(email)
    db.session.commit()
    return user


def user_for_session(user_id: object, generation: object) -> User | None:
    """The user a browser session speaks for, or None once they signed out everywhere
    (``sign_out`` bumps the generation, which ends sessions as well as tokens)."""
    if not isinstance(user_id, int) or not isinstance(generation, int):
        return None
    user = db.session.get(User, user_id, options=[joinedload(User.memberships)])
    if user is None or user.token_generation != generation:
        return None
    return user


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
    user = db.session.get(User, payload["uid"], options=[joinedload(User.memberships)])
    if user is None or user.token_generation != payload["gen"]:
        return None
    return user


def sign_out(user: User) -> None:
    """Revoke every token issued to the user so far."""
    user.token_generation += 1
    db.session.commit()


def _refuse_if_throttled(email: str) -> None:
    throttle = user_store.get_login_throttle(email)
    now = clock.now()
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        raise SignInThrottled(max(1, int((throttle.blocked_until - now).total_seconds() + 0.999)))


def _record_failure(email: str) -> None:
    """Count a failure atomically (two racing requests both count) and set the wait that follows."""
    now = clock.now()
    user_store.increment_login_failures(email, now)
    user_store.delete_login_failures_before(now - timedelta(days=1))
    throttle = user_store.get_login_throttle(email)
    free = current_app.config["LOGIN_FREE_FAILURES"]
    if throttle.failures >= free:
        # 1 s after the first failure over the limit, then doubling, up to the configured maximum.
        delay = min(2 ** min(throttle.failures - free, 20), current_app.config["LOGIN_MAX_DELAY_SECONDS"])
        throttle.blocked_until = now + timedelta(seconds=delay)
