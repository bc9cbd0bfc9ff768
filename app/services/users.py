"""Provisioning users: the rules for who may be created with which role and agency."""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Council, Membership, PartnerAgency, Role, User
from app.models.user import normalise_email
from app.services.auth import hash_password
from app.store import users as user_store

MIN_PASSWORD_LENGTH = 10
# Deliberately loose: the address is checked by use, not by regex; this only catches typos.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A user cannot be created as asked; the message says what to fix."""


def create_user(
    *,
    email: str,
    password: str,
    councils: Iterable[str],
    role: str,
    agency: str | None = None,
    name: str | None = None,
) -> User:
    email = normalise_email(email)
    council_ids = list(dict.fromkeys(councils))
    _check_user(email, password, council_ids, role, agency)
    user = User(
        email=email,
        name=(name or email.split("@", 1)[0]).strip(),
        password_hash=hash_password(password),
        agency=agency,
        created_at=clock.now(),
    )
    user.memberships = [Membership(council_id=c, role=role) for c in council_ids]
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request created the same e-mail between our check and this commit.
        db.session.rollback()
        raise UserError(f"A user with e-mail {email} already exists.") from None
    return user


def _check_user(email: str, password: str, council_ids: list[str], role: str, agency: str | None) -> None:
    if not _EMAIL.match(email):
        raise UserError(f"{email!r} is not an e-mail address.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.")
    if role not in set(Role):
        raise UserError(f"Unknown role {role!r}; roles are: {', '.join(Role)}.")
    if role == Role.PARTNER_AGENCY:
        if not agency:
            raise UserError(f"A partner_agency user needs --agency, one of: {', '.join(PartnerAgency)}.")
        if agency not in set(PartnerAgency):
            raise UserError(f"Unknown agency {agency!r}; agencies are: {', '.join(PartnerAgency)}.")
    elif agency:
        raise UserError("Only partner_agency users have an agency.")
    if not council_ids:
        raise UserError("A user needs at least one council (--council).")
    known = {c.id for c in db.session.query(Council).filter(Council.id.in_(council_ids))}
    unknown = [c for c in council_ids if c not in known]
    if unknown:
        raise UserError(
            f"Unknown council {', '.join(map(repr, unknown))}; "
            "run `ctflow seed-demo` or check the id against processes/councils.toml."
        )
    if user_store.get_user_by_email(email):
        raise UserError(f"A user with e-mail {email} already exists.")
