"""A council's people (issue 16): its admins invite users by e-mail, give and remove their roles
and agency, and deactivate accounts; an administrator of the service does so at every council.

Every change writes its audit entry (``app.services.audit``) in the transaction that makes it.
Who may see a council's people: its admins and the service's; anyone else at the council is
refused (403), and a council the caller does not belong to is not found (404), as elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import (
    PARTNER_ROLES,
    AccountLink,
    CaseTask,
    Council,
    HistoryEntry,
    LinkPurpose,
    Membership,
    Role,
    TaskStatus,
    User,
)
from app.services import account_links, audit, auth, councils
from app.services.passwords import record_for_councils
from app.services.tasks import may_work
from app.services.users import UserError, check_email, check_roles, default_name
from app.store import users as user_store

# What an invited user's password hash holds until they choose one: no hash matches it, and
# sign-in checks the decoy instead (app.services.auth.authenticate).
NO_PASSWORD = "!"
MAX_NAME_LENGTH = 200  # user_account.name


class PeopleNotFound(Exception):
    """No such council or person among those the caller may see (never revealed to exist)."""


class PeopleForbidden(Exception):
    pass


class PeopleConflict(Exception):
    """The change cannot be made to the account as it stands; the message says why."""


def managed_councils(user: User) -> list[Council]:
    """The councils whose people the user manages, by name."""
    query = select(Council).order_by(Council.name)
    if not user.service_admin:
        mine = [c for c in user.council_ids if councils.administers(user, c)]
        if not mine:
            return []  # most users: no query on every page for the navigation
        query = query.where(Council.id.in_(mine))
    return list(db.session.scalars(query))


def managed_council(user: User, council_id: str) -> Council:
    """The council, if the user manages its people: PeopleNotFound when it is not theirs (or does
    not exist), PeopleForbidden when they work there without being its admin."""
    council = db.session.get(Council, council_id) if isinstance(council_id, str) else None
    if council is None or councils.reachable_council(user, council_id) is None:
        raise PeopleNotFound()
    if not councils.administers(user, council_id):
        raise PeopleForbidden("Only the council's admins manage its people.")
    return council


@dataclass(frozen=True)
class Person:
    """Someone who works at a council, as its admins see them: only their roles there."""

    user: User
    roles: list[str]
    status: str  # invited, active or deactivated
    invitation: AccountLink | None

    @property
    def invitation_email(self) -> str | None:
        return (
            account_links.email_state(self.invitation)
            if self.invitation and self.status == "invited"
            else None
        )


def _status(user: User) -> str:
    if not user.active:
        return "deactivated"
    return "active" if user.password_set_at is not None else "invited"


def _person(user: User, council_id: str, invitation: AccountLink | None) -> Person:
    roles = sorted(str(r) for r in user.roles_in(council_id))
    return Person(user, roles, _status(user), invitation)


def people_of(manager: User, council_id: str) -> list[Person]:
    """Everyone with a role at the council (deactivated accounts too), by name."""
    managed_council(manager, council_id)
    users = list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(select(Membership.user_id).where(Membership.council_id == council_id)))
            .order_by(func.lower(User.name), User.email)
            .options(selectinload(User.memberships))
        )
    )
    invitations = account_links.latest_invitations([u.id for u in users])
    return [_person(u, council_id, invitations.get(u.id)) for u in users]


def person_at(manager: User, council_id: str, user_id: int) -> Person:
    managed_council(manager, council_id)
    user = _member(council_id, user_id)
    return _person(user, council_id, account_links.latest_invitations([user.id]).get(user.id))


def _member(council_id: str, user_id: int) -> User:
    user = user_store.get_user_with_memberships(user_id) if isinstance(user_id, int) else None
    if user is None or council_id not in user.council_ids:
        raise PeopleNotFound()
    return user


def invite(manager: User, council_id: str, **invitation: Any) -> Person:
    """Invite someone to the council (``invitation``: add_to_council's email, roles, agency, name
    and reason). A new address gets an account with no password and an e-mail with a one-time link
    to choose it; an account of another council gets the roles here (it signs in as before).
    UserError (with the field), PeopleConflict. Commits."""
    managed_council(manager, council_id)
    user = add_to_council(manager, council_id, **invitation)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # invited by someone else at the same moment
        raise PeopleConflict(
            f"{invitation['email']} already works at this council: change their roles instead."
        ) from None
    return person_at(manager, council_id, user.id)


def add_to_council(
    manager: User,
    council_id: str,
    *,
    email: str,
    roles: Iterable[str],
    agency: str | None = None,
    name: str | None = None,
    reason: str | None = None,
) -> User:
    """``invite`` in the caller's transaction, for a manager the caller has authorised (a new
    council's first process owner is invited in the transaction that adds the council)."""
    email = check_email(email)
    name = (name or "").strip()
    if len(name) > MAX_NAME_LENGTH:
        raise UserError(f"The name must be at most {MAX_NAME_LENGTH} characters long.", "name")
    roles = _checked_roles(roles, agency)
    user = user_store.get_user_by_email(email)
    if user is not None and not user.active:
        raise PeopleConflict(f"The account of {email} is deactivated: reactivate it from its page first.")
    if user is not None and council_id in user.council_ids:
        raise PeopleConflict(f"{email} already works at this council: change their roles instead.")
    if user is None:
        user = User(
            email=email,
            name=name or default_name(email),
            password_hash=NO_PASSWORD,
            agency=agency or None,
            created_at=clock.now(),
            token_generation=0,
        )
        db.session.add(user)
        user.memberships = [Membership(council_id=council_id, role=r) for r in roles]
        db.session.flush()
        account_links.issue(user, LinkPurpose.INVITATION, by=manager.email, council_id=council_id)
        audit.record(
            council_id=council_id,
            actor=manager.email,
            action="user.invited",
            subject=email,
            reason=reason,
            details={"roles": roles, "agency": agency or None},
        )
    else:
        _check_agency_elsewhere(user, council_id, roles, agency)
        if agency:
            user.agency = agency
        user.memberships.extend(Membership(council_id=council_id, role=r) for r in roles)
        for role in roles:
            _record_role(manager, council_id, user, "user.role_added", role, reason)
    return user


