"""Acknowledge, verify consent, screen for eligibility, decide the threshold."""

from __future__ import annotations

import pytest

from app.domain.eligibility import CONSENT_EVIDENCE, INELIGIBILITY_REASONS
from app.domain.threshold import ROUTES
from forms import load_form
from tests.forms.bodies import CONTEXT, body, errors

# --- acknowledge -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent_on", "stored"),
    [(..., "2026-11-20"), (None, "2026-11-20"), ("2026-11-03", "2026-11-03")],
    ids=["left out: today", "null: today", "given: kept"],
)
def test_acknowledgement_sent_on_defaults_to_today(sent_on, stored):
    assert load_form("acknowledge", body("acknowledge", sent_on=sent_on), CONTEXT)["sent_on"] == stored


@pytest.mark.parametrize("method", ["email", "post", "phone"])
def test_acknowledgement_methods(method):
    assert load_form("acknowledge", body("acknowledge", method=method), CONTEXT)["method"] == method


@pytest.mark.parametrize("method", ["fax", "Email", "", "letter"])
def test_acknowledgement_by_another_method_is_refused(method):
    assert errors("acknowledge", body("acknowledge", method=method)) == {
        "method": ["Must be one of: email, post, phone."]
    }


@pytest.mark.parametrize(
    ("length", "ok"), [(2000, True), (2001, False)], ids=["2000 characters", "2001 characters"]
)
def test_notes_are_at_most_2000_characters(length, ok):
    data = body("acknowledge", notes="x" * length)
    if ok:
        assert load_form("acknowledge", data, CONTEXT)["notes"] == "x" * length
    else:
        assert list(errors("acknowledge", data)) == ["notes"]


# --- verify_consent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("consent_received", "evidence", "stored"),
    [
        *[(True, code, code) for code in CONSENT_EVIDENCE],
        (False, ..., None),
        (False, None, None),
    ],
    ids=[*(f"received with {code}" for code in CONSENT_EVIDENCE), "not received", "not received, null"],
)
def test_consent_and_its_evidence(consent_received, evidence, stored):
    data = body("verify_consent", consent_received=consent_received, evidence=evidence)
    result = load_form("verify_consent", data, CONTEXT)
    assert (result["consent_received"], result["evidence"]) == (consent_received, stored)


@pytest.mark.parametrize(
    ("consent_received", "evidence", "problem"),
    [
        (True, ..., "Select the evidence of consent."),
        (True, None, "Select the evidence of consent."),
        (False, "written_consent", "Leave out the evidence when consent has not been received."),
        (True, "email", "Must be one of: written_consent, power_of_attorney, other."),
    ],
    ids=[
        "received without evidence",
        "received, evidence null",
        "evidence without consent",
        "unknown evidence",
    ],
)
def test_consent_evidence_is_required_with_consent_and_refused_without(consent_received, evidence, problem):
    data = body("verify_consent", consent_received=consent_received, evidence=evidence)
    assert errors("verify_consent", data) == {"evidence": [problem]}


def test_consent_evidence_is_not_judged_when_consent_received_is_invalid():
    data = body("verify_consent", consent_received="yes", evidence=...)
    assert errors("verify_consent", data) == {"consent_received": ["Must be true or false."]}


# --- screen_eligibility ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", list(INELIGIBILITY_REASONS))
def test_an_ineligible_application_gives_one_of_the_reasons_of_the_rules(reason):
    data = body("screen_eligibility", eligible=False, reason=reason)
    assert load_form("screen_eligibility", data, CONTEXT) == {
        "eligible": False,
        "reason": reason,
        "notes": "",
    }


@pytest.mark.parametrize(
    ("eligible", "reason", "problem"),
    [
        (False, ..., "Select why the application is not eligible."),
        (False, None, "Select why the application is not eligible."),
        (True, "vexatious", "Leave out the reason when the application is eligible."),
        (False, "rude", "Must be one of: " + ", ".join(INELIGIBILITY_REASONS) + "."),
    ],
    ids=["not eligible, no reason", "not eligible, reason null", "eligible with a reason", "unknown reason"],
)
def test_the_reason_is_required_when_not_eligible_and_refused_when_eligible(eligible, reason, problem):
    data = body("screen_eligibility", eligible=eligible, reason=reason)
    assert errors("screen_eligibility", data) == {"reason": [problem]}


def test_an_eligible_application_may_send_a_null_reason():
    data = body("screen_eligibility", eligible=True, reason=None)
    assert load_form("screen_eligibility", data, CONTEXT)["reason"] is None


def test_the_reason_is_not_judged_when_eligible_is_invalid():
    data = body("screen_eligibility", eligible="no", reason=...)
    assert errors("screen_eligibility", data) == {"eligible": ["Must be true or false."]}


# --- threshold_decision ------------------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
def test_a_met_threshold_may_name_its_route(route):
    data = body("threshold_decision", route=route)
    assert load_form("threshold_decision", data, CONTEXT)["route"] == route


@pytest.mark.parametrize("threshold_met", [True, False])
def test_without_a_route_nothing_is_stored_so_the_engine_fills_the_evaluations(threshold_met):
    data = body("threshold_decision", threshold_met=threshold_met)
    assert "route" not in load_form("threshold_decision", data, CONTEXT)


@pytest.mark.parametrize(
    ("changes", "problems"),
    [
        (
            {"threshold_met": False, "route": "discretionary"},
            {"route": ["Leave out the route when the threshold is not met."]},
        ),
        ({"route": "five_households"}, {"route": ["Must be one of: " + ", ".join(ROUTES) + "."]}),
        ({"route": None}, {"route": ["Field may not be null."]}),
        ({"reasons": ""}, {"reasons": ["Must not be blank."]}),
        ({"reasons": " \n\t "}, {"reasons": ["Must not be blank."]}),
        ({"threshold_met": False, "reasons": ...}, {"reasons": ["Missing data for required field."]}),
        ({"reasons": "x" * 10_001}, {"reasons": ["Longer than maximum length 10000."]}),
    ],
    ids=[
        "route when not met",
        "unknown route",
        "null route",
        "empty reasons",
        "blank reasons",
        "not met without reasons",
        "reasons too long",
    ],
)
def test_threshold_decision_rules(changes, problems):
    assert errors("threshold_decision", body("threshold_decision", **changes)) == problems
