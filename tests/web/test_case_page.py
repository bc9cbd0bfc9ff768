"""The case page, its diagram (XML and step states) and what a partner agency sees of it."""

from __future__ import annotations

import re
from html import unescape

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
        "10 December 2026, online",  # received, and how
        f"Community Trigger: Derbyshire (version {case['process']['version']})",  # the process's title
    ):
        assert text in html, text
    assert 'id="case-deadlines"' in html and "govuk-tag--green" in html  # the acknowledgement was met
    assert 'id="case-timeline"' in html and "Application received online" in html
    assert "by online" not in html and "Case opened" not in html
    assert 'id="case-documents"' in html
    for task in case["open_tasks"]:
        assert f'href="/tasks/{task["id"]}"' in html
    assert 'id="case-diagram"' in html and f'data-diagram-url="/cases/{case["id"]}/diagram.xml"' in html
    assert "bpmn-js/bpmn-viewer.production.min.js" in html and "case-diagram.js" in html
    assert 'id="steps-done"' in html and 'id="steps-open"' in html
    assert (
        'data-diagram-zoom="in"' in html
        and 'data-diagram-zoom="out"' in html
        and 'data-diagram-zoom="fit"' in html
    )


def _text(html: str) -> str:
    """What a reader sees: the page without its tags, scripts and attributes."""
    html = re.sub(r"<(script|style|head)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_the_case_file_shows_the_whole_application_in_peoples_words(app, derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    body = application(
        received_on="2026-12-10",
        channel="email",
        applicant_type="third_party",
        applicant={"name": "Sam Helper", "email": "sam@example.org", "phone": "07700 900456",
                   "address": "2 Other Road, Derby DE1 2AB", "relationship_to_victim": "son"},
        victims=[{"name": "Alex Victim", "email": "alex@example.org", "phone": "07700 900123",
                  "address": "1 Sample Street, Derby DE1 1AA", "vulnerable": True}],
        consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-10"},
        impact="I no longer sleep.", actions_taken="Kept a diary.", outcome_sought="The noise to stop.",
    )  # fmt: skip
    body["incidents"][0]["reports"].append(
        {"agency": "icb", "reported_on": "2026-09-03", "method": "in_person_office", "reporter": "Alex",
         "reference": "GP-77"}
    )  # fmt: skip
    case = derby.open_case(body)
    case = derby.check_records(case, answers={"c/1": {"confirmed": False, "not_confirmed": "No letter on file"}},
                               agency="housing_provider")  # fmt: skip
    html = signed_in(app, OFFICER).get(f"/cases/{case['id']}").get_data(as_text=True)
    text = _text(html)
    for shown in (
        "Someone on the victim's behalf",  # who applied
        "Sam Helper", "son", "sam@example.org", "07700 900456", "2 Other Road, Derby DE1 2AB",
        "Alex Victim", "alex@example.org", "07700 900123", "1 Sample Street, Derby DE1 1AA",
        "Vulnerable Yes",
        "Written consent from the victim, received 10 December 2026",
        "Noise and intimidation from a neighbouring flat",  # the summary
        "Incident 1: 1 September 2026", "Shouting at night",
        "The police", "2 September 2026", "By phone",
        "The NHS (integrated care board)", "In person at an office", "GP-77",
        "A housing provider (landlord)", "No record: No letter on file", "Not checked yet",
        "I no longer sleep.", "Kept a diary.", "The noise to stop.",
        "Application received 10 December 2026, by e-mail", "Statutory clock started 10 December 2026",
        "Application received by e-mail",  # the timeline
        "Application passed to the relevant bodies",
    ):  # fmt: skip
        assert shown in text, shown
    # No ISO date, raw key or diagram id reaches the page (e-mail addresses aside: the test users'
    # are named after their council).
    text = " ".join(word for word in text.split() if "@" not in word)
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", text), re.findall(r"\b20\d\d-\d\d-\d\d\b", text)
    for raw in ("icb ", "housing_provider", "in_person_office", "derby-city", "community_trigger", "third_party",
                "written_consent", "check_records", "case_opened", "Icb"):  # fmt: skip
        assert raw not in text, raw


def test_letters_say_whether_and_when_they_were_emailed(app, derby, case):
    from app.extensions import db
    from app.models import Document

    case = _to_information_requests(derby, case)
    with app.app_context():
        letters = db.session.query(Document).filter_by(case_id=case["id"]).order_by(Document.id).all()
        assert len(letters) >= 2
        letters[0].email_status, letters[0].email_to = "sent", "alex@example.org"
        from datetime import UTC, datetime

        letters[0].email_sent_at = datetime(2026, 12, 14, 10, 5, tzinfo=UTC)
        letters[1].email_status = "no_address"
        db.session.commit()
    text = _text(signed_in(app, OFFICER).get(f"/cases/{case['id']}").get_data(as_text=True))
    assert "E-mailed to alex@example.org on 14 December 2026, 10:05" in text
    assert "Not e-mailed: no e-mail address, send it by post" in text


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
    text = _text(html)
    # Its part: the victim's name (and address), the incidents with its own reports, the stage
    # in words, the progress view and its own task.
    assert 'id="case-progress"' in html and 'aria-current="step"' in html
    assert "Alex Victim" in text and "Case review" in text and "Shouting at night" in text
    assert "Reported to the police" in text and "2 September 2026, by phone" in text
    own = derby.open_task(case, "return_information", agency="police")
    assert f'href="/tasks/{own["id"]}"' in html
    # Nothing else: no diagram, deadlines, timeline, letters, other bodies' reports or staff e-mail.
    for hidden in ('id="case-diagram"', 'id="case-deadlines"', 'id="case-timeline"', 'id="case-documents"',
                   'id="steps-done"', "bpmn-viewer", "Received", "version", "Met.", "alex@example.org",
                   "officer.derby-city", "In writing", "By e-mail", "Application received"):  # fmt: skip
        assert hidden not in html, hidden
    contact = derby.open_task(case, "contact_victim")
    assert f'href="/tasks/{contact["id"]}"' not in html
    # The internal diagram is staff's: a partner gets 404 for its XML and state.
    assert police.get(f"/cases/{case['id']}/diagram-state.json").status_code == 404
    assert police.get(f"/cases/{case['id']}/diagram.xml").status_code == 404
    assert signed_in(app, HOUSING).get(f"/cases/{case['id']}").status_code == 404


def test_the_partner_page_and_the_api_show_the_same_part(app, derby, client, case):
    case = _to_information_requests(derby, case)
    view = derby.case(case["id"], who="police")
    text = _text(signed_in(app, POLICE).get(f"/cases/{case['id']}").get_data(as_text=True))
    assert view["stage_label"] in text and view["council_name"] in text
    for victim in view["victims"]:
        assert victim["name"] in text
    for incident in view["incidents"]:
        assert incident["description"] in text
    for task in view["open_tasks"]:
        assert task["name"] in text
    for step in view["progress"]:
        assert step["label"] in text


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