def change_roles(
    manager: User,
    council_id: str,
    user_id: int,
    *,
    roles: Iterable[str],
    agency: str | None = None,
    reason: str | None = None,
) -> Person:
    """Give the person exactly these roles at the council (and this agency, for a partner): each
    role added or removed is an audit entry, and the tasks of the council they can no longer
    work go back to the team. No roles at all takes them off the council."""
    managed_council(manager, council_id)
    user = _member(council_id, user_id)
    if not user.active:
        raise PeopleConflict("This account has been deactivated; its roles can no longer change.")
    roles = list(dict.fromkeys(roles))
    check_roles(roles, agency)
    before = {str(r) for r in user.roles_in(council_id)}
    if (
        user.id == manager.id
        and Role.ADMIN in before
        and Role.ADMIN not in roles
        and not manager.service_admin
    ):
        raise UserError("You cannot remove your own admin role: ask another admin of the council.", "roles")
    _check_agency_elsewhere(user, council_id, roles, agency)
    for membership in [m for m in user.memberships if m.council_id == council_id and m.role not in roles]:
        user.memberships.remove(membership)
        _record_role(manager, council_id, user, "user.role_removed", membership.role, reason)
    for role in [r for r in roles if r not in before]:
        user.memberships.append(Membership(council_id=council_id, role=role))
        _record_role(manager, council_id, user, "user.role_added", role, reason)
    new_agency = agency if any(m.role in PARTNER_ROLES for m in user.memberships) else None
    if new_agency != user.agency:
        audit.record(
            council_id=council_id,
            actor=manager.email,
            action="user.agency_changed",
            subject=user.email,
            reason=reason,
            details={"before": user.agency, "after": new_agency},
        )
        user.agency = new_agency
    db.session.flush()
    _return_tasks(user, manager, council_id, "their roles changed")
    db.session.commit()
    if council_id not in user.council_ids:
        return _person(user, council_id, None)
    return person_at(manager, council_id, user.id)


