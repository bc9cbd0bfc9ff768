"""Eligibility grounds through the screening form, and the Youth Offending Service asked when a
person under 18 is involved (issue 11, item 8; RULES.md section 3)."""

from __future__ import annotations

import html as html_lib
import re

import pytest

from app.domain.eligibility import INELIGIBILITY_REASONS, SIGNPOSTING
from tests.factories.cases import application
from tests.factories.reading import forms

# Derby City's four other grounds (derby-city-application-guidance-notes.txt line 156) and East
# Herts' pending actions (east-herts-policy.txt s.14, lines 584-586).
NEW_GROUNDS = ["malicious", "prejudicial", "discriminatory", "unreasonable", "actions_pending"]


def letter_text(client, council, case, kind):
    items = client.get(f"/api/v1/cases/{case['id']}/documents", headers=council.as_("officer")).get_json()
    (found,) = [d for d in items["items"] if d["kind"] == kind]
    html = client.get(f"/api/v1/documents/{found['id']}", headers=council.as_("officer")).get_data(
        as_text=True
    )
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html[html.index("<body") :])))


def test_the_screening_form_offers_every_ground(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    task = derby.open_task(case, "screen_eligibility")
    schema = client.get(f"/api/v1/tasks/{task['id']}", headers=derby.as_("officer")).get_json()["form"]
    offered = schema["properties"]["reason"]
    choices = offered.get("enum") or [c for c in offered.get("anyOf", [{}])[0].get("enum", [])]
    assert set(NEW_GROUNDS) <= set(choices)


@pytest.mark.parametrize("reason", NEW_GROUNDS)
def test_a_new_ground_screens_out_with_its_reason_and_signposting(derby, client, clock, reason):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": False, "reason": reason})
    assert ("ineligible", "2026-12-14") in [(m["key"], m["on"]) for m in case["milestones"]]
    text = letter_text(client, derby, case, "ineligible")
    assert INELIGIBILITY_REASONS[reason] in text
    assert SIGNPOSTING[reason] in text
    assert "If you disagree with this decision" in text  # it can be challenged (Schedule 4 para 3)


def test_an_unknown_ground_is_refused(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application())
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    task = derby.open_task(case, "screen_eligibility")
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"eligible": False, "reason": "rude"},
                           headers=derby.as_("officer"))  # fmt: skip
    assert response.status_code == 422
    assert "reason" in response.get_json()["error"]["fields"]


def _to_request_information(derby, clock, **overrides):
    clock.freeze("2026-12-14T09:00:00+00:00")
    case = derby.open_case(application(**overrides))
    case = derby.complete(case, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    case = derby.complete(case, "screen_eligibility", {"eligible": True})
    case = derby.check_records(case)
    return derby.complete(case, "threshold_decision", {"threshold_met": True, "reasons": "Met."})


def test_a_person_under_18_brings_in_the_youth_offending_service(derby, client, clock):
    case = _to_request_information(derby, clock, under_18_involved=True)
    task = derby.open_task(case, "request_information")
    response = client.post(f"/api/v1/tasks/{task['id']}/complete", json={"agencies": ["police"]},
                           headers=derby.as_("officer"))  # fmt: skip
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {
        "agencies": [
            "Include the Youth Offending Service: the application says a person under 18 is involved, so it "
            "is among the agencies asked."
        ]
    }
    case = derby.complete(case, "request_information", {"agencies": ["police", "youth_offending"]})
    returns = [t["agency"] for t in case["open_tasks"] if t["form"] == "return_information"]
    assert sorted(returns) == ["police", "youth_offending"]


def test_without_a_person_under_18_the_officer_chooses_the_agencies(derby, clock):
    case = _to_request_information(derby, clock)
    case = derby.complete(case, "request_information", {"agencies": ["police"]})
    assert forms(case) == ["contact_victim", "return_information"]
