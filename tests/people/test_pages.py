"""The people pages and the password pages (issue 16), through the same services as the API."""

from __future__ import annotations

import pytest

from app.store.users import get_user_by_email
from tests.factories.users import PASSWORD, create_user, token_for
from tests.factories.web import csrf_token, signed_in
from tests.people.helpers import audit_actions, send_link_emails, token_in
from tests.smtp import smtp_server_fixture  # noqa: F401

NEW = "a brand new passphrase"


@pytest.fixture
def admin_browser(app):
    create_user(app, role="admin", email="admin@derby.example.org")
    return signed_in(app, "admin@derby.example.org")


def _post(browser, path: str, data: dict):
    return browser.post(path, data={**data, "csrf_token": csrf_token(browser, path)})


def test_an_admin_invites_from_the_people_page_and_the_invitee_sets_a_password(
    app, admin_browser, smtp_server
):
    page = admin_browser.get("/councils/derby-city/people").get_data(as_text=True)
    assert '<h1 class="govuk-heading-l">People</h1>' in page and "admin@derby.example.org" in page
    response = _post(
        admin_browser,
        "/councils/derby-city/people/invite",
        {"email": "Nia@Example.org", "name": "Nia", "roles": ["community_safety_officer", "panel_chair"]},
    )
    assert response.status_code == 302
    listing = admin_browser.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invitation sent to nia@example.org." in listing
    assert "Community safety officer<br>Panel chair" in listing and "Invited" in listing

    send_link_emails(app)
    token = token_in(smtp_server.messages[0])
    invitee = app.test_client()
    form = invitee.get(f"/set-password/{token}").get_data(as_text=True)
    assert "Choose your password" in form and "For nia@example.org." in form
    mismatch = _post(invitee, f"/set-password/{token}", {"password": NEW, "confirm_password": NEW + "x"})
    assert mismatch.status_code == 422 and "The two passwords are not the same" in mismatch.get_data(
        as_text=True
    )
    done = _post(invitee, f"/set-password/{token}", {"password": NEW, "confirm_password": NEW})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert "Your password is set; you are signed in." in invitee.get("/").get_data(as_text=True)
    assert invitee.get(f"/set-password/{token}").status_code == 404


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "roles": ["admin"]}, "Enter their email address"),
        ({"email": "nia@example.org"}, "Choose at least one role."),
        ({"email": "nia", "roles": ["admin"]}, "&#39;nia&#39; is not an e-mail address."),
        ({"email": "nia@example.org", "roles": ["partner_agency"]}, "A partner_agency user needs an agency"),
        ({"email": "admin@derby.example.org", "roles": ["admin"]}, "already works at this council"),
        (
            {"email": "nia@example.org", "name": "N" * 201, "roles": ["admin"]},
            "The name must be at most 200 characters long.",
        ),
    ],
    ids=["no-email", "no-role", "bad-email", "partner-without-agency", "already-here", "name-too-long"],
)
def test_the_invitation_form_says_what_to_fix(app, admin_browser, data, message):
    response = _post(admin_browser, "/councils/derby-city/people/invite", data)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "There is a problem" in body and message in body


def test_an_admin_changes_roles_and_deactivates_from_the_pages(app, admin_browser):
    email = create_user(app, email="sam@example.org")
    token = token_for(app.test_client(), email)
    with app.app_context():
        user_id = get_user_by_email(email).id
    path = f"/councils/derby-city/people/{user_id}"
    saved = _post(admin_browser, path, {"roles": ["panel_chair"], "reason": "Chairs now"})
    assert saved.status_code == 302
    assert "The roles of sam@example.org are saved." in admin_browser.get(path).get_data(as_text=True)
    confirm = admin_browser.get(f"{path}/deactivate").get_data(as_text=True)
    assert "Deactivate sam’s account?" in confirm
    done = _post(admin_browser, f"{path}/deactivate", {"reason": "Left"})
    assert done.status_code == 302
    assert "The account of sam@example.org is deactivated." in admin_browser.get(
        done.headers["Location"]
    ).get_data(as_text=True)
    assert (
        app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
    assert [a for _, a, _ in audit_actions(app)] == [
        "user.role_removed",
        "user.role_added",
        "user.deactivated",
    ]


@pytest.mark.parametrize(
    ("role", "councils", "status"),
    [("community_safety_manager", ("derby-city",), 403), ("admin", ("east-herts",), 404)],
    ids=["manager", "admin-of-another-council"],
)
def test_the_people_pages_are_for_the_councils_admins(app, role, councils, status):
    email = create_user(app, role=role, councils=councils, email="someone@example.org")
    browser = signed_in(app, email)
    assert browser.get("/councils/derby-city/people").status_code == status
    assert browser.get("/councils/derby-city/people/invite").status_code == status
    assert browser.get("/councils/derby-city/people/1").status_code == status
    # The navigation offers "People" only where the user manages people.
    assert ('href="/people"' in browser.get("/").get_data(as_text=True)) == (role == "admin")


def test_forgot_password_answers_the_same_for_any_address(app, smtp_server):
    create_user(app, email="sam@example.org")
    browser = app.test_client()
    assert "Forgot your password?" in browser.get("/sign-in").get_data(as_text=True)
    known = _post(browser, "/forgot-password", {"email": "sam@example.org"}).get_data(as_text=True)
    unknown = _post(browser, "/forgot-password", {"email": "nobody@example.org"}).get_data(as_text=True)
    assert "If sam@example.org belongs to an account" in known
    assert known.replace("sam@", "nobody@") == unknown.replace(
        csrf_token(browser, "/forgot-password"), ""
    ) or ("If nobody@example.org belongs to an account" in unknown)
    assert send_link_emails(app).sent == [1]
    empty = _post(browser, "/forgot-password", {"email": ""})
    assert empty.status_code == 422 and "Enter your email address" in empty.get_data(as_text=True)


def test_a_user_changes_their_password_and_stays_signed_in_here_only(app):
    email = create_user(app, email="sam@example.org")
    here, elsewhere = signed_in(app, email), signed_in(app, email)
    wrong = _post(
        here, "/account/password", {"current_password": "nope", "new_password": NEW, "confirm_password": NEW}
    )
    assert wrong.status_code == 422 and "The current password is not correct." in wrong.get_data(as_text=True)
    done = _post(
        here,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW, "confirm_password": NEW},
    )
    assert done.status_code == 302
    assert "Your password is changed." in here.get("/account/password").get_data(as_text=True)
    assert elsewhere.get("/cases").status_code == 302
    assert here.get("/cases").status_code == 200
