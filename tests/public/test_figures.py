"""Issue 15: the published figures. A council's statutory figures for a year are public (no
sign-in, no personal data, small numbers as they are) once its manager publishes them; before,
only its managers see a preview. The county's page collates the councils that have published,
appeals counted; each page has its CSV at the same path with .csv."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from tests.api.test_reports import Cases
from tests.factories.actors import Council
from tests.factories.web import csrf_token, signed_in


@pytest.fixture
def year_2026(app, client, processes, clock, derby, monkeypatch):
    """Derby City in 2026: three applications, one refused, two reviewed (one with a
    recommendation), and two appeals against an outcome (one upheld, one not decided yet).
    Amber Valley (the same county) had one application. Now is February 2027."""
    amber = Council(app, client, "amber-valley")
    cases = Cases(clock)
    first = cases.decide(derby, cases.receive(derby, "2026-03-02"), "2026-03-09", met=True)
    second = cases.decide(derby, cases.receive(derby, "2026-04-01"), "2026-04-07", met=True)
    cases.decide(derby, cases.receive(derby, "2026-06-01", incidents=1), "2026-06-08", met=False)
    cases.review(derby, first, "2026-05-12", recommendations=True)
    cases.review(derby, second, "2026-05-19", recommendations=False)
    cases.receive(amber, "2026-07-01")
    from app.extensions import db
    from app.models import Appeal

    with app.app_context():
        for case, upheld in ((first, True), (second, None)):
            db.session.add(Appeal(case_id=case["id"], kind="appeal", received_on=date(2026, 6, 1), grounds="x",
                                  lodged_at=datetime(2026, 6, 1, tzinfo=UTC), lodged_by="a@b.c",
                                  upheld=upheld))  # fmt: skip
        db.session.commit()
    clock.freeze("2027-02-01T10:00:00+00:00")
    return amber


def publish(client, council, who, year):
    return client.post(
        f"/api/v1/councils/{council.council_id}/figures/{year}/publish", headers=council.as_(who)
    )


def cells(html: str, table: str) -> list[list[str]]:
    body = re.search(rf'<table[^>]*id="{table}".*?</table>', html, flags=re.S).group(0)
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body, flags=re.S)
    return [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, flags=re.S)]
        for r in rows
    ]  # fmt: skip


def test_a_year_is_hidden_until_the_manager_publishes_it(app, client, derby, year_2026):
    page = client.get("/figures/derby-city")
    assert page.status_code == 200 and "No figures have been published yet." in page.get_data(as_text=True)
    assert client.get("/figures/derby-city?year=2026").status_code == 404
    assert client.get("/figures/derby-city.csv?year=2026").status_code == 404
    assert client.get("/figures/county/derbyshire?year=2026").status_code == 404

    # Only the council's manager publishes, and only a year that has ended, once.
    assert publish(client, derby, "officer", 2026).status_code == 403
    assert publish(client, derby, "manager", 2027).status_code == 409
    response = publish(client, derby, "manager", 2026)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["published_by"] == "manager.derby-city@example.org"
    again = publish(client, derby, "manager", 2026)
    assert again.status_code == 409 and "published on 2027-02-01" in again.get_json()["error"]["message"]

    html = client.get("/figures/derby-city?year=2026").get_data(as_text=True)
    assert cells(html, "figures")[1:] == [
        ["Applications for a case review", "3"],
        ["Applications that did not meet the threshold", "1"],
        ["Case reviews carried out", "2"],
        ["Case reviews that led to recommendations", "1"],
    ]
    assert cells(html, "appeals")[1:] == [
        ["Upheld", "1"], ["Not upheld", "0"], ["Not yet decided", "1"], ["All appeals", "2"]
    ]  # fmt: skip
    assert "Preview" not in html and "@" not in html  # no personal data, no e-mail addresses
    # The latest published year is the default.
    assert cells(client.get("/figures/derby-city").get_data(as_text=True), "figures") == cells(
        html, "figures"
    )

    csv = client.get("/figures/derby-city.csv?year=2026")
    assert csv.mimetype == "text/csv"
    assert csv.get_data(as_text=True) == (
        "year,county,council,name,applications,threshold_not_met,reviews_carried_out,"
        "reviews_with_recommendations,appeals,appeals_upheld,appeals_not_upheld,appeals_undecided\r\n"
        "2026,derbyshire,derby-city,Derby City Council,3,1,2,1,2,1,0,1\r\n"
    )


def test_the_county_page_collates_the_councils_that_published(app, client, derby, year_2026):
    amber = year_2026
    assert publish(client, derby, "manager", 2026).status_code == 200
    html = client.get("/figures/county/derbyshire?year=2026").get_data(as_text=True)
    rows = cells(html, "figures")
    assert rows[1] == ["Derby City Council", "3", "1", "2", "1", "2"]
    assert rows[-1] == ["Total for Derbyshire", "3", "1", "2", "1", "2"]
    # Amber Valley has not published 2026: it is named, not counted.
    assert "Amber Valley" in re.search(r'id="not-published">(.*?)</p>', html, flags=re.S).group(1)
    assert publish(client, amber, "manager", 2026).status_code == 200
    csv = client.get("/figures/county/derbyshire.csv?year=2026").get_data(as_text=True).splitlines()
    assert csv[1:] == [
        "2026,derbyshire,amber-valley,Amber Valley Borough Council,1,0,0,0,0,0,0,0",
        "2026,derbyshire,derby-city,Derby City Council,3,1,2,1,2,1,0,1",
        "2026,derbyshire,,Total for Derbyshire,4,1,2,1,2,1,0,1",
    ]


def test_a_manager_previews_an_unpublished_year_and_publishes_it_from_the_page(app, client, derby, year_2026):
    browser = signed_in(app, "manager.derby-city@example.org")
    html = browser.get("/figures/derby-city?year=2026").get_data(as_text=True)
    assert 'id="preview"' in html and cells(html, "figures")[1] == ["Applications for a case review", "3"]
    # An officer of the council sees nothing of it yet.
    officer = signed_in(app, "officer.derby-city@example.org")
    assert officer.get("/figures/derby-city?year=2026").status_code == 404
    token = csrf_token(browser, "/figures/derby-city?year=2026")
    response = browser.post("/figures/derby-city/2026/publish", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/figures/derby-city?year=2026").status_code == 200


def test_links_and_bad_addresses(client, processes):
    home = client.get("/").get_data(as_text=True)
    assert 'href="/figures/derby-city"' in home and 'href="/figures/county/derbyshire"' in home
    assert client.get("/figures/nowhere").status_code == 404
    assert client.get("/figures/county/nowhere").status_code == 404
    assert client.get("/figures/derby-city?year=20x6").status_code == 400
