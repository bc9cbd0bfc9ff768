"""The subject access pages (issue 17): data protection staff search, see where a person appears
and download the export, as the API gives it; nobody else reaches them."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import unquote

import pytest

from tests.factories.cases import application
from tests.factories.users import create_user
from tests.factories.web import signed_in

DPO = "dpo.derby-city@example.org"


@pytest.fixture
def case(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    create_user(app, role="data_protection", email=DPO)
    body = application(
        received_on="2026-12-10",
        victims=[{"name": "Jane Doe", "email": "jane@example.org", "address": "1 Elm Road, Derby DE1 1AA"}],
        summary="Gary Pollard shouts at night.",
    )
    case = derby.open_case(body)
    return derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})


def test_search_export_page_and_downloads(app, case):
    browser = signed_in(app, DPO)
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/subject-access"' in home  # in the navigation
    page = browser.get("/subject-access?q=DE1+1AA")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "1 person found" in html and "Jane Doe" in html and "Victim, who applied" in html
    [export_href] = re.findall(r'href="(/subject-access/export\?[^"]+)"', html)
    assert unquote(export_href) == "/subject-access/export?email=jane@example.org"

    export_page = browser.get(export_href).get_data(as_text=True)
    assert "Export what is held about jane@example.org" in export_page
    assert case["reference"] in export_page
    zip_href = re.search(r'href="([^"]+)"[^>]*id="download-zip"', export_page).group(1)
    assert unquote(zip_href) == "/subject-access/export.zip?email=jane@example.org"

    download = browser.get("/subject-access/export.json?email=jane%40example.org")
    assert download.status_code == 200 and download.mimetype == "application/json"
    assert download.headers["Content-Disposition"] == 'attachment; filename="subject-access-2026-12-14.json"'
    export = json.loads(download.data)
    assert [c["case"]["reference"] for c in export["cases"]] == [case["reference"]]
    assert "Pollard" not in download.get_data(as_text=True)
    archive = zipfile.ZipFile(
        io.BytesIO(browser.get("/subject-access/export.zip?email=jane%40example.org").data)
    )
    assert "export.json" in archive.namelist() and any(n.endswith("-CT1.pdf") for n in archive.namelist())


@pytest.mark.parametrize(
    ("q", "message"),
    [("", "Enter a name, an e-mail address or a postcode"), ("ja", "Enter at least 3 characters"),
     ("%%%", "Enter letters or digits of a name, an e-mail address or a postcode")],
)  # fmt: skip
def test_the_search_says_what_to_enter(app, case, q, message):
    html = signed_in(app, DPO).get("/subject-access", query_string={"q": q}).get_data(as_text=True)
    assert "There is a problem" in html and message in html and "Error: Subject access" in html


def test_nobody_found(app, case):
    html = signed_in(app, DPO).get("/subject-access?q=nobody").get_data(as_text=True)
    assert "No one found" in html


@pytest.mark.parametrize("who", ["manager.derby-city@example.org", "officer.derby-city@example.org",
                                 "police.derby-city@example.org"])  # fmt: skip
def test_others_get_403(app, case, who):
    browser = signed_in(app, who)
    assert 'href="/subject-access"' not in browser.get("/").get_data(as_text=True)
    for path in ("/subject-access?q=jane", "/subject-access/export?email=jane%40example.org",
                 "/subject-access/export.json?email=jane%40example.org"):  # fmt: skip
        assert browser.get(path).status_code == 403, path


def test_unknown_person_or_format_is_404(app, case):
    browser = signed_in(app, DPO)
    assert browser.get("/subject-access/export?case_person=999:victim-1").status_code == 404
    assert browser.get("/subject-access/export?case_person=nonsense").status_code == 404
    assert browser.get("/subject-access/export.pdf?email=jane%40example.org").status_code == 404