def deactivate(manager: User, council_id: str, user_id: int, *, reason: str | None = None) -> Person:
    """End the account: it signs in no more, its tokens and sessions end now, any link of its
    stops working, and its open tasks go back to the team (noted in each case's history)."""
    managed_council(manager, council_id)
    user = _member(council_id, user_id)
    if user.id == manager.id:
        raise PeopleConflict("You cannot deactivate your own account: ask another admin.")
    if not user.active:
        raise PeopleConflict("This account is already deactivated.")
    _check_whole_account(manager, user, "deactivate the account; take away their roles here instead")
    user.deactivated_at = clock.now()
    auth.end_every_session(user)
    account_links.void_links(user)
    _return_tasks(user, manager, None, "their account was deactivated")
    record_for_councils(
        user, actor=manager.email, action="user.deactivated", subject=user.email, reason=reason
    )
    db.session.commit()
    return person_at(manager, council_id, user.id)


def reactivate(manager: User, council_id: str, user_id: int, *, reason: str | None = None) -> Person:
    """Open a deactivated account again, with the roles it had. Its old password stays void: it is
    invited again, by e-mail, to choose a new one, so whoever may have known the old one (why it
    was deactivated, perhaps) cannot sign in with it. Who may: as for deactivating."""
    managed_council(manager, council_id)
    user = _member(council_id, user_id)
    if user.active:
        raise PeopleConflict("This account is active: only a deactivated account can be reactivated.")
    _check_whole_account(manager, user, "reactivate the account")
    user.deactivated_at = None
    user.password_hash, user.password_set_at = NO_PASSWORD, None
    account_links.issue(user, LinkPurpose.INVITATION, by=manager.email, council_id=council_id)
    record_for_councils(
        user, actor=manager.email, action="user.reactivated", subject=user.email, reason=reason
    )
    db.session.commit()
    return person_at(manager, council_id, user.id)


def resend_invitation(manager: User, council_id: str, user_id: int) -> Person:
    """A new invitation e-mail (the earlier link stops working), for someone yet to sign in."""
    managed_council(manager, council_id)
    user = _member(council_id, user_id)
    if _status(user) != "invited":
        raise PeopleConflict("Only someone who has not yet chosen a password can be invited again.")
    account_links.issue(user, LinkPurpose.INVITATION, by=manager.email, council_id=council_id)
    audit.record(council_id=council_id, actor=manager.email, action="user.reinvited", subject=user.email)
    db.session.commit()
    return person_at(manager, council_id, user.id)


def _check_whole_account(manager: User, user: User, what: str) -> None:
    """An account is every council's it works for: only someone who manages all of them (or the
    service) changes it as a whole."""
    if not all(councils.administers(manager, c) for c in user.council_ids):
        raise PeopleConflict(
            f"This person also works for another council, so only an administrator of the service can {what}."
        )


def _checked_roles(roles: Iterable[str], agency: str | None) -> list[str]:
    roles = list(dict.fromkeys(roles))
    if not roles:
        raise UserError("Choose at least one role.", "roles")
    check_roles(roles, agency)
    return roles


def _check_agency_elsewhere(user: User, council_id: str, roles: list[str], agency: str | None) -> None:
    """An account works for one agency: a partner at another council keeps theirs."""
    partner_elsewhere = any(m.role in PARTNER_ROLES and m.council_id != council_id for m in user.memberships)
    if partner_elsewhere and PARTNER_ROLES.intersection(roles) and agency != user.agency:
        raise UserError(
            f"This person is a partner for {user.agency} at another council; an account has one agency.",
            "agency",
        )


def _record_role(
    manager: User, council_id: str, user: User, action: str, role: str, reason: str | None
) -> None:
    audit.record(
        council_id=council_id,
        actor=manager.email,
        action=action,
        subject=user.email,
        reason=reason,
        details={"role": role},
    )


def _return_tasks(user: User, manager: User, council_id: str | None, why: str) -> None:
    """Unclaim the user's open tasks (at one council, or all) that they may no longer work."""
    query = select(CaseTask).where(CaseTask.assignee_id == user.id, CaseTask.status == TaskStatus.OPEN)
    if council_id is not None:
        query = query.where(CaseTask.council_id == council_id)
    now = clock.now()
    for task in db.session.scalars(query):
        if may_work(user, task):
            continue
        task.assignee_id = None
        # Appended without touching the case row: no conflict with work going on on the case.
        db.session.add(
            HistoryEntry(
                case_id=task.case_id,
                at=now,
                actor=manager.email,
                event="task_returned",
                detail=f"‘{task.name}’ returned to the team: {user.email} no longer works it ({why})",
            )
        )
