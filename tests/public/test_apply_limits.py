"""The public form's limits per source address (issue 13): one client cannot open unlimited
drafts or cases with statutory deadlines; other addresses are not held back; the window slides."""

from __future__ import annotations

import threading

import pytest

from tests.factories.web import csrf_token
from tests.public.test_apply import ADDRESS, START, _incident

pytestmark = pytest.mark.usefixtures("processes")


def _browser(app, address):
    browser = app.test_client()
    browser.environ_base["REMOTE_ADDR"] = address
    return browser


def _post(browser, path, data):
    return browser.post(path, data={**data, "csrf_token": csrf_token(browser, path)})


def _start_draft(browser):
    return _post(browser, f"{START}/who", {"applicant_type": "victim"})


def _send(browser):
    assert _start_draft(browser).status_code == 302
    _post(browser, f"{START}/victim", {"name": "Alex Victim", "vulnerable": "false"})
    _post(browser, f"{START}/victim_address", ADDRESS)
    _post(browser, f"{START}/incidents/new", _incident(1))
    _post(browser, f"{START}/declaration", {"declaration": "confirmed"})
    return _post(browser, f"{START}/check", {})


def test_one_address_can_send_only_so_many_applications(app, monkeypatch, clock):
    monkeypatch.setitem(app.config, "APPLY_CASES_PER_SOURCE", (2, 24 * 3600))
    for _ in range(2):
        response = _send(_browser(app, "203.0.113.7"))
        assert response.status_code == 302 and response.headers["Location"].endswith("/confirmation")
    refused = _send(_browser(app, "203.0.113.7"))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Too many applications from your connection" in html
    assert "Your answers are saved: try sending again in 24 hours" in html
    assert "CommunitySafety@derby.gov.uk" in html  # other ways to apply
    assert int(refused.headers["Retry-After"]) == 24 * 3600
    from app.extensions import db
    from app.models import Case

    with app.app_context():
        assert db.session.query(Case).count() == 2
    # Another address is not held back, and the window slides: a day later this one may send again.
    assert _send(_browser(app, "198.51.100.9")).status_code == 302
    clock.freeze("2026-11-24T10:00:01+00:00")
    assert _send(_browser(app, "203.0.113.7")).status_code == 302


def test_one_address_can_start_only_so_many_drafts(app, monkeypatch):
    monkeypatch.setitem(app.config, "APPLY_DRAFTS_PER_SOURCE", (3, 3600))
    browsers = [_browser(app, "203.0.113.8") for _ in range(4)]
    assert [_start_draft(b).status_code for b in browsers] == [302, 302, 302, 429]
    # Going on with a draft already started is not starting another.
    assert _post(browsers[0], f"{START}/victim", {"name": "Alex", "vulnerable": "false"}).status_code == 302
    from app.extensions import db
    from app.models import ApplicationDraft

    with app.app_context():
        assert db.session.query(ApplicationDraft).count() == 3


def test_concurrent_requests_cannot_get_past_the_count(app, monkeypatch):
    """Eight requests at once, from threads with their own connections: exactly the limit passes."""
    from app.services import apply_limits

    monkeypatch.setitem(app.config, "APPLY_DRAFTS_PER_SOURCE", (3, 3600))
    results, barrier = [], threading.Barrier(8)

    def hit():
        with app.app_context():
            barrier.wait()
            results.append(apply_limits.take("203.0.113.9", apply_limits.DRAFT))

    threads = [threading.Thread(target=hit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8
    assert sum(1 for r in results if r is None) == 3


def test_the_address_is_not_stored(app):
    from app.extensions import db
    from app.models import ApplySource

    assert _start_draft(_browser(app, "203.0.113.10")).status_code == 302
    with app.app_context():
        [row] = db.session.query(ApplySource).all()
        assert "203.0.113.10" not in row.source_hash and len(row.source_hash) == 64
