"""Users, their council memberships and roles, and their web sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.extensions import db
from app.models.types import UTCDateTime


class Role(StrEnum):
    COMMUNITY_SAFETY_OFFICER = "community_safety_officer"
    COMMUNITY_SAFETY_MANAGER = "community_safety_manager"
    PROCESS_OWNER = "process_owner"
    PARTNER_AGENCY = "partner_agency"
    # A manager at a partner agency (e.g. a police inspector): works and assigns its agency's
    # tasks, and an overdue action its agency owns escalates to them (issue 15).
    PARTNER_MANAGER = "partner_manager"
    PANEL_CHAIR = "panel_chair"
    APPEAL_BODY = "appeal_body"
    ADMIN = "admin"
    # The data protection right (issue 17): sees the council's cases and letters as staff do
    # (app/services/cases.py VIEW_ROLES) to anonymise and restrict them; works no task.
    DATA_PROTECTION = "data_protection"


# The roles held by people of a partner agency, each with that agency: they see a case only
# for their agency's part of it.
PARTNER_ROLES = frozenset({Role.PARTNER_AGENCY, Role.PARTNER_MANAGER})


class PartnerAgency(StrEnum):
    POLICE = "police"
    HOUSING_PROVIDER = "housing_provider"
    ICB = "icb"
    YOUTH_OFFENDING = "youth_offending"
    OTHER = "other"


def _in_check(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"


class User(db.Model):
    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (CheckConstraint(_in_check("agency", PartnerAgency), name="agency_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(256))
    agency: Mapped[str | None] = mapped_column(String(32))  # partner users only
    # Bumped when the user signs out everywhere: every token carries the generation it was issued under.
    token_generation: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None while an invited user has not yet chosen a password: nothing signs them in until then.
    password_set_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when an admin deactivates the account: no sign-in, token or session works after it.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An administrator of the whole service: manages the people of every council and adds
    # councils. Given on the command line only (ctflow users create --service-admin).
    service_admin: Mapped[bool] = mapped_column(Boolean, default=False)

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", order_by="Membership.id"
    )

    @validates("email")
    def _normalise_email(self, _key: str, email: str) -> str:
        return normalise_email(email)

    @property
    def council_ids(self) -> list[str]:
        return sorted({m.council_id for m in self.memberships})

    def roles_in(self, council_id: str) -> set[Role]:
        return {Role(m.role) for m in self.memberships if m.council_id == council_id}

    @property
    def active(self) -> bool:
        return self.deactivated_at is None

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class Membership(db.Model):
    """A user holds a role at a council; a user may hold several, at several councils."""

    __tablename__ = "membership"
    __table_args__ = (
        UniqueConstraint("user_id", "council_id", "role", name="uq_membership_user_council_role"),
        CheckConstraint(_in_check("role", Role), name="role_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    council_id: Mapped[str] = mapped_column(ForeignKey("council.id"), index=True)
    role: Mapped[str] = mapped_column(String(40))

    user: Mapped[User] = relationship(back_populates="memberships")

    @validates("role")
    def _validate_role(self, _key: str, role: str) -> str:
        return Role(role).value


class WebSession(db.Model):
    """One browser's sign-in, held on the server so that signing out ends it for good.

    The cookie carries a random secret; only its SHA-256 is stored, so a copy of this table
    cannot be replayed as a cookie.
    """

    __tablename__ = "web_session"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)

    user: Mapped[User] = relationship()


class LinkPurpose(StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountLink(db.Model):
    """A one-time link e-mailed to a user to set their password: an invitation, or a reset.

    Only the token's SHA-256 is kept (for the lookup). Until the e-mail is sent the row also
    holds the random nonce the token is an HMAC of (under the app's secret key), so the worker
    can write the e-mail; the nonce is wiped once it is sent or given up, after which nothing
    anywhere can produce the link again. The ``email_*`` columns are the e-mail's outbox, as a
    letter's are (``app.services.account_links``).
    """

    __tablename__ = "account_link"
    __table_args__ = (
        CheckConstraint(_in_check("purpose", LinkPurpose), name="purpose_known"),
        Index("ix_account_link_outbox", "email_next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(16))
    # The council that invited the user (its name is in the e-mail); None for a reset.
    council_id: Mapped[str | None] = mapped_column(ForeignKey("council.id"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(String(254))  # who asked for it: an e-mail, or "cli"
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Used, or made void by a later link or a password set another way: never opens again.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    email_last_error: Mapped[str | None] = mapped_column(Text)

    user: Mapped[User] = relationship()


def normalise_email(email: str) -> str:
    return email.strip().lower()
