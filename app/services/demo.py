"""Demo data for `ctflow seed-demo`: every council, and a user for every role at three of them."""

from __future__ import annotations

from dataclasses import dataclass

from app.models import PartnerAgency, Role
from app.services import councils
from app.services.users import create_user
from app.store import users as user_store

DEMO_COUNCILS = ("derby-city", "east-herts", "kensington-and-chelsea")
DEMO_PASSWORD = "demo-password"
DEMO_SERVICE_ADMIN = "service.admin@example.org"
# (role, login name, partner agency): a user for every role, and a partner for each relevant body
# an application may name, so that every body's records check can be done in the demo.
DEMO_USERS: tuple[tuple[Role, str, str | None], ...] = (
    (Role.COMMUNITY_SAFETY_OFFICER, "officer", None),
    (Role.COMMUNITY_SAFETY_MANAGER, "manager", None),
    (Role.PROCESS_OWNER, "owner", None),
    (Role.PARTNER_AGENCY, "police", PartnerAgency.POLICE),
    (Role.PARTNER_AGENCY, "housing", PartnerAgency.HOUSING_PROVIDER),
    (Role.PARTNER_AGENCY, "icb", PartnerAgency.ICB),
    (Role.PARTNER_AGENCY, "youth", PartnerAgency.YOUTH_OFFENDING),
    (Role.PARTNER_MANAGER, "police-inspector", PartnerAgency.POLICE),
    (Role.PANEL_CHAIR, "chair", None),
    (Role.APPEAL_BODY, "appeals", None),
    (Role.ADMIN, "admin", None),
    (Role.DATA_PROTECTION, "dataprotection", None),
)


@dataclass(frozen=True)
class DemoLogin:
    council: str
    role: str
    email: str
    password: str
    created: bool


def demo_email(login: str, council_id: str) -> str:
    return f"{login}.{council_id}@example.org"


def seed_demo() -> list[DemoLogin]:
    """Load the councils and the demo users; running it again changes nothing."""
    councils.sync_council_rows()
    logins = []
    for council_id in DEMO_COUNCILS:
        for role, login, agency in DEMO_USERS:
            email = demo_email(login, council_id)
            exists = user_store.get_user_by_email(email) is not None
            if not exists:
                create_user(
                    email=email,
                    password=DEMO_PASSWORD,
                    councils=[council_id],
                    role=role,
                    agency=agency,
                    name=f"Demo {login} ({council_id})",
                )
            logins.append(DemoLogin(council_id, role.value, email, DEMO_PASSWORD, created=not exists))
    # An administrator of the service, who adds councils (and manages every council's people);
    # an admin of the first demo council besides, as an account needs a council.
    exists = user_store.get_user_by_email(DEMO_SERVICE_ADMIN) is not None
    if not exists:
        create_user(
            email=DEMO_SERVICE_ADMIN, password=DEMO_PASSWORD, councils=[DEMO_COUNCILS[0]], role=Role.ADMIN,
            name="Demo administrator of the service", service_admin=True,
        )  # fmt: skip
    logins.append(
        DemoLogin("every council", "service admin", DEMO_SERVICE_ADMIN, DEMO_PASSWORD, created=not exists)
    )
    return logins
