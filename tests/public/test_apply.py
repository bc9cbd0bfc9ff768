"""The public application form: the whole journey with the Flask client, as a browser would."""

from __future__ import annotations

import re

import pytest

from tests.factories.web import csrf_token

START = "/apply/derby-city"
ADDRESS = {"address_line_1": "1 High Street", "address_line_2": "", "town": "Derby", "postcode": "de1  2fs"}
# What the threshold evaluation found is for the officers to decide on, never shown while applying.
# (The start page states each council's threshold; the next step names the decision to come.)
THRESHOLD_WORDS = ("threshold met", "threshold not met", "not met", "qualifying complaints found")


@pytest.fixture
def browser(app, processes):
    return app.test_client()


def _post(browser, path, data, token=None):
    token = token or csrf_token(browser, path)
    return browser.post(path, data={**data, "csrf_token": token})


def _html(response):
    return response.get_data(as_text=True)


def _assert_no_threshold(html):
    lowered = html.lower()
    for words in THRESHOLD_WORDS:
        assert words not in lowered, words


def _incident(day, agency="police", method="phone", reported_day=None):
    reported_day = reported_day or day + 1
    return {
        "occurred_on-day": str(day), "occurred_on-month": "10", "occurred_on-year": "2026",
        "description": f"Incident on the {day}th",
        "agency": agency, "method": method,
        "reported_on-day": str(reported_day), "reported_on-month": "10", "reported_on-year": "2026",
    }  # fmt: skip


def _through_incidents(browser, pages_seen, **impact):
    response = _post(browser, f"{START}/incidents/new", _incident(1))
    assert response.headers["Location"].endswith(f"{START}/incidents"), _html(response)
    pages_seen.append(browser.get(f"{START}/incidents"))
    assert "Incident 1" in _html(pages_seen[-1]) and "Incident on the 1th" in _html(pages_seen[-1])
    response = _post(browser, f"{START}/incidents", {"add_another": "true"})
    assert response.headers["Location"].endswith(f"{START}/incidents/new")
    pages_seen.append(browser.get(f"{START}/incidents/new"))
    assert "Incident 2" in _html(pages_seen[-1])
    _post(browser, f"{START}/incidents/new", _incident(5, agency="council", method="email"))
    _post(browser, f"{START}/incidents/new", _incident(9, agency="housing_provider", method="writing"))
    response = _post(browser, f"{START}/incidents", {"add_another": "false"})
    assert response.headers["Location"].endswith(f"{START}/impact")
    _post(
        browser, f"{START}/impact", {"impact": "I cannot sleep", "outcome_sought": "Make it stop", **impact}
    )
    response = _post(browser, f"{START}/declaration", {"declaration": "confirmed"})
    assert response.headers["Location"].endswith(f"{START}/check")


def _submit(browser, pages_seen):
    check = browser.get(f"{START}/check")
    pages_seen.append(check)
    response = _post(browser, f"{START}/check", {})
    assert response.status_code == 302, _html(response)
    confirmation = browser.get(response.headers["Location"])
    pages_seen.append(confirmation)
    html = _html(confirmation)
    reference = re.search(r"<strong>([A-Z0-9-]+)</strong>", html).group(1)
    token = re.search(r"/status/([A-Za-z0-9_-]+)", html).group(1)
    return reference, token, html


def _api_case(derby, reference):
    response = derby.client.get("/api/v1/cases", headers=derby.as_("officer"))
    [summary] = [c for c in response.get_json()["items"] if c["reference"] == reference]
    return derby.case(summary["id"])


