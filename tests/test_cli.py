import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Council, Membership, User
from app.services.demo import DEMO_COUNCILS, DEMO_SERVICE_ADMIN, DEMO_USERS


def test_seed_demo_loads_every_council_and_a_user_per_role_and_body_and_is_idempotent(app, runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "officer.derby-city@example.org" in first.output
    assert "demo-password" in first.output
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Council)) == 11
        # A user per role at each demo council, and an administrator of the service.
        assert (
            db.session.scalar(select(func.count()).select_from(User))
            == len(DEMO_COUNCILS) * len(DEMO_USERS) + 1
        )
        root = db.session.scalar(select(User).where(User.email == DEMO_SERVICE_ADMIN))
        assert root.service_admin
        partner = db.session.scalar(select(User).where(User.email == "police.east-herts@example.org"))
        assert partner.agency == "police"
        assert partner.roles_in("east-herts") == {"partner_agency"}


def test_a_demo_login_works(app, runner, client):
    runner.invoke(args=["seed-demo"])
    response = client.post(
        "/api/v1/auth/token",
        json={"email": "manager.kensington-and-chelsea@example.org", "password": "demo-password"},
    )
    assert response.status_code == 200


def test_users_create_with_several_councils(app, runner):
    result = runner.invoke(
        args=["users", "create", "--email", "Pat@Example.org", "--password", "long enough pw",
              "--council", "derby-city", "--council", "erewash", "--role", "community_safety_manager"]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "pat@example.org" in result.output
    with app.app_context():
        rows = db.session.scalars(select(Membership).order_by(Membership.council_id)).all()
        assert [(m.council_id, m.role) for m in rows] == [
            ("derby-city", "community_safety_manager"),
            ("erewash", "community_safety_manager"),
        ]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--council", "atlantis", "--role", "community_safety_officer"], "Unknown council 'atlantis'"),
        (["--council", "derby-city", "--role", "wizard"], "Invalid value for '--role'"),
        (["--council", "derby-city", "--role", "partner_agency"], "needs an agency"),
        (["--council", "derby-city", "--role", "partner_agency", "--agency", "fire"], "Invalid value for '--agency'"),
        (["--council", "derby-city", "--role", "community_safety_officer", "--agency", "police"],
         "Only partner_agency and partner_manager users have an agency"),
        (["--role", "community_safety_officer"], "Missing option '--council'"),
    ],
    ids=["unknown-council", "unknown-role", "partner-without-agency", "unknown-agency",
         "agency-on-non-partner", "no-council"],
)  # fmt: skip
def test_users_create_refuses_bad_input_with_a_clear_message(app, runner, extra, message):
    result = runner.invoke(
        args=["users", "create", "--email", "x@example.org", "--password", "long enough pw", *extra]
    )
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("not-an-email", "long enough pw", "is not an e-mail address"),
        ("a@example.org", "short", "at least 10"),
    ],
    ids=["bad-email", "short-password"],
)
def test_users_create_checks_email_and_password(runner, email, password, message):
    result = runner.invoke(
        args=["users", "create", "--email", email, "--password", password, "--council", "derby-city",
              "--role", "admin"]
    )  # fmt: skip
    assert result.exit_code != 0 and message in result.output


def test_users_create_refuses_a_duplicate_email_in_any_case(runner):
    args = ["--password", "long enough pw", "--council", "derby-city", "--role", "admin"]
    assert runner.invoke(args=["users", "create", "--email", "dup@example.org", *args]).exit_code == 0
    result = runner.invoke(args=["users", "create", "--email", "DUP@example.org", *args])
    assert result.exit_code != 0
    assert "already exists" in result.output
