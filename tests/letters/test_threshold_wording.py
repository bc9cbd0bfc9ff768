"""Every letter's wording of the threshold agrees with the evaluation (RULES.md §2): the rule as
the letters state it (``describe_threshold``) is checked against what ``evaluate_threshold``
counts, for every configured council, and CT3 and CT4 quote only an evaluation that agrees with
the decision they announce."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from app.domain.calendar import add_months
from app.domain.threshold import (
    AGENCIES,
    AGENCY_NAMES,
    Incident,
    Report,
    ThresholdPolicy,
    describe_threshold,
    evaluate_confirmed_records,
    evaluate_threshold,
)
from app.letters import letter_snapshot, recipients_for, render_html
from tests.letters.pdf import html_text
from tests.letters.samples import COUNCILS, application, facts

RECEIVED = date(2026, 12, 14)
POLICIES = {council.id: council.threshold for council in COUNCILS} | {
    "hate-and-community": ThresholdPolicy(hate_incident_route=True, community_min_reporters=5),
    "two-months-no-discretion": ThresholdPolicy(report_within={"months": 2}, discretionary_activation=False),
    "fourteen-days": ThresholdPolicy(report_within={"days": 14}, min_qualifying=2, window_months=12),
}


def counts(policy, occurred_on, reported_on, agency="council", method="email", received_on=RECEIVED):
    report = Report(agency, reported_on, method)
    return (
        evaluate_threshold(received_on, [Incident("a", occurred_on, (report,))], policy).qualifying_count == 1
    )


def stated(policy):
    """What the letters say, read back from their words."""
    text = " ".join(describe_threshold(policy))
    match = re.search(r"at least (\d+) qualifying complaints? about the anti-social behaviour were made in the "
                      r"(\d+) months? before your application", text)  # fmt: skip
    limit = re.search(
        r"within (\d+) (day|month)s? of it happening(, or within 1 month where that is longer)?", text
    )
    agencies = re.search(r"reported to (.*?) within", text).group(1)
    return {
        "min": int(match.group(1)),
        "window_months": int(match.group(2)),
        "limit": (int(limit.group(1)), limit.group(2), bool(limit.group(3))),
        "agencies": {a for a in AGENCIES if AGENCY_NAMES[a] in agencies},
        "onsite_police_only": "counts only when it was with a police officer or PCSO on duty" in text,
        "same_day_one": "Complaints about incidents on the same day count as one." in text,
        "hate": "one qualifying complaint about an incident motivated by hate" in text,
        "community": re.search(r"at least (\d+) different people", text),
        "discretionary": "A senior officer can also decide" in text,
        "diary": "A diary sheet kept for an investigation is not a complaint" in text,
    }


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
def test_the_number_and_the_window_the_letters_state_are_the_evaluations(policy):
    said = stated(policy)
    incidents = [
        Incident(str(n), date(2026, 10, 1 + n), (Report("council", date(2026, 10, 1 + n), "email"),))
        for n in range(said["min"])
    ]
    assert evaluate_threshold(RECEIVED, incidents, policy).route == "qualifying_complaints"
    assert evaluate_threshold(RECEIVED, incidents[:-1], policy).route != "qualifying_complaints"
    first_day = add_months(RECEIVED, -said["window_months"])
    # The window is of complaints: an incident a week before it, reported on its first day, counts.
    assert counts(policy, first_day - timedelta(days=7), first_day)
    assert not counts(policy, first_day - timedelta(days=8), first_day - timedelta(days=1))


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
def test_the_reporting_limit_the_letters_state_is_the_evaluations_on_every_day_of_a_year(policy):
    number, unit, or_a_month = stated(policy)["limit"]
    received_on = date(2027, 12, 31)
    policy_wide = ThresholdPolicy(**{**policy.__dict__, "window_months": 24})
    for offset in range(365):
        occurred_on = date(2026, 1, 1) + timedelta(days=offset)
        latest = add_months(occurred_on, number) if unit == "month" else occurred_on + timedelta(days=number)
        if or_a_month:
            latest = max(latest, add_months(occurred_on, 1))
        assert counts(policy_wide, occurred_on, latest, received_on=received_on), occurred_on
        assert not counts(policy_wide, occurred_on, latest + timedelta(days=1), received_on=received_on), (
            occurred_on
        )


@pytest.mark.parametrize("policy", POLICIES.values(), ids=POLICIES.keys())
def test_the_bodies_methods_and_routes_the_letters_state_are_the_evaluations(policy):
    said = stated(policy)
    occurred, reported = date(2026, 10, 1), date(2026, 10, 2)
    assert said["agencies"] == {a for a in AGENCIES if counts(policy, occurred, reported, agency=a)}
    assert said["agencies"] >= {"council", "police", "housing_provider", "icb"}
    assert said["diary"] and not counts(policy, occurred, reported, method="diary_sheet")
    assert said["onsite_police_only"] is not counts(policy, occurred, reported, method="onsite_discussion")
    assert counts(policy, occurred, reported, agency="police", method="onsite_discussion")
    same_day = [Incident(str(n), occurred, (Report("council", reported, "email"),)) for n in range(2)]
    assert said["same_day_one"] is (evaluate_threshold(RECEIVED, same_day, policy).qualifying_count == 1)
    hate = [Incident("h", occurred, (Report("council", reported, "email"),), hate_motivated=True)]
    hate_route = evaluate_threshold(RECEIVED, hate, policy).route == "hate_incident"
    assert said["hate"] is (hate_route or policy.min_qualifying == 1)
    assert bool(said["community"]) is (policy.community_min_reporters is not None)
    if said["community"]:
        assert int(said["community"].group(1)) == policy.community_min_reporters
    assert said["discretionary"] is policy.discretionary_activation


# --- The decision letters quote only an evaluation that agrees with them ------------------------

ON_TIME = [
    Incident("a", date(2026, 9, 1), (Report("police", date(2026, 9, 2), "phone"),)),
    Incident("b", date(2026, 10, 10), (Report("council", date(2026, 10, 12), "email", confirmed=True),)),
    Incident("c", date(2026, 11, 20), (Report("housing_provider", date(2026, 11, 21), "writing"),)),
]
POLICY = COUNCILS.get("derby-city").threshold
ADVICE = evaluate_threshold(RECEIVED, ON_TIME, POLICY)  # met: three complaints as the application gives them
CONFIRMED = evaluate_confirmed_records(RECEIVED, ON_TIME, POLICY)  # only the council has confirmed its report


def letter_text(kind, **data):
    body = application()
    (snapshot,) = [letter_snapshot(facts(kind, app_body=body, **data), a) for a in recipients_for(kind, body)]
    return html_text(render_html(snapshot))


def test_the_evaluations_of_the_example_disagree():
    assert (ADVICE.met, ADVICE.route) == (True, "qualifying_complaints")
    assert (CONFIRMED.met, CONFIRMED.qualifying_count) == (False, 1)


def test_a_refusal_on_the_confirmed_records_quotes_them_not_the_advice_that_it_is_met():
    text = letter_text(
        "CT3",
        threshold=ADVICE.to_dict(),
        threshold_confirmed=CONFIRMED.to_dict(),
        reasons="The police have no record.",
    )
    assert "does not meet the threshold" in text
    assert CONFIRMED.explanation in text
    assert "not yet confirmed by the records of the police" in text
    assert "The threshold is met" not in text


def test_a_refusal_quotes_the_advice_when_it_is_not_met():
    advice = evaluate_threshold(RECEIVED, ON_TIME[1:], POLICY)
    text = letter_text("CT3", threshold=advice.to_dict(), threshold_confirmed=CONFIRMED.to_dict())
    assert advice.explanation.startswith("2 of the 3 qualifying complaints needed")
    assert advice.explanation in text and CONFIRMED.explanation not in text


def test_a_refusal_where_no_evaluation_agrees_gives_the_officers_reasons_only():
    text = letter_text(
        "CT3", threshold=ADVICE.to_dict(), threshold_confirmed=ADVICE.to_dict(), reasons="Departed."
    )
    assert "The threshold is met" not in text and "This is what we found" not in text
    assert "Departed." in text


def test_ct4_quotes_the_evaluation_that_meets_the_threshold():
    text = letter_text("CT4", threshold=ADVICE.to_dict(), threshold_confirmed=CONFIRMED.to_dict())
    assert "Why the threshold is met" in text and ADVICE.explanation in text
    assert CONFIRMED.explanation not in text


def test_ct4_after_a_departure_from_a_not_met_advice_quotes_no_evaluation():
    advice = evaluate_threshold(RECEIVED, ON_TIME[:1], POLICY)
    text = letter_text("CT4", threshold=advice.to_dict(), threshold_confirmed=CONFIRMED.to_dict())
    assert "Why the threshold is met" not in text and advice.explanation not in text
    assert "meets the threshold" in text


@pytest.mark.parametrize("kind", ["CT1", "CT3"])
@pytest.mark.parametrize("council_id", ["derby-city", "east-herts", "kensington-and-chelsea"])
def test_the_letters_that_explain_the_threshold_word_it_as_the_evaluation_does(kind, council_id):
    body = application()
    (snapshot,) = [
        letter_snapshot(facts(kind, council_id=council_id, app_body=body), a)
        for a in recipients_for(kind, body)
    ]
    text = html_text(render_html(snapshot))
    for sentence in describe_threshold(COUNCILS.get(council_id).threshold):
        assert sentence in text
