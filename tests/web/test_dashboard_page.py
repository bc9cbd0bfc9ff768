"""The managers' dashboard page (issue 15) over the fixed cases of tests/factories/dashboard_cases.py:
its tables hold the API's numbers, every linked number opens the case list of exactly the cases
it counts, its charts are inline SVG that is safe and accessible, and who may open it."""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Deadline
from tests.factories.dashboard_cases import PERIOD, make_dashboard_cases
from tests.factories.users import create_user
from tests.factories.web import signed_in

QUERY = f"?area=council:derby-city&from={PERIOD['from']}&to={PERIOD['to']}"
LINK = re.compile(r'<a class="govuk-link" href="(/cases\?[^"]+)">(\d+)<span class="govuk-visually-hidden">')
REFERENCE = re.compile(r'<a class="govuk-link" href="/cases/\d+">([^<]+)</a>')


@pytest.fixture
def cases(app, processes):
    with app.app_context():
        return make_dashboard_cases()


def _manager(app, council="derby-city", role="community_safety_manager"):
    return signed_in(app, create_user(app, councils=(council,), role=role))


def _section(html: str, section_id: str) -> str:
    start = html.index(f'id="{section_id}-heading"')
    end = html.find('<section class="app-chart"', start)
    return html[start : end if end != -1 else len(html)]


def test_every_linked_number_opens_exactly_the_cases_it_counts(app, cases):
    browser = _manager(app)
    page = browser.get("/dashboard" + QUERY)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    links = LINK.findall(html)
    assert len(links) >= 15
    for href, number in links:
        listed = browser.get(html_lib.unescape(href)).get_data(as_text=True)
        references = REFERENCE.findall(listed)
        assert len(references) == int(number), (href, references)
        assert all(r.startswith("DER-") for r in references)


def test_the_tables_hold_the_figures(app, cases):
    html = _manager(app).get("/dashboard" + QUERY).get_data(as_text=True)
    deadlines = _section(html, "deadlines")
    assert "Acknowledge the application" in deadlines and "Decide on the threshold" in deadlines
    missed = dict(
        (parse_qs(urlsplit(html_lib.unescape(href)).query)["key"][0], int(n))
        for href, n in LINK.findall(deadlines)
        if "deadline_missed" in href
    )
    assert missed == {"acknowledge": 1, "threshold_decision": 1}
    assert "4.5" in _section(html, "milestones") and "55" in _section(html, "milestones")
    stage_link = next(
        href for href, _ in LINK.findall(_section(html, "open-cases")) if "stage=threshold" in href
    )
    assert parse_qs(urlsplit(html_lib.unescape(stage_link)).query) == {
        "council": ["derby-city"], "status": ["open"], "stage": ["threshold"],
    }  # fmt: skip
    assert "1 September 2026 to 23 November 2026" in html


def test_the_charts_are_inline_svg_with_a_title_and_description_and_nothing_to_run(app, cases):
    html = _manager(app).get("/dashboard" + QUERY).get_data(as_text=True)
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    assert len(charts) == 7
    for chart in charts:
        chart_id = re.search(r'<svg[^>]* id="([^"]+)"', chart).group(1)
        assert (
            f'aria-labelledby="{chart_id}-title"' in chart and f'aria-describedby="{chart_id}-desc"' in chart
        )
        assert 'role="img"' in chart
        assert f'<title id="{chart_id}-title">' in chart and f'<desc id="{chart_id}-desc">' in chart
        assert "<script" not in chart and "<style" not in chart and "style=" not in chart
        assert not re.findall(r"https?://(?!www\.w3\.org/)", chart)  # nothing fetched from elsewhere
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


