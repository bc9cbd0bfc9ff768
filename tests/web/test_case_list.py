"""The staff case list page: search, filters, pages, and who may use it."""

from __future__ import annotations

import re

import pytest

from tests.factories.cases import application
from tests.factories.users import create_user
from tests.factories.web import signed_in

MANAGER = "manager.derby-city@example.org"


def _references(html: str) -> list[str]:
    return re.findall(
        r'<th scope="row" class="govuk-table__header"><a class="govuk-link" href="/cases/\d+">([^<]+)</a>',
        html,
    )


@pytest.fixture
def two(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    jane = derby.open_case(
        application(
            victims=[{"name": "Jane Smith", "address": "1 High Street, Derby DE1 1AA", "vulnerable": False}]
        )
    )
    old = derby.open_case(
        application(received_on="2026-12-01",
                    victims=[{"name": "Ada Lovelace", "address": "9 Park Lane, Derby DE22 3AB", "vulnerable": False}])
    )  # fmt: skip
    return jane, old


def test_a_manager_finds_a_case_by_the_victims_postcode(app, two):
    jane, old = two
    browser = signed_in(app, MANAGER)
    html = browser.get("/cases?q=DE1+1AA").get_data(as_text=True)
    assert _references(html) == [jane["reference"]]
    assert "1 case found" in html and "Jane Smith" in html and "14 December 2026" in html
    assert 'value="DE1 1AA"' in html  # what was searched stays in the box


def test_the_list_shows_every_case_newest_first_and_filters_overdue(app, two):
    jane, old = two
    browser = signed_in(app, MANAGER)
    assert _references(browser.get("/cases").get_data(as_text=True)) == [jane["reference"], old["reference"]]
    html = browser.get("/cases?overdue=yes").get_data(as_text=True)
    assert _references(html) == [old["reference"]]
    assert "Overdue" in html and "(due 8 December 2026)" in html
    assert _references(browser.get("/cases?status=closed").get_data(as_text=True)) == []
    assert _references(browser.get("/cases?stage=acknowledgement&q=lovelace").get_data(as_text=True)) == [
        old["reference"]
    ]


def test_a_search_that_finds_nothing_offers_to_clear_it_once(app, two):
    browser = signed_in(app, MANAGER)
    html = browser.get("/cases?q=nobody&stage=review").get_data(as_text=True)
    assert "No cases found" in html and "Check the spelling" in html
    # The link beside the Search button, not a second time in the words below it.
    assert (
        html.lower().count("clear") == 1
        and '<a class="govuk-link" href="/cases">Clear search and filters</a>' in html
    )


def test_nonsense_filters_are_ignored_not_errors(app, two):
    browser = signed_in(app, MANAGER)
    for query in (
        "stage=nope",
        "status=x",
        "page=abc",
        "page=99999999999999999999",
        "q=" + "x" * 500,
        "q=%25_",
    ):
        assert browser.get(f"/cases?{query}").status_code == 200, query


def test_pages_of_25(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    for _ in range(26):
        derby.open_case(application())
    browser = signed_in(app, MANAGER)
    first = browser.get("/cases").get_data(as_text=True)
    assert len(_references(first)) == 25 and "govuk-pagination" in first
    assert len(_references(browser.get("/cases?page=2").get_data(as_text=True))) == 1


def test_only_staff_of_the_council_get_the_list(app, derby, two):
    assert signed_in(app, "police.derby-city@example.org").get("/cases").status_code == 403
    herts = create_user(app, councils=("east-herts",), role="community_safety_manager")
    assert _references(signed_in(app, herts).get("/cases?q=smith").get_data(as_text=True)) == []
    assert "Cases" in signed_in(app, "officer.derby-city@example.org").get("/").get_data(as_text=True)
