"""The "Add a council" page (issue 16): administrators of the service only; the API's schema and
service behind it, its refusals next to the fields."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.models import Council
from app.services import councils
from tests.factories.users import create_user
from tests.factories.web import csrf_token, signed_in

FORM = {
    "name": "Newtown Borough Council", "id": "newtown", "reference_prefix": "NEW", "nation": "wales",
    "county": "new", "new_county": "powys", "county_name": "Powys",
    "contacts-team": "Community Safety Team", "contacts-email": "safety@newtown.example.org",
    "contacts-phone": "01632 960100", "contacts-address": "Town Hall, Newtown",
    "contacts-website": "https://www.newtown.example.org/", "diagram_from": "",
    "owner_email": "owner@newtown.example.org", "owner_name": "Olu Owner", "reason": "",
}  # fmt: skip


@pytest.fixture
def root(app, processes):
    return signed_in(app, create_user(app, role="panel_chair", email="root@example.org", service_admin=True))


def _post(browser, form):
    return browser.post("/councils/new", data={**form, "csrf_token": csrf_token(browser, "/councils/new")})


def test_an_administrator_of_the_service_adds_a_council_from_the_page(app, root):
    page = root.get("/councils/new")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Add a council" in html and 'href="/councils/new"' in html  # in the navigation too
    assert "The base diagram" in html and "East Herts Council" in html  # the diagrams to start from
    response = _post(root, {**FORM, "diagram_from": "east-herts"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/councils/newtown/people")
    people = root.get("/councils/newtown/people").get_data(as_text=True)
    assert (
        "Newtown Borough Council is added, and owner@newtown.example.org invited as its process owner"
        in people
    )
    assert "owner@newtown.example.org" in people
    with app.app_context():
        policy = councils.policy_for("newtown")
        assert (policy.county, policy.nation, policy.process_key) == (
            "powys",
            "wales",
            "community_trigger_newtown",
        )
        assert councils.registry().county("powys").name == "Powys"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"nation": ""}, "nation", "Select the council&#39;s nation"),
        ({"county": ""}, "county", "Select the council&#39;s county"),
        ({"new_county": ""}, "new_county", "Enter the new county&#39;s id, for example north-wales"),
        ({"county_name": ""}, "county_name", "Required for a new county"),
        ({"id": "New Town"}, "id", "Must be a slug"),
        ({"contacts-email": "nope"}, "contacts-email", "Not a valid email address."),
        ({"reference_prefix": "DER"}, "reference_prefix", "The reference prefix &#39;DER&#39; is already"),
        ({"id": "derby-city"}, "id", "There is already a council &#39;derby-city&#39;."),
        ({"owner_email": "nobody"}, "owner_email", "&#39;nobody&#39; is not an e-mail address."),
    ],
    ids=["nation", "county", "new-county-id", "county-name", "id", "contact-email", "prefix-taken", "id-taken",
         "owner-email"],
)  # fmt: skip
def test_problems_are_shown_next_to_their_field(app, root, change, field, message):
    response = _post(root, {**FORM, **change})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert message in html
    with app.app_context():
        assert db.session.get(Council, "newtown") is None


@pytest.mark.parametrize("role", ["admin", "process_owner", "community_safety_manager"])
def test_nobody_else_sees_the_page(app, processes, role):
    browser = signed_in(app, create_user(app, role=role))
    assert browser.get("/councils/new").status_code == 403
    assert 'href="/councils/new"' not in browser.get("/").get_data(as_text=True)


def test_an_administrator_of_the_service_opens_a_new_councils_settings_audit_and_people(app, root):
    assert _post(root, FORM).status_code == 302
    settings = root.get("/councils/newtown/settings")
    assert settings.status_code == 200
    html = settings.get_data(as_text=True)
    assert 'href="/councils/newtown/settings/contacts"' in html  # theirs to change
    assert 'href="/councils/newtown/audit?action=settings"' in html  # and who changed what
    assert root.get("/councils/newtown/settings/closures").status_code == 200
    audit = root.get("/councils/newtown/audit")
    assert audit.status_code == 200 and "Council created" in audit.get_data(as_text=True)
    assert root.get("/councils/newtown/people").status_code == 200
    assert root.get("/councils/atlantis/settings").status_code == 404


def test_a_new_councils_values_to_confirm_are_shown_in_words(app, root):
    assert _post(root, FORM).status_code == 302
    html = root.get("/councils/newtown/settings").get_data(as_text=True)
    to_confirm = html[html.index('id="to-confirm"') : html.index('id="closures"')]
    assert re.search(r'id="confirm-threshold-report_within">\s*<th[^>]*>threshold\.report_within<br>'
                     r'<span[^>]*>Now: 1 month</span>', to_confirm)  # fmt: skip
    assert "Now: 3</span>" in to_confirm  # threshold.min_qualifying
    assert "{&#39;months&#39;" not in to_confirm  # never {'months': 1}
