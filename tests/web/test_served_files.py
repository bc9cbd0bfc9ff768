"""Served files (issue 13): a diagram's XML is the process owner's text, and XHTML inside it
(a ``meta refresh`` once sent the browser to another site) must never render as a page of
this site. Every route that serves a diagram sends it as an attachment under a sandboxing CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.cases import application
from tests.factories.web import signed_in

KEY = "community_trigger_derbyshire"
DERBYSHIRE = (Path(__file__).resolve().parents[2] / "processes" / f"{KEY}.bpmn").read_text()
# XHTML in a foreign namespace, where BPMN allows extensions: a browser rendering the XML would
# follow the refresh and run the script.
HOSTILE = DERBYSHIRE.replace(
    "<bpmn:collaboration ",
    '<html:html xmlns:html="http://www.w3.org/1999/xhtml"><html:head>'
    '<html:meta http-equiv="refresh" content="0;url=https://attacker.example/"/></html:head>'
    "<html:body><html:script>alert(document.cookie)</html:script></html:body></html:html>"
    "<bpmn:collaboration ",
    1,
)


@pytest.fixture
def hostile_version(app, derby):
    """The hostile diagram stored as version 2 of Derbyshire's process and live for Derby City
    (stored directly: whether the upload check would let it through is not what is tested)."""
    from app.extensions import db
    from app.services.processes import activate, save_version

    with app.app_context():
        version = save_version(KEY, HOSTILE.encode(), note="hostile")
        activate("derby-city", version)
        db.session.commit()
        assert version.number == 2
    return version.number


def assert_never_rendered(response, body: str) -> None:
    assert response.status_code == 200
    assert response.get_data(as_text=True) == body  # served whole, for the modeler and the viewer
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert ".bpmn" in response.headers["Content-Disposition"]
    csp = [p.strip() for p in response.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_studio_serves_a_diagram_as_an_attachment_that_cannot_render(app, derby, hostile_version):
    browser = signed_in(app, "owner.derby-city@example.org")
    assert_never_rendered(browser.get(f"/studio/{KEY}/versions/{hostile_version}.xml"), HOSTILE)


def test_a_cases_diagram_is_served_as_an_attachment_that_cannot_render(app, derby, hostile_version, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(received_on="2026-12-10"))
    assert case["process"] == {"key": KEY, "version": hostile_version}
    browser = signed_in(app, "officer.derby-city@example.org")
    assert_never_rendered(browser.get(f"/cases/{case['id']}/diagram.xml"), HOSTILE)
