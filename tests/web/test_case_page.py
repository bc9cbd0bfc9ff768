"""The case page, its diagram (XML and step states) and what a partner agency sees of it."""

from __future__ import annotations

import re

import pytest

from tests.factories.cases import application
from tests.factories.users import create_user
from tests.factories.web import signed_in

OFFICER = "officer.derby-city@example.org"
POLICE = "police.derby-city@example.org"
HOUSING = "housing.derby-city@example.org"


@pytest.fixture
def case(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    return derby.open_case(application(received_on="2026-12-10"))


def _to_information_requests(derby, case):
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    case = derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})
    return derby.complete(case, "request_information", {"agencies": ["police"]})


def _elements(derby, case_id: int, status: str) -> list[str]:
    from app.models import CaseTask, Milestone
    from app.store import cases as _  # noqa: F401  (app context below)

    with derby.app.app_context():
        from app.extensions import db

        tasks = db.session.query(CaseTask).filter_by(case_id=case_id, status=status).all()
        elements = [t.element for t in tasks]
        if status == "completed":
            elements += [m.element for m in db.session.query(Milestone).filter_by(case_id=case_id)]
        return elements


def test_staff_see_summary_deadlines_timeline_documents_tasks_and_the_diagram(app, derby, case):
    case = _to_information_requests(derby, case)
    html = signed_in(app, OFFICER).get(f"/cases/{case['id']}").get_data(as_text=True)
    assert f"Case {case['reference']}" in html
    for text in (
        "Derby",
        "Open",
        "10 December 2026",
        f"{case['process']['key']}, version {case['process']['version']}",
    ):
        assert text in html, text
    assert 'id="case-deadlines"' in html and "govuk-tag--green" in html  # the acknowledgement was met
    assert 'id="case-timeline"' in html and "Case opened" in html
    assert 'id="case-documents"' in html
    for task in case["open_tasks"]:
        assert f'href="/tasks/{task["id"]}"' in html
    assert 'id="case-diagram"' in html and f'data-diagram-url="/cases/{case["id"]}/diagram.xml"' in html
    assert "bpmn-js/bpmn-viewer.production.min.js" in html and "case-diagram.js" in html
    assert 'id="steps-done"' in html and 'id="steps-open"' in html


def test_documents_link_to_their_html_and_pdf(app, derby, client, case):
    case = _to_information_requests(derby, case)
    items = client.get(f"/api/v1/cases/{case['id']}/documents", headers=derby.as_("officer")).get_json()[
        "items"
    ]
    assert [d["kind"] for d in items][:2] == ["CT1", "CT4"]  # acknowledged, then threshold met
    browser = signed_in(app, OFFICER)
    html = browser.get(f"/cases/{case['id']}").get_data(as_text=True)
    doc = items[0]["id"]
    assert f'href="/documents/{doc}"' in html and f'href="/documents/{doc}.pdf"' in html
    letter = browser.get(f"/documents/{doc}")
    assert letter.status_code == 200 and letter.headers["Content-Security-Policy"].startswith(
        "default-src 'none'"
    )
    assert browser.get(f"/documents/{doc}.pdf").data.startswith(b"%PDF")
    assert signed_in(app, POLICE).get(f"/documents/{doc}").status_code == 404


def test_the_diagram_is_the_xml_of_the_version_the_case_runs(app, derby, case):
    from app.models import Case

    with app.app_context():
        from app.extensions import db

        xml = db.session.get(Case, case["id"]).process_version.xml
    response = signed_in(app, OFFICER).get(f"/cases/{case['id']}/diagram.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    assert response.get_data(as_text=True) == xml


def test_diagram_state_lists_completed_and_current_elements(app, derby, case):
    browser = signed_in(app, OFFICER)
    first = browser.get(f"/cases/{case['id']}/diagram-state.json").get_json()
    # The acknowledgement and, beside it, the relevant bodies' records checks.
    assert sorted(first["current"]) == ["acknowledge", "check_records"]
    assert set(first["current"]) == set(_elements(derby, case["id"], "open"))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.check_records(case)
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    state = browser.get(f"/cases/{case['id']}/diagram-state.json").get_json()
    completed = _elements(derby, case["id"], "completed")
    assert {"acknowledge", "check_records"} <= set(state["completed"])
    assert set(state["completed"]) == set(completed) - set(state["current"])
    assert set(state["current"]) == set(_elements(derby, case["id"], "open"))
    assert len(state["completed"]) >= 2 and not set(state["completed"]) & set(state["current"])


def test_another_councils_case_is_404(app, derby, case):
    create_user(app, councils=("east-herts",), role="community_safety_manager", email="m@herts.example.org")
    browser = signed_in(app, "m@herts.example.org")
    for path in ("", "/diagram.xml", "/diagram-state.json"):
        assert browser.get(f"/cases/{case['id']}{path}").status_code == 404, path


def test_a_partner_sees_the_reduced_page_and_only_cases_its_agency_was_asked_about(app, derby, case):
    police = signed_in(app, POLICE)
    for path in ("", "/diagram.xml", "/diagram-state.json"):
        assert police.get(f"/cases/{case['id']}{path}").status_code == 404, path
    case = _to_information_requests(derby, case)
    response = police.get(f"/cases/{case['id']}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="case-deadlines"' in html and 'id="case-diagram"' in html and 'id="steps-open"' in html
    for hidden in ('id="case-timeline"', 'id="case-documents"', 'id="steps-done"', "Received", "version"):
        assert hidden not in html, hidden
    own = derby.open_task(case, "return_information", agency="police")
    assert f'href="/tasks/{own["id"]}"' in html
    contact = derby.open_task(case, "contact_victim")
    assert f'href="/tasks/{contact["id"]}"' not in html
    assert "Jane" not in html and "Case opened" not in html
    state = police.get(f"/cases/{case['id']}/diagram-state.json").get_json()
    assert state["completed"] == [] and state["current"]
    assert police.get(f"/cases/{case['id']}/diagram.xml").status_code == 200
    assert signed_in(app, HOUSING).get(f"/cases/{case['id']}").status_code == 404


def test_the_inbox_links_each_case_reference_to_its_page(app, case):
    html = signed_in(app, OFFICER).get("/").get_data(as_text=True)
    assert re.search(rf'<a class="govuk-link" href="/cases/{case["id"]}">{case["reference"]}</a>', html)


@pytest.mark.parametrize(
    "path", ["bpmn-js/bpmn-viewer.production.min.js", "bpmn-js/bpmn-js.css", "bpmn-js/diagram-js.css",
             "case-diagram.js", "case-diagram.css"],
)  # fmt: skip
def test_the_diagram_assets_are_served(client, path):
    response = client.get(f"/static/{path}")
    assert response.status_code == 200 and len(response.data) > 100
