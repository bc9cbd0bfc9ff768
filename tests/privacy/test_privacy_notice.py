"""The privacy notice (issue 17): a public page per council, worded by the council's
``letters.privacy_notice`` block with its own contacts and retention period, linked from the
footer of every public page and from the application's declaration; the block is plain text
whose template syntax comes out literally."""

from __future__ import annotations

import html as html_module
import re

import pytest

from app.domain.letter_wording import blocks
from tests.factories.cases import application
from tests.factories.users import auth_headers
from tests.factories.web import csrf_token

pytestmark = pytest.mark.usefixtures("processes")


@pytest.fixture(autouse=True)
def _long_tokens(app, monkeypatch):
    monkeypatch.setitem(app.config, "TOKEN_TTL_SECONDS", 365 * 86400)


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    body = response.get_data(as_text=True)
    return html_module.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _east_herts_team(app) -> str:
    from app.services import councils

    with app.app_context():
        return councils.policy_for("east-herts").contacts.team


def _notice(response) -> str:
    body = response.get_data(as_text=True)
    return re.search(r'<div id="notice">(.*?)</div>', body, re.S).group(1)


@pytest.mark.parametrize(
    ("council", "name", "email"),
    [
        ("derby-city", "Derby City Council", "CommunitySafety@derby.gov.uk"),
        ("east-herts", "East Herts Council", "community.safety@eastherts.gov.uk"),
    ],
)
def test_each_council_has_its_own_notice_with_its_contacts(app, client, council, name, email):
    from app.services import councils

    with app.app_context():
        policy = councils.policy_for(council)
    text = _text(client.get(f"/privacy/{council}"))
    assert f"{name} is the controller" in text
    assert policy.contacts.email == email and email in text
    assert policy.contacts.phone in text and policy.contacts.address in text
    assert f"We keep a case for {policy.retention_years} years after it is closed." in text
    # What is collected and why, who it is shared with, the rights and the ICO.
    for words in (
        "sections 104 and 105 and Schedule 4 of the Anti-social Behaviour, Crime and Policing Act 2014",
        "Article 6(1)(e)", "Article 9(2)(g)", "Schedule 1 to the Data Protection Act 2018",
        "the police", "the integrated care board", "housing providers", "youth offending service",
        "subject access request", "correct information", "delete your information", "object to",
        "Information Commissioner's Office", "www.ico.org.uk",
    ):  # fmt: skip
        assert words in text, words
    assert "{" not in text  # every placeholder filled


def test_the_notice_says_the_retention_period_the_council_set(app, client):
    admin = auth_headers(app, client, role="admin", councils=("east-herts",))
    response = client.patch(
        "/api/v1/councils/east-herts/settings",
        json={"retention_years": 8, "reason": "Agreed with the DPO"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    assert "We keep a case for 8 years after it is closed." in _text(client.get("/privacy/east-herts"))
    assert "We keep a case for 6 years after it is closed." in _text(client.get("/privacy/derby-city"))


def test_a_council_rewords_its_notice_and_template_code_comes_out_literally(app, client):
    admin = auth_headers(app, client, role="admin", councils=("east-herts",))
    hostile = "\n".join(
        (
            "## Who we are, {council_name}",
            "{{ self.__init__.__globals__ }} {{ 7*7 }}",
            "{% for x in range(3) %}loop{% endfor %}",
            "<script>alert(1)</script>",
            "",
            "- ask {team} on {phone}",
            "- kept {retention_years} years",
        )
    )
    response = client.patch(
        "/api/v1/councils/east-herts/settings",
        json={"letters": {"privacy_notice": hostile}, "reason": "Our DPO's wording"},
        headers=admin,
    )
    assert response.status_code == 200, response.get_json()
    page = client.get("/privacy/east-herts")
    notice = _notice(page)
    assert "<h2" in notice and "Who we are, East Herts Council" in notice
    assert "{{ self.__init__.__globals__ }} {{ 7*7 }}" in html_module.unescape(notice)
    assert (
        "49" not in notice
        and "looploop" not in notice
        and "{% for x in range(3) %}" in html_module.unescape(notice)
    )
    assert "<script>" not in page.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in notice
    team = html_module.escape(_east_herts_team(app))
    assert f"<li>ask {team} on 01279 655261</li>" in notice
    assert "<li>kept 6 years</li>" in notice


@pytest.mark.parametrize(
    ("notice", "field_message"),
    [
        ("Contact {dpo_email}", "Unknown placeholder {dpo_email}"),
        ("{council_name.__class__}", "Unknown placeholder {council_name.__class__}"),
        ("   ", "Must not be blank: the law requires a privacy notice."),
        ("x" * 20001, "Longer than maximum length 20000."),
    ],
)
def test_a_notice_the_schema_refuses(app, client, notice, field_message):
    admin = auth_headers(app, client, role="admin", councils=("east-herts",))
    response = client.patch(
        "/api/v1/councils/east-herts/settings",
        json={"letters": {"privacy_notice": notice}, "reason": "x"},
        headers=admin,
    )
    assert response.status_code == 422, response.get_json()
    assert field_message in str(response.get_json()["error"]["fields"])


def test_an_unknown_council_is_404_and_the_index_lists_every_council(app, client):
    from app.services import councils

    assert client.get("/privacy/no-such-council").status_code == 404
    body = client.get("/privacy").get_data(as_text=True)
    with app.app_context():
        for council in councils.registry():
            assert f'href="/privacy/{council.id}"' in body


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("## A\nOne\ntwo\n\nThree", [("heading", "A"), ("paragraph", "One two"), ("paragraph", "Three")]),
        ("- a\n- b\nc", [("list", ["a", "b"]), ("paragraph", "c")]),
        ("##no space\n-no space", [("paragraph", "##no space -no space")]),
        ("", []),
    ],
)
def test_blocks_reads_only_headings_lists_and_paragraphs(text, expected):
    assert blocks(text) == expected


