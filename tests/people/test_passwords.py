"""Passwords (issue 16): "forgot password" by e-mail, caught by a real SMTP server, with a
one-time link; changing one's own with the current one. Throttled as sign-in is, and never
saying whether an address has an account."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.factories.users import PASSWORD, create_user, token_for
from tests.people.helpers import audit_actions, send_link_emails, token_in
from tests.smtp import smtp_server_fixture  # noqa: F401

NEW = "a brand new passphrase"


def _forgot(client, email: str, address: str = "203.0.113.7"):
    return client.post(
        "/api/v1/auth/password-reset", json={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def test_a_reset_link_sets_a_new_password_once_and_ends_every_token(app, client, smtp_server):
    email = create_user(app, email="sam@example.org")
    old_token = token_for(client, email)
    known, unknown = _forgot(client, "Sam@Example.org"), _forgot(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 202
    assert known.get_json() == unknown.get_json()
    assert send_link_emails(app).sent == [1]
    [message] = smtp_server.messages
    assert (message["To"], message["Subject"]) == ("sam@example.org", "Reset your Community Trigger password")
    assert "until 23 November 2026, 11:00" in message.get_content()
    token = token_in(message)

    response = client.post("/api/v1/auth/password", json={"token": token, "password": NEW})
    assert response.status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {old_token}"}).status_code == 401
    assert client.post("/api/v1/auth/token", json={"email": email, "password": PASSWORD}).status_code == 401
    assert token_for(client, email, NEW)
    assert (
        client.post("/api/v1/auth/password", json={"token": token, "password": NEW + "!"}).status_code == 404
    )
    assert audit_actions(app) == [(email, "user.password_reset", email)]


def test_a_reset_link_expires_after_an_hour(app, client, clock, smtp_server):
    create_user(app, email="sam@example.org")
    _forgot(client, "sam@example.org")
    send_link_emails(app)
    clock.freeze(clock.now() + timedelta(hours=1))
    response = client.post(
        "/api/v1/auth/password", json={"token": token_in(smtp_server.messages[0]), "password": NEW}
    )
    assert response.status_code == 404


def test_no_reset_is_sent_to_a_deactivated_account(app, client, smtp_server):
    create_user(app, email="gone@example.org")
    with app.app_context():
        from app import clock as app_clock
        from app.extensions import db
        from app.store.users import get_user_by_email

        get_user_by_email("gone@example.org").deactivated_at = app_clock.now()
        db.session.commit()
    assert _forgot(client, "gone@example.org").status_code == 202
    assert send_link_emails(app).sent == []


def test_reset_requests_are_throttled_per_address_and_email(app, client, smtp_server):
    create_user(app, email="sam@example.org")
    for _ in range(3):
        assert _forgot(client, "sam@example.org").status_code == 202
    refused = _forgot(client, "sam@example.org")
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "900"
    assert (
        refused.get_json()["error"]["message"]
        == "Too many requests to reset a password. Try again in 15 minutes."
    )
    # Unknown addresses count the same way: the limit says nothing about the account.
    for _ in range(3):
        assert _forgot(client, "nobody@example.org").status_code == 202
    assert _forgot(client, "nobody@example.org").status_code == 429
    # Another network is not held back by this one.
    assert _forgot(client, "sam@example.org", address="198.51.100.9").status_code == 202


def test_guessing_links_is_throttled_per_address(app, client):
    body = {"token": "x" * 43, "password": NEW}
    for _ in range(20):
        assert client.post("/api/v1/auth/password", json=body).status_code == 404
    refused = client.post("/api/v1/auth/password", json=body)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"] == "Too many attempts with a link. Try again in 15 minutes."


def test_changing_ones_password_needs_the_current_one_and_ends_other_tokens(app, client):
    email = create_user(app, email="sam@example.org")
    token, other = token_for(client, email), token_for(client, email)
    headers = {"Authorization": f"Bearer {token}"}
    wrong = client.post("/api/v1/auth/password/change", json={"current_password": "nope", "new_password": NEW},
                        headers=headers)  # fmt: skip
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"] == {
        "current_password": ["The current password is not correct."]
    }
    short = client.post("/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": "short"},
                        headers=headers)  # fmt: skip
    assert short.get_json()["error"]["fields"] == {
        "new_password": ["The password must be at least 10 characters long."]
    }
    same = client.post("/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": PASSWORD},
                       headers=headers)  # fmt: skip
    assert same.get_json()["error"]["fields"] == {
        "new_password": ["The new password must be different from the current one."]
    }

    changed = client.post("/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": NEW},
                          headers=headers)  # fmt: skip
    assert changed.status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    fresh = {"Authorization": f"Bearer {changed.get_json()['token']}"}
    assert client.get("/api/v1/me", headers=fresh).status_code == 200
    assert audit_actions(app) == [(email, "user.password_changed", email)]


def test_wrong_current_passwords_are_throttled_as_sign_ins(app, client):
    email = create_user(app, email="sam@example.org")
    headers = {"Authorization": f"Bearer {token_for(client, email)}"}
    body = {"current_password": "wrong password", "new_password": NEW}
    for _ in range(5):
        assert client.post("/api/v1/auth/password/change", json=body, headers=headers).status_code == 422
    refused = client.post(
        "/api/v1/auth/password/change", json=body | {"current_password": PASSWORD}, headers=headers
    )
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Too many failed sign-ins.")


@pytest.mark.parametrize(
    ("path", "body", "fields"),
    [
        ("/api/v1/auth/password-reset", {}, {"email": ["Missing data for required field."]}),
        ("/api/v1/auth/password-reset", {"email": ""}, {"email": ["Length must be between 1 and 254."]}),
        ("/api/v1/auth/password", {"token": "abc"}, {"password": ["Missing data for required field."]}),
        ("/api/v1/auth/password", {"password": "x" * 12}, {"token": ["Missing data for required field."]}),
    ],
    ids=["reset-no-email", "reset-empty-email", "link-no-password", "link-no-token"],
)
def test_password_requests_with_bad_fields_are_refused_precisely(client, path, body, fields):
    response = client.post(path, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == fields