def test_a_victim_applies_and_the_case_exists_with_its_incidents(app, browser, derby):
    pages_seen = [browser.get(START)]
    assert "Start now" in _html(pages_seen[0])
    response = _post(browser, f"{START}/who", {"applicant_type": "victim"})
    assert response.headers["Location"].endswith(f"{START}/victim")
    pages_seen.append(browser.get(f"{START}/victim"))
    assert "About you" in _html(pages_seen[-1])
    response = _post(browser, f"{START}/victim", {"name": "Alex Victim", "email": "alex@example.org",
                                                 "vulnerable": "false"})  # fmt: skip
    assert response.headers["Location"].endswith(f"{START}/victim_address")
    pages_seen.append(browser.get(f"{START}/victim_address"))
    assert "What is your address?" in _html(pages_seen[-1])
    response = _post(browser, f"{START}/victim_address", ADDRESS)
    assert response.headers["Location"].endswith(f"{START}/incidents/new")
    _through_incidents(browser, pages_seen)
    check_html = _html(browser.get(f"{START}/check"))
    assert "Alex Victim" in check_html and "Incident 3" in check_html
    reference, token, html = _submit(browser, pages_seen)
    assert "Application sent" in html
    case = _api_case(derby, reference)
    from app.models import Case

    with app.app_context():
        from app.extensions import db

        stored = db.session.query(Case).filter_by(reference=reference).one()
        assert [i["occurred_on"] for i in stored.application["incidents"]] == [
            "2026-10-01", "2026-10-05", "2026-10-09"
        ]  # fmt: skip
        assert stored.application["incidents"][1]["reports"][0]["agency"] == "council"
        assert stored.application["victims"][0]["name"] == "Alex Victim"
        # One line each, the postcode tidied: the letters' address block (app.letters.recipients).
        assert stored.application["victims"][0]["address"] == "1 High Street\nDerby\nDE1 2FS"
        assert stored.application["under_18_involved"] is False  # not asked about: no
        assert stored.history[0].actor == "public application"
    assert case["reference"] == reference
    status = browser.get(f"/status/{token}")
    assert status.status_code == 200 and reference in _html(status)
    pages_seen.append(status)
    for page in pages_seen[1:]:
        _assert_no_threshold(_html(page))
    # The answers are gone from the session: the form starts afresh.
    assert browser.get(f"{START}/check").status_code == 302


def test_a_third_party_applies_with_consent(app, browser, derby):
    _post(browser, f"{START}/who", {"applicant_type": "third_party"})
    _post(browser, f"{START}/victim", {"name": "Pat Victim", "vulnerable": "true"})
    _post(browser, f"{START}/victim_address", ADDRESS)
    response = _post(browser, f"{START}/you", {"name": "Sam Helper", "relationship_to_victim": "son"})
    assert response.headers["Location"].endswith(f"{START}/applicant_address")
    response = _post(browser, f"{START}/applicant_address", {**ADDRESS, "address_line_1": "2 Low Road"})
    assert response.headers["Location"].endswith(f"{START}/consent")
    response = _post(browser, f"{START}/consent", {"evidence": "written_consent"})
    assert response.headers["Location"].endswith(f"{START}/incidents/new")
    pages_seen = []
    # A person under 18 is involved: the Youth Offending Service will be asked (Derby City, line 106).
    _through_incidents(browser, pages_seen, under_18_involved="true")
    reference, _token, _html_text = _submit(browser, pages_seen)
    from app.extensions import db
    from app.models import Case

    with app.app_context():
        stored = db.session.query(Case).filter_by(reference=reference).one()
        assert stored.application["applicant_type"] == "third_party"
        assert stored.application["applicant"]["name"] == "Sam Helper"
        assert stored.application["applicant"]["address"] == "2 Low Road\nDerby\nDE1 2FS"
        assert stored.application["consent"]["evidence"] == "written_consent"
        assert stored.application["victims"][0]["vulnerable"] is True
        assert stored.application["under_18_involved"] is True


def test_errors_are_shown_in_the_summary_on_the_page_they_belong_to(browser):
    response = _post(browser, f"{START}/who", {})
    assert response.status_code == 400
    html = _html(response)
    assert "There is a problem" in html and "Select who is applying" in html
    assert 'href="#applicant_type"' in html
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    response = _post(browser, f"{START}/victim", {"name": "", "email": "not-an-email", "vulnerable": "false"})
    html = _html(response)
    assert response.status_code == 400
    assert "Enter your full name" in html  # the victim applies: "you"
    assert "Enter an email address in the correct format" in html
    bad = {**_incident(1), "occurred_on-month": "13", "method": ""}
    response = _post(browser, f"{START}/incidents/new", bad)
    html = _html(response)
    assert response.status_code == 400
    assert "must be a real date" in html and 'href="#occurred_on-day"' in html
    assert 'href="#method"' in html  # ApplicationSchema: a report needs how it was reported


def test_check_answers_change_link_returns_to_check_answers(browser, processes):
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    _post(browser, f"{START}/victim", {"name": "Alex Victim", "vulnerable": "false"})
    html = _html(browser.get(f"{START}/check"))
    assert f'href="{START}/victim?change=1"' in html
    response = _post(browser, f"{START}/victim?change=1", {"name": "Alex Changed", "vulnerable": "false"})
    assert response.headers["Location"].endswith(f"{START}/check")
    assert "Alex Changed" in _html(browser.get(f"{START}/check"))


