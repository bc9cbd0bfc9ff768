"""Setting a password: with a one-time link (an invitation, or a reset asked for by e-mail), or by
changing one's own with the current password.

Every entry point is throttled as sign-in is (``app.services.auth``), and none says whether an
e-mail address has an account: a reset asked for an unknown address answers the same, after
the same work.
"""

from __future__ import annotations

from flask import current_app

from app import clock
from app.extensions import db
from app.models import AccountLink, LinkPurpose, User
from app.models.user import normalise_email
from app.services import account_links, audit, auth, throttle
from app.services.users import UserError, check_password
from app.store import users as user_store


class LinkNotValid(Exception):
    """The link is unknown, used, void or expired; the page offers to send a new one."""

    def __init__(self) -> None:
        super().__init__(
            "This link has already been used or has expired. Ask for a new one: "
            "“Forgot your password?” on the sign-in page, or a new invitation from your council's admin."
        )


def request_reset(email: str, address: str | None) -> None:
    """E-mail a reset link to the account with this address, if there is an active one; the
    caller answers the same either way. TooManyAttempts when this client asked too often."""
    email = normalise_email(email)
    keys = auth.attempt_keys("password-reset", email, address)
    config = current_app.config
    auth.take_attempts(
        (keys.address, config["LOGIN_FREE_FAILURES_PER_ADDRESS"]),
        (keys.account, config["PASSWORD_RESETS_PER_EMAIL"]),
        what="requests to reset a password",
    )
    user = user_store.get_user_by_email(email)
    if user is None or not user.active:
        account_links.make_believe()
        return
    account_links.issue(user, LinkPurpose.PASSWORD_RESET, by=user.email)
    db.session.commit()


def link_for_page(token: str) -> AccountLink:
    """The live link a page of its own shows a form for (no attempt counted: nothing is tried
    until the form is sent); LinkNotValid otherwise."""
    link = account_links.live_link(token)
    if link is None:
        raise LinkNotValid()
    return link


def set_password_with_link(token: str, password: str, address: str | None) -> User:
    """Set the password of the link's user and use the link up; every token and session of theirs
    ends (the caller signs them in afresh). Counts an attempt against this client's network as a
    failed sign-in does, so links cannot be guessed; LinkNotValid, UserError (field
    ``password``) or TooManyAttempts."""
    key = auth.attempt_keys("account-link", "", address).address
    auth.take_attempts(
        (key, current_app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]), what="attempts with a link"
    )
    link = account_links.live_link(token)
    if link is None:
        raise LinkNotValid()
    check_password(password)
    if not account_links.use(link):
        db.session.rollback()
        raise LinkNotValid()  # used a moment ago, in another tab
    user = link.user
    accepted = link.purpose == LinkPurpose.INVITATION
    _set_password(user, password)
    auth.end_every_session(user)
    record_for_councils(
        user,
        actor=user.email,
        action="user.invitation_accepted" if accepted else "user.password_reset",
        subject=user.email,
    )
    db.session.commit()
    throttle.give_back(key)  # a link that worked is not held against the network
    return user


def change_password(
    user: User, current: str, new: str, address: str | None, *, keep_session: str | None = None
) -> None:
    """Change one's own password, the current one required (checked, and throttled, as a sign-in);
    every other session and every token of the user's end. UserError on ``current_password`` or
    ``new_password``; TooManyAttempts."""
    check_password(new, "new_password")
    try:
        auth.authenticate(user.email, current, address)
    except auth.AuthenticationFailed:
        raise UserError("The current password is not correct.", "current_password") from None
    if new == current:
        raise UserError("The new password must be different from the current one.", "new_password")
    _set_password(user, new)
    auth.end_every_session(user, except_secret=keep_session)
    record_for_councils(user, actor=user.email, action="user.password_changed", subject=user.email)
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    account_links.void_links(user)
    user.password_hash = auth.hash_password(password)
    user.password_set_at = clock.now()


def record_for_councils(user: User, *, actor: str, action: str, subject: str, **entry) -> None:
    """An audit entry in the list of each council the user works for (one for the service when
    none): a change to an account concerns every council it works at."""
    for council_id in user.council_ids or [None]:
        audit.record(council_id=council_id, actor=actor, action=action, subject=subject, **entry)
