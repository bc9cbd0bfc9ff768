from datetime import timedelta

import pytest

from tests.factories.users import PASSWORD, create_user, token_for


def test_token_is_issued_for_the_right_password_and_expires_after_its_lifetime(app, client, clock):
    email = create_user(app)
    response = client.post("/api/v1/auth/token", json={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "expires_at"}
    assert body["expires_at"] == "2026-11-23T18:00:00+00:00"  # frozen 10:00 + 8 hours

    headers = {"Authorization": f"Bearer {body['token']}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    clock.freeze(clock.now() + timedelta(hours=8))
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "unauthenticated"


@pytest.mark.parametrize(
    ("email", "password"),
    [("known", "wrong password"), ("nobody@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_wrong_credentials_get_the_same_401_without_saying_which_part(app, client, email, password):
    known = create_user(app)
    response = client.post(
        "/api/v1/auth/token", json={"email": known if email == "known" else email, "password": password}
    )
    assert response.status_code == 401
    assert response.get_json() == {
        "error": {"code": "unauthenticated", "message": "The e-mail address or password is not correct."}
    }


def test_repeated_failures_for_one_email_wait_for_the_window_then_are_released(app, client, clock):
    email = create_user(app)
    wrong = {"email": email, "password": "not it at all"}
    right = {"email": email, "password": PASSWORD}
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    # After the free failures this client waits for the window to end, even with the right password.
    response = client.post("/api/v1/auth/token", json=right)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == str(app.config["LOGIN_WINDOW_SECONDS"])
    assert response.get_json()["error"] == {
        "code": "too_many_requests",
        "message": "Too many failed sign-ins. Try again in 15 minutes.",
    }
    # Trying again does not lengthen the wait.
    clock.freeze(clock.now() + timedelta(seconds=600))
    response = client.post("/api/v1/auth/token", json=wrong)
    assert response.headers["Retry-After"] == str(app.config["LOGIN_WINDOW_SECONDS"] - 600)
    clock.freeze(clock.now() + timedelta(seconds=app.config["LOGIN_WINDOW_SECONDS"] - 600))
    assert client.post("/api/v1/auth/token", json=right).status_code == 200
    # Success resets the count: failures are plain 401s again and the right password still works.
    for _ in range(app.config["LOGIN_FREE_FAILURES"] - 1):
        assert client.post("/api/v1/auth/token", json=wrong).status_code == 401
    assert client.post("/api/v1/auth/token", json=right).status_code == 200


def _from(address: str) -> dict:
    return {"environ_base": {"REMOTE_ADDR": address}}


def test_others_failures_from_elsewhere_do_not_lock_the_user_out(app, client):
    email = create_user(app)
    attacker = {"email": email, "password": "guess"}
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"] + 5):
        client.post("/api/v1/auth/token", json=attacker, **_from("198.51.100.7"))
    assert client.post("/api/v1/auth/token", json=attacker, **_from("198.51.100.7")).status_code == 429
    # The user, from their own address, signs in with the right password.
    response = client.post(
        "/api/v1/auth/token", json={"email": email, "password": PASSWORD}, **_from("203.0.113.5")
    )
    assert response.status_code == 200


def test_one_address_trying_many_emails_is_throttled(app, client):
    known = create_user(app)
    for number in range(app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]):
        wrong = {"email": f"guess{number}@example.org", "password": "guess"}
        assert client.post("/api/v1/auth/token", json=wrong, **_from("198.51.100.7")).status_code == 401
    right = {"email": known, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=right, **_from("198.51.100.7")).status_code == 429
    assert client.post("/api/v1/auth/token", json=right, **_from("203.0.113.5")).status_code == 200


def test_sign_ins_from_one_address_are_not_held_against_it(app, client):
    """An office behind one address signs in all morning: only failures count."""
    emails = [create_user(app) for _ in range(3)]
    for _ in range(app.config["LOGIN_FREE_FAILURES_PER_ADDRESS"]):
        for email in emails:
            assert (
                client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).status_code
                == 200
            )


def test_throttling_one_email_does_not_affect_another(app, client):
    throttled, other = create_user(app), create_user(app)
    for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1):
        client.post("/api/v1/auth/token", json={"email": throttled, "password": "nope nope nope"})
    assert (
        client.post("/api/v1/auth/token", json={"email": throttled, "password": PASSWORD}).status_code == 429
    )
    assert client.post("/api/v1/auth/token", json={"email": other, "password": PASSWORD}).status_code == 200


def test_logout_revokes_the_users_tokens(app, client):
    """Signing out of the API is signing out everywhere (tests/web/test_auth.py: web sessions too)."""
    email = create_user(app)
    first, second = token_for(client, email), token_for(client, email)
    assert client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {first}"}).status_code == 204
    for token in (first, second):
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    fresh = token_for(client, email)
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200


def test_rotating_the_secret_revokes_every_token(app, client):
    token = token_for(client, create_user(app))
    original = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "a rotated secret"
    try:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    finally:
        app.config["SECRET_KEY"] = original
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not.a.token", "Bearer " + "x" * 5000],
    ids=["missing", "no-token", "blank-token", "basic-scheme", "garbage", "huge"],
)
def test_protected_routes_need_a_valid_bearer_token(client, header):
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/councils", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthenticated"


def test_a_token_of_a_deleted_user_is_refused(app, client):
    from app.extensions import db
    from app.models import User

    email = create_user(app)
    token = token_for(client, email)
    with app.app_context():
        db.session.delete(db.session.query(User).filter_by(email=email).one())
        db.session.commit()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_me_lists_memberships(app, client):
    email = create_user(app, councils=("derby-city", "erewash"), role="partner_agency", agency="police")
    body = client.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token_for(client, email)}"}
    ).get_json()
    assert body["agency"] == "police"
    assert body["memberships"] == [
        {"council": "derby-city", "role": "partner_agency"},
        {"council": "erewash", "role": "partner_agency"},
    ]


def test_an_unknown_email_is_checked_against_a_hash_of_the_real_method_and_cost(app, client, monkeypatch):
    """Issue 13: the decoy hash was a cheap pbkdf2 while real ones are scrypt, so an unknown
    e-mail answered faster (bench/bench_auth.py measures both)."""
    from werkzeug.security import check_password_hash

    from app.services import auth

    # A method the decoy could not have been made with by accident.
    monkeypatch.setitem(app.config, "PASSWORD_HASH_METHOD", "scrypt:4096:8:1")
    known = create_user(app)
    checked: list[str] = []

    def recording_check(pwhash: str, password: str) -> bool:
        checked.append(pwhash)
        return check_password_hash(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", recording_check)
    for email in ("nobody@example.org", known):
        assert (
            client.post("/api/v1/auth/token", json={"email": email, "password": "wrong"}).status_code == 401
        )
    decoy, real = checked

    def method_and_cost(pwhash: str) -> str:
        return pwhash.split("$", 1)[0]

    assert method_and_cost(decoy) == method_and_cost(real) == "scrypt:4096:8:1"
    assert len(decoy) == len(real)