def test_remove_an_incident(browser):
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    _post(browser, f"{START}/incidents/new", _incident(1))
    _post(browser, f"{START}/incidents/new", _incident(2))
    _post(browser, f"{START}/incidents/0/remove", {}, token=csrf_token(browser, f"{START}/incidents"))
    html = _html(browser.get(f"{START}/incidents"))
    assert "Incident on the 2th" in html and "Incident on the 1th" not in html


def test_the_declaration_must_be_confirmed(browser):
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    response = _post(browser, f"{START}/declaration", {})
    assert response.status_code == 400
    assert "Confirm that the information you have given is true" in _html(response)


def test_a_post_without_the_csrf_token_is_refused(browser):
    response = browser.post(f"{START}/who", data={"applicant_type": "victim"})
    assert response.status_code == 400
    assert browser.get(f"{START}/victim").status_code == 302  # nothing was saved


def test_an_unknown_council_is_404(browser):
    assert browser.get("/apply/no-such-council").status_code == 404
    assert browser.get("/apply/no-such-council/who").status_code == 404


def test_a_long_application_is_kept_on_the_server_not_in_the_cookie(browser):
    # About 4,500 characters that do not compress (the session cookie is zlib-compressed when signed).
    long_account = " ".join(f"night{n} bang{(n * 7919) % 10007}" for n in range(250))
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    _post(browser, f"{START}/victim", {"name": "Alex Victim", "vulnerable": "false"})
    for day in (1, 5, 9):
        response = _post(browser, f"{START}/incidents/new", {**_incident(day), "description": long_account})
        assert response.status_code == 302, _html(response)
    cookie = browser.get_cookie("ctflow_session")
    assert cookie is not None and len(cookie.value) < 1000  # a browser drops cookies over about 4 KB
    assert _html(browser.get(f"{START}/incidents")).count("Incident ") >= 3


def test_an_organisation_is_asked_for_the_victims_consent_too(app, browser, derby):
    """RULES.md §3: anyone applying for someone else, an organisation included, needs consent."""
    _post(browser, f"{START}/who", {"applicant_type": "agency"})
    _post(browser, f"{START}/victim", {"name": "Pat Victim"})
    _post(browser, f"{START}/victim_address", ADDRESS)
    response = _post(browser, f"{START}/you", {"name": "Kim Officer", "organisation": "Derby Homes"})
    assert response.headers["Location"].endswith(f"{START}/applicant_address")
    assert "What is your organisation&#39;s address?" in _html(browser.get(f"{START}/applicant_address"))
    response = _post(browser, f"{START}/applicant_address", ADDRESS)
    assert response.headers["Location"].endswith(f"{START}/consent")
    response = _post(browser, f"{START}/consent", {"evidence": "later"})
    assert response.headers["Location"].endswith(f"{START}/incidents/new")
    pages_seen = []
    _through_incidents(browser, pages_seen)
    reference, _token, _html_text = _submit(browser, pages_seen)
    from app.extensions import db
    from app.models import Case

    with app.app_context():
        stored = db.session.query(Case).filter_by(reference=reference).one()
        assert stored.application["applicant_type"] == "agency"
        assert stored.application["consent"] == {"given": False}
        assert stored.clock_started_on is None  # Derby City: the clock waits for the consent


def test_an_incident_that_was_not_reported_says_so(app, browser):
    """A radio once chosen cannot be cleared: "It was not reported" is its own answer, and what
    was typed about a report is then left out of the application."""
    _post(browser, f"{START}/who", {"applicant_type": "victim"})
    missing = _post(browser, f"{START}/incidents/new", {**_incident(1), "agency": ""})
    assert "Select who it was reported to, or that it was not reported" in _html(missing)
    response = _post(browser, f"{START}/incidents/new", {**_incident(1), "agency": "not_reported"})
    assert response.status_code == 302, _html(response)
    html = _html(browser.get(f"{START}/incidents"))
    assert "1 October 2026: Incident on the 1th. Not reported." in html
    from app.public import pages

    with app.app_context():
        answers = {"who": {"applicant_type": "victim"}, "incident_list": [{**_incident(1), "agency": "not_reported",
                   "occurred_on": "2026-10-01", "method": "phone", "reported_on": "2026-10-02"}]}  # fmt: skip
        assert pages.application(answers)["incidents"][0]["reports"] == []
