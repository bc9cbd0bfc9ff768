"""The audit list page (issue 16): what the API lists, with its filters, for admins and managers."""

from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.services import audit
from tests.factories.users import create_user
from tests.factories.web import signed_in

PAGE = "/councils/derby-city/audit"


@pytest.fixture
def history(app, clock):
    for at, action, subject, actor in (
        ("2026-11-20T09:00:00+00:00", "settings.changed", "closures", "admin@example.org"),
        ("2026-11-22T08:00:00+00:00", "user.invited", "new.officer@example.org", "owner@example.org"),
    ):
        clock.freeze(at)
        with app.app_context():
            audit.record(council_id="derby-city", actor=actor, action=action, subject=subject,
                         reason="Christmas", details={"before": [], "after": ["2026-12-24"]})  # fmt: skip
            db.session.commit()
    clock.freeze("2026-11-23T10:00:00+00:00")


def _rows(html: str) -> list[str]:
    return re.findall(r'<th scope="row" class="govuk-table__header">([^<]+)<br>', html)


def test_a_manager_sees_the_list_and_filters_it(app, history):
    browser = signed_in(app, create_user(app, role="community_safety_manager"))
    html = browser.get(PAGE).get_data(as_text=True)
    assert _rows(html) == ["User invited", "Settings changed"]
    assert "2 changes" in html and "20 November 2026, 09:00" in html and "Christmas" in html
    assert "&#34;2026-12-24&#34;" in html or "&quot;2026-12-24&quot;" in html  # what changed, escaped
    assert _rows(browser.get(f"{PAGE}?action=settings.changed").get_data(as_text=True)) == [
        "Settings changed"
    ]
    html = browser.get(f"{PAGE}?actor=owner@example.org&from=2026-11-21").get_data(as_text=True)
    assert _rows(html) == ["User invited"] and "1 change found" in html and "Clear filters" in html
    # The navigation leads here.
    assert f'href="{PAGE}"' in browser.get("/").get_data(as_text=True)


def test_a_bad_date_is_shown_as_the_apis_message_on_the_field(app, history):
    browser = signed_in(app, create_user(app, role="admin"))
    response = browser.get(f"{PAGE}?from=yesterday&to=2026-11-01")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in html and html.count("Not a valid date; use YYYY-MM-DD.") == 2
    assert 'href="#from"' in html and 'value="yesterday"' in html and _rows(html) == []


@pytest.mark.parametrize(("role", "council", "status"), [
    ("community_safety_officer", "derby-city", 403),
    ("process_owner", "derby-city", 403),
    ("admin", "east-herts", 404),
])  # fmt: skip
def test_others_may_not_see_it(app, history, role, council, status):
    browser = signed_in(app, create_user(app, role=role, councils=(council,)))
    assert browser.get(PAGE).status_code == status
    assert f'href="{PAGE}"' not in browser.get("/").get_data(as_text=True)
