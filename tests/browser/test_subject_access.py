"""The subject access pages in Chromium (issue 17): the demo data protection officer searches,
opens a person's export and downloads it; axe-clean at a desktop width and a phone's."""

from __future__ import annotations

import json
import zipfile

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import api, sign_in, token, visit
from tests.factories.cases import application

DPO = "dataprotection.derby-city@example.org"
OFFICER = "officer.derby-city@example.org"


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width(request, page) -> int:
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


def test_a_data_protection_officer_exports_what_is_held_about_someone(server, page, width, tmp_path):
    email = f"winifred.{width}@example.org"
    victim = {"name": f"Winifred Sample{width}", "email": email, "address": "4 Elm Road, Derby DE1 1AA"}
    body = application(received_on="2026-12-10", victims=[victim], summary="Gary Pollard shouts at night.")
    case = api(server, "POST", "/api/v1/councils/derby-city/cases", body, token(server, OFFICER))

    sign_in(page, DPO)
    if width < 641:  # GOV.UK's service navigation folds into a menu on a phone
        page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Subject access").click()
    expect(page.get_by_role("heading", name="Subject access")).to_be_visible()
    page.get_by_role("button", name="Search").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Enter a name, an e-mail address or a postcode"
    )
    visit(page, f"subject-access-error-{width}")

    page.get_by_label("Search people").fill(f"winifred sample{width}")
    page.get_by_role("button", name="Search").click()
    row = page.locator("#people tbody tr").filter(has_text=email)
    expect(row).to_contain_text("Victim, who applied")
    visit(page, f"subject-access-results-{width}")

    row.get_by_role("link", name="Export").click()
    expect(page.get_by_role("heading", name=f"Export what is held about {email}")).to_be_visible()
    expect(page.locator("#appearances")).to_contain_text(case["reference"])
    visit(page, f"subject-access-export-{width}")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download with the letters as PDF (ZIP)").click()
    path = tmp_path / "export.zip"
    download.value.save_as(path)
    export = json.loads(zipfile.ZipFile(path).read("export.json"))
    assert [c["case"]["reference"] for c in export["cases"]] == [case["reference"]]
    assert "Pollard" not in json.dumps(export)