def test_labels_from_council_data_are_escaped_in_the_charts_and_tables(app, cases):
    with app.app_context():
        for row in db.session.scalars(select(Deadline).where(Deadline.key == "acknowledge")):
            row.label = '<script>alert("x")</script> & <b>'
        db.session.commit()
    html = _manager(app).get("/dashboard" + QUERY).get_data(as_text=True)
    assert "<script>alert" not in html and "<b>" not in html
    assert "&lt;script&gt;alert(" in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?from=2026-02-30", "Not a valid date; use YYYY-MM-DD."),
        ("?from=2026-11-01&to=2026-10-01", "The end of the period must be the same as or after its start."),
        ("?from=2020-01-01&to=2026-01-01", "The period can be at most 5 years long."),
        (
            "?from-day=30&from-month=2&from-year=2026",
            "The first day of the period must be a real date, for example 1 4 2026.",
        ),
        (
            "?to-day=1&to-month=13&to-year=2026",
            "The last day of the period must be a real date, for example 1 4 2026.",
        ),
        (
            "?from-day=1&from-month=3&from-year=26",
            "The first day of the period must be a real date, for example 1 4 2026.",
        ),
        (
            "?from-day=1&from-month=11&from-year=2026&to-day=1&to-month=10&to-year=2026",
            "The end of the period must be the same as or after its start.",
        ),
    ],
    ids=[
        "no such day",
        "backwards",
        "too long",
        "no such day in boxes",
        "no such month",
        "two-digit year",
        "backwards in boxes",
    ],
)
def test_a_wrong_period_is_said_precisely_on_the_page(app, cases, query, message):
    page = _manager(app).get("/dashboard" + query)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "There is a problem" in html and message in html and "<title>Error:" in html
    assert "<svg" not in html


def test_the_county_dashboard_lists_each_council_and_links_only_what_the_user_sees(app, cases):
    html = _manager(app).get(f"/dashboard?area=county:derbyshire&from={PERIOD['from']}&to={PERIOD['to']}")
    html = html.get_data(as_text=True)
    assert (
        "Each council" in html
        and "Amber Valley Borough Council" in html
        and "Bolsover District Council" in html
    )
    assert not LINK.findall(html)  # Amber Valley's cases are not this manager's to list
    assert "not linked to their cases" in html


@pytest.mark.parametrize(
    ("role", "agency", "status"),
    [("community_safety_officer", None, 403), ("partner_agency", "police", 403), ("admin", None, 200)],
)
def test_who_may_open_the_dashboard(app, role, agency, status):
    browser = signed_in(app, create_user(app, role=role, agency=agency))
    assert browser.get("/dashboard").status_code == status
    nav = browser.get("/").get_data(as_text=True)
    assert ('href="/dashboard"' in nav) == (status == 200)


def test_another_councils_area_falls_back_to_the_users_own(app, cases):
    html = _manager(app).get("/dashboard?area=council:east-herts").get_data(as_text=True)
    assert "Derby City Council" in html and "East Herts" not in html


def test_the_case_list_says_which_figure_it_lists_and_refuses_a_wrong_one(app, cases):
    browser = _manager(app)
    html = browser.get(
        f"/cases?council=derby-city&figure=deadline_missed&key=acknowledge&from={PERIOD['from']}&to={PERIOD['to']}"
    ).get_data(as_text=True)
    assert "The cases behind a figure of the dashboard" in html
    assert "Deadline missed: Acknowledge, 1 September 2026 to 23 November 2026" in html
    assert REFERENCE.findall(html) == ["DER-B"]
    wrong = browser.get("/cases?figure=action&key=late").get_data(as_text=True)
    assert "There is a problem with the link to these cases" in wrong and REFERENCE.findall(wrong) == []


def test_the_period_is_asked_as_day_month_and_year_boxes(app, cases):
    """The GOV.UK date pattern, not the browser's own picker; a link's YYYY-MM-DD fills the boxes."""
    start, end = PERIOD["from"].split("-"), PERIOD["to"].split("-")
    boxes = (f"?area=council:derby-city&from-day={int(start[2])}&from-month={int(start[1])}&from-year={start[0]}"
             f"&to-day={int(end[2])}&to-month={int(end[1])}&to-year={end[0]}")  # fmt: skip
    by_boxes = _manager(app).get("/dashboard" + boxes).get_data(as_text=True)
    by_link = _manager(app).get("/dashboard" + QUERY).get_data(as_text=True)
    assert 'type="date"' not in by_link
    for html in (by_boxes, by_link):
        assert "There is a problem" not in html
        assert f'name="from-year" type="text" value="{start[0]}"' in html
        assert f'name="to-day" type="text" value="{int(end[2])}"' in html
    # The same period, so the same figures.
    assert _section(by_boxes, "deadlines") == _section(by_link, "deadlines")
