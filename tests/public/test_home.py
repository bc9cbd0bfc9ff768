"""The public start page at "/": what the Community Trigger is, who can apply, what qualifies,
each council's time limits from its live diagram, other ways to apply, and the staff sign-in."""

from __future__ import annotations

import re

import pytest

from tests.factories.web import signed_in

pytestmark = pytest.mark.usefixtures("processes")


def test_a_visitor_gets_the_start_page(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for words in ("Ask for an antisocial behaviour case review (Community Trigger)", "Who can apply",
                  "What qualifies and how long each step takes", "Other ways to apply"):  # fmt: skip
        assert words in html, words
    assert 'href="/apply/derby-city"' in html and 'href="/apply/east-herts"' in html
    assert 'href="/sign-in"' in html and "Sign in to manage cases" in html
    # The header's service name leads back here, not to the staff sign-in.
    header = re.search(r"<header.*?</header>", html, re.S).group(0)
    assert 'href="/"' in header and "sign-in" not in header
    assert response.headers["Cache-Control"] == "no-store" and "Cookie" in response.headers["Vary"]


def test_the_time_limits_are_each_councils_own(client):
    html = client.get("/").get_data(as_text=True)
    # Derby City: 5 working days to acknowledge, 15 to decide (guidance notes lines 142, 144);
    # East Herts: 3 and 14 (its policy); the Derbyshire councils' clock waits for consent.
    assert "Within 5 working days of us receiving your application" in html
    assert "Within 3 working days of us receiving your application" in html
    assert "Within 14 working days of us receiving your application" in html
    assert "Within 15 working days of us receiving your completed application" in html
    assert "to the Office of the Police and Crime Commissioner for Derbyshire" in html
    # Other ways to apply: each council's own contact.
    assert "community.safety@eastherts.gov.uk" in html and "01279 655261" in html
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", html) and "add_working_days" not in html


def test_a_limit_no_source_states_is_worded_as_an_aim(app):
    from app.services import councils
    from app.services.time_limits import describe_limit

    with app.app_context():
        amber = councils.policy_for("amber-valley")  # councils.toml: its limits are to confirm
        derby = councils.policy_for("derby-city")
        expression = "add_working_days(received_on, 5)"
        assert describe_limit(amber, "acknowledge", expression) == (
            "within 5 working days of us receiving your application (our aim)"
        )
        assert describe_limit(derby, "acknowledge", expression) == (
            "within 5 working days of us receiving your application"
        )
        assert describe_limit(derby, "appeal_window", "add_days(notified_on, appeal_within_days)") == (
            "within 28 days of being told the outcome"
        )
        assert describe_limit(derby, "acknowledge", "today()") is None


def test_signed_in_staff_still_get_their_inbox(app, derby):
    html = signed_in(app, "officer.derby-city@example.org").get("/").get_data(as_text=True)
    assert "Signed in as" in html and "Ask for an antisocial behaviour case review" not in html
