"""Plain factory functions for users and tokens, called directly from tests."""

from __future__ import annotations

from itertools import count

from flask import Flask

from app.services.users import create_user as create_user_service

PASSWORD = "correct horse battery"
_numbers = count(1)


def create_user(
    app: Flask,
    *,
    councils: tuple[str, ...] = ("derby-city",),
    role: str = "community_safety_officer",
    agency: str | None = None,
    email: str | None = None,
    password: str = PASSWORD,
    service_admin: bool = False,
) -> str:
    with app.app_context():
        user = create_user_service(
            email=email or f"user{next(_numbers)}@example.org",
            password=password,
            councils=councils,
            role=role,
            agency=agency,
            service_admin=service_admin,
        )
        return user.email


def token_for(client, email: str, password: str = PASSWORD) -> str:
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def auth_headers(app: Flask, client, **user_kwargs) -> dict[str, str]:
    """Create a user and return the Authorization header of a fresh token for them."""
    email = create_user(app, **user_kwargs)
    return {"Authorization": f"Bearer {token_for(client, email)}"}
