"""Provisioning users: the rules for passwords, e-mail addresses, roles and agencies.

Each rule is here once; the command line, the people pages and API, and every way of setting a
password (invitation, reset, change) check through these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import PARTNER_ROLES, Council, Membership, PartnerAgency, Role, User
from app.models.user import normalise_email
from app.services.auth import hash_password
from app.store import users as user_store

MIN_PASSWORD_LENGTH = 10
# Long enough for any passphrase; hashing a megabyte would be a way to make the server work.
MAX_PASSWORD_LENGTH = 1024
# Deliberately loose: the address is checked by use, not by regex; this only catches typos.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says what to fix, and ``field``
    names the input it is about (for the API's ``fields`` and the pages' error summaries)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def check_password(password: str, field: str = "password") -> None:
    """The one password rule: at least MIN_PASSWORD_LENGTH characters (and at most MAX)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters long.", field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise UserError(f"The password must be at most {MAX_PASSWORD_LENGTH} characters long.", field)


def check_email(email: str) -> str:
    """The address, normalised, if it looks like one."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 254:
        raise UserError(f"{email!r} is not an e-mail address.", "email")
    return email


def check_roles(roles: Iterable[str], agency: str | None) -> None:
    """Known roles, and an agency exactly when one of them is a partner's (PARTNER_ROLES)."""
    roles = list(roles)
    unknown = [r for r in roles if r not in set(Role)]
    if unknown:
        raise UserError(f"Unknown role {unknown[0]!r}; roles are: {', '.join(Role)}.", "roles")
    partner_role = next((r for r in roles if r in PARTNER_ROLES), None)
    if partner_role:
        if not agency:
            raise UserError(
                f"A {partner_role} user needs an agency, one of: {', '.join(PartnerAgency)}.", "agency"
            )
        if agency not in set(PartnerAgency):
            raise UserError(f"Unknown agency {agency!r}; agencies are: {', '.join(PartnerAgency)}.", "agency")
    elif agency:
        raise UserError("Only partner_agency and partner_manager users have an agency.", "agency")


def create_user(
    *,
    email: str,
    password: str,
    councils: Iterable[str],
    role: str,
    agency: str | None = None,
    name: str | None = None,
    service_admin: bool = False,
) -> User:
    email = normalise_email(email)
    council_ids = list(dict.fromkeys(councils))
    _check_user(email, password, council_ids, role, agency)
    now = clock.now()
    user = User(
        email=email,
        name=(name or default_name(email)).strip(),
        password_hash=hash_password(password),
        password_set_at=now,
        agency=agency,
        created_at=now,
        service_admin=service_admin,
    )
    user.memberships = [Membership(council_id=c, role=role) for c in council_ids]
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        # Another request created the same e-mail between our check and this commit.
        db.session.rollback()
        raise UserError(f"A user with e-mail {email} already exists.", "email") from None
    return user


def default_name(email: str) -> str:
    """What a user is called until they say: the part of the e-mail before the @."""
    return email.split("@", 1)[0]


def _check_user(email: str, password: str, council_ids: list[str], role: str, agency: str | None) -> None:
    check_email(email)
    check_password(password)
    if role not in set(Role):
        raise UserError(f"Unknown role {role!r}; roles are: {', '.join(Role)}.", "role")
    check_roles([role], agency)
    if not council_ids:
        raise UserError("A user needs at least one council (--council).", "council")
    known = {c.id for c in db.session.query(Council).filter(Council.id.in_(council_ids))}
    unknown = [c for c in council_ids if c not in known]
    if unknown:
        raise UserError(
            f"Unknown council {', '.join(map(repr, unknown))}; "
            "run `ctflow seed-demo` or check the id against processes/councils.toml.",
            "council",
        )
    if user_store.get_user_by_email(email):
        raise UserError(f"A user with e-mail {email} already exists.", "email")