# --- The link on every public page --------------------------------------------------------------

# Public pages that are not laid out by public/base.html: CSV files, a letter's own HTML, a POST.
NOT_PAGES = {
    "public.council_figures_csv", "public.county_figures_csv", "public.status_letter",
    "public.remove_incident", "public.publish_figures",
}  # fmt: skip


def _status_token(app, case_id):
    from app.extensions import db
    from app.models import Case
    from app.services import status_links

    with app.app_context():
        token = status_links.issue(db.session.get(Case, case_id))
        db.session.commit()
        return token


START = "/apply/derby-city"


def _post(visitor, path, data):
    response = visitor.post(path, data={**data, "csrf_token": csrf_token(visitor, path)})
    assert response.status_code == 302, (path, response.get_data(as_text=True)[:2000])
    return response


def _answer_up_to_check(visitor):
    """A victim's answers, every page up to "check your answers" (so that the pages render
    rather than redirect to the first one unanswered)."""
    _post(visitor, f"{START}/who", {"applicant_type": "victim"})
    _post(
        visitor,
        f"{START}/victim",
        {"name": "Alex Victim", "email": "alex@example.org", "vulnerable": "false"},
    )
    _post(
        visitor,
        f"{START}/victim_address",
        {"address_line_1": "1 High Street", "town": "Derby", "postcode": "DE1 2FS"},
    )
    for day in (1, 5, 9):
        _post(visitor, f"{START}/incidents/new", {
            "occurred_on-day": str(day), "occurred_on-month": "12", "occurred_on-year": "2026",
            "description": "Shouting", "agency": "police", "method": "phone",
            "reported_on-day": str(day + 1), "reported_on-month": "12", "reported_on-year": "2026",
        })  # fmt: skip
    _post(visitor, f"{START}/incidents", {"add_another": "false"})
    _post(visitor, f"{START}/impact", {"impact": "I cannot sleep"})
    _post(visitor, f"{START}/declaration", {"declaration": "confirmed"})


def _status_path(app, derby) -> str:
    case = derby.open_case(application(received_on="2026-12-10"))
    return f"/status/{_status_token(app, case['id'])}"


def test_every_public_page_links_to_the_privacy_notice(app, derby, clock):
    from app.public.apply import QUESTIONS
    from app.public.pages import steps_for

    clock.freeze("2026-12-14T09:00:00+00:00")
    visitor = app.test_client()
    _answer_up_to_check(visitor)
    derby_notice = "/privacy/derby-city"
    # endpoint -> [(a path, the notice its footer links to)], in the order visited.
    examples = {
        "public.start": [(START, derby_notice)],
        "public.question": [
            (f"{START}/{step}", derby_notice)
            for step in steps_for({"who": {"applicant_type": "victim"}})
            if step in QUESTIONS
        ],
        "public.incident": [(f"{START}/incidents/new", derby_notice), (f"{START}/incidents/1", derby_notice)],
        "public.incidents": [(f"{START}/incidents", derby_notice)],
        "public.check": [(f"{START}/check", derby_notice)],
        "public.confirmation": [],  # visited after sending, below
        "public.status": [(_status_path(app, derby), derby_notice)],
        "public.council_figures": [("/figures/derby-city", derby_notice)],
        "public.county_figures": [("/figures/county/derbyshire", "/privacy")],
        "public.privacy_index": [("/privacy", "/privacy")],
        "public.privacy_notice": [("/privacy/east-herts", "/privacy/east-herts")],
        "web.inbox": [("/", "/privacy")],  # the start page, to a visitor
    }
    public = {
        rule.endpoint for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("public.") and "GET" in rule.methods
    }  # fmt: skip
    # A new public page must be added here, and so gets checked.
    assert public - NOT_PAGES == set(examples) - {"web.inbox"}

    def assert_linked(path, notice):
        response = visitor.get(path)
        assert response.status_code == 200, (path, response.status_code)
        footer = re.search(r'<div class="govuk-footer">.*', response.get_data(as_text=True), re.S).group(0)
        assert re.search(rf'id="privacy-link" href="{re.escape(notice)}"', footer), path

    for pages in examples.values():
        for path, notice in pages:
            assert_linked(path, notice)
    sent = _post(visitor, f"{START}/check", {})
    assert "/confirmation" in sent.headers["Location"]
    assert_linked(sent.headers["Location"], derby_notice)


def test_the_declaration_links_to_the_councils_notice(app, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    visitor = app.test_client()
    _answer_up_to_check(visitor)
    body = visitor.get(f"{START}/declaration").get_data(as_text=True)
    assert re.search(r'<p class="govuk-body" id="privacy">.*href="/privacy/derby-city"', body, re.S)
    assert "privacy notice (opens in new tab)" in body
