"""RULES.md §2: qualifying complaints, occasions, routes and the explanation."""

import ast
import json
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.threshold import (
    AGENCIES,
    METHODS,
    SENIOR_ROLES,
    Discretionary,
    Exclusion,
    Incident,
    Report,
    ReportLimit,
    ThresholdPolicy,
    discretionary_refusal,
    evaluate_threshold,
    report_reasons,
    role_label,
)

RECEIVED = date(2026, 7, 1)  # a Wednesday; the 6-month window is 1 Jan 2026 to 1 Jul 2026
LONDON = ThresholdPolicy()  # the London-wide threshold: the defaults
EAST_HERTS = ThresholdPolicy(report_within=ReportLimit(days=30))
DERBYSHIRE_OLD = ThresholdPolicy(community_min_reporters=5)
NO_DISCRETION = ThresholdPolicy(discretionary_activation=False)


def report(on, agency="council", method="email", reporter=""):
    return Report(agency=agency, reported_on=on, method=method, reporter=reporter)


def incident(id, occurred_on, *reports):
    return Incident(id=id, occurred_on=occurred_on, reports=reports)


def reported_next_day(id, occurred_on, **kwargs):
    return incident(id, occurred_on, report(date.fromordinal(occurred_on.toordinal() + 1), **kwargs))


def excluded(result):
    return [(e.incident, e.reason, e.report_reasons) for e in result.excluded]


# One incident on its own: does it qualify, and if not, why not?
@pytest.mark.parametrize(
    ("occurred_on", "reports", "policy", "exclusion"),
    [
        (date(2026, 3, 10), [report(date(2026, 3, 10))], LONDON, None),
        # Window edges: 1 Jan 2026 (= 1 Jul 2026 - 6 months) and the day received are in.
        (date(2026, 1, 1), [report(date(2026, 1, 2))], LONDON, None),
        (date(2025, 12, 31), [report(date(2026, 1, 2))], LONDON, ("outside_window", ())),
        (date(2026, 7, 1), [report(date(2026, 7, 1))], LONDON, None),
        (date(2026, 7, 2), [report(date(2026, 7, 2))], LONDON, ("outside_window", ())),
        # Outside the window comes first, even when its reports also fail.
        (date(2025, 6, 1), [report(date(2025, 9, 1), agency="icb")], LONDON, ("outside_window", ())),
        # The reporting limit, 1 month: occurred 31 Jan, last day 28 Feb.
        (date(2026, 1, 31), [report(date(2026, 2, 28))], LONDON, None),
        (date(2026, 1, 31), [report(date(2026, 3, 1))], LONDON, ("no_qualifying_report", ("reported_late",))),
        # 1 month and 30 days differ: occurred 1 Mar, 1 month is 1 Apr, 30 days is 31 Mar.
        (date(2026, 3, 1), [report(date(2026, 4, 1))], LONDON, None),
        (date(2026, 3, 1), [report(date(2026, 4, 2))], LONDON, ("no_qualifying_report", ("reported_late",))),
        (date(2026, 3, 1), [report(date(2026, 3, 31))], EAST_HERTS, None),
        (
            date(2026, 3, 1),
            [report(date(2026, 4, 1))],
            EAST_HERTS,
            ("no_qualifying_report", ("reported_late",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 9))],
            LONDON,
            ("no_qualifying_report", ("reported_before_incident",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="icb")],
            LONDON,
            ("no_qualifying_report", ("ineligible_agency",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="other")],
            LONDON,
            ("no_qualifying_report", ("ineligible_agency",)),
        ),
        (date(2026, 3, 10), [report(date(2026, 3, 11), agency="police")], LONDON, None),
        (date(2026, 3, 10), [report(date(2026, 3, 11), agency="housing_provider")], LONDON, None),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), method="diary_sheet")],
            LONDON,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="police", method="diary_sheet")],
            LONDON,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="police", method="onsite_discussion")],
            LONDON,
            None,
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="council", method="onsite_discussion")],
            LONDON,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="housing_provider", method="onsite_discussion")],
            LONDON,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (date(2026, 3, 10), [], LONDON, ("no_qualifying_report", ())),
        # One good report is enough, whatever the others.
        (
            date(2026, 3, 10),
            [report(date(2026, 5, 1)), report(date(2026, 3, 12), agency="police", method="phone")],
            LONDON,
            None,
        ),
        # Every failing reason across the reports, once each, in RULES.md order.
        (
            date(2026, 3, 10),
            [
                report(date(2026, 3, 11), agency="icb"),
                report(date(2026, 5, 1), method="diary_sheet"),
                report(date(2026, 5, 2)),
                report(date(2026, 3, 9), agency="other"),
            ],
            LONDON,
            (
                "no_qualifying_report",
                ("reported_late", "reported_before_incident", "ineligible_agency", "ineligible_method"),
            ),
        ),
        # A council policy may narrow the agencies or methods.
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), method="online")],
            ThresholdPolicy(eligible_methods={"writing", "email", "phone"}),
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="icb")],
            ThresholdPolicy(eligible_agencies={"council", "police", "housing_provider", "icb"}),
            None,
        ),
    ],
    ids=[
        "reported-same-day",
        "on-window-from",
        "day-before-window-from",
        "on-received-on",
        "day-after-received-on",
        "outside-window-before-report-reasons",
        "31-jan-reported-28-feb-1-month",
        "31-jan-reported-1-mar-late",
        "1-mar-reported-1-apr-1-month",
        "1-mar-reported-2-apr-1-month-late",
        "1-mar-reported-31-mar-30-days",
        "1-mar-reported-1-apr-30-days-late",
        "reported-before-incident",
        "icb-agency",
        "other-agency",
        "police-agency",
        "housing-provider-agency",
        "diary-sheet-council",
        "diary-sheet-police",
        "onsite-discussion-police",
        "onsite-discussion-council",
        "onsite-discussion-housing-provider",
        "no-reports",
        "one-good-report-among-bad",
        "all-report-reasons-in-order",
        "council-narrows-methods",
        "council-widens-agencies",
    ],
)
def test_one_incident(occurred_on, reports, policy, exclusion):
    result = evaluate_threshold(RECEIVED, [incident("a", occurred_on, *reports)], policy)
    if exclusion is None:
        assert (result.qualifying_count, result.qualifying_incidents, result.excluded) == (1, ("a",), ())
    else:
        assert (result.qualifying_count, result.qualifying_incidents) == (0, ())
        assert excluded(result) == [("a", *exclusion)]


def test_one_incident_reported_to_several_agencies_counts_once():
    result = evaluate_threshold(
        RECEIVED,
        [
            incident(
                "a",
                date(2026, 3, 1),
                report(date(2026, 3, 1), agency="police", method="phone"),
                report(date(2026, 3, 2), agency="council"),
                report(date(2026, 3, 3), agency="housing_provider"),
            ),
            reported_next_day("b", date(2026, 4, 1)),
        ],
    )
    assert (result.met, result.qualifying_count, result.qualifying_incidents) == (False, 2, ("a", "b"))
    assert result.excluded == ()


def test_incidents_on_the_same_day_are_one_occasion():
    result = evaluate_threshold(
        RECEIVED,
        [
            reported_next_day("a", date(2026, 3, 5)),
            reported_next_day("b", date(2026, 3, 5), agency="police"),
            reported_next_day("c", date(2026, 3, 6)),
            reported_next_day("d", date(2026, 3, 5), agency="housing_provider"),
        ],
    )
    assert (result.met, result.qualifying_count, result.qualifying_incidents) == (False, 2, ("a", "c"))
    assert excluded(result) == [("b", "same_occasion", ()), ("d", "same_occasion", ())]


def test_the_occasion_goes_to_the_first_qualifying_incident_of_the_day_in_input_order():
    result = evaluate_threshold(
        RECEIVED,
        [
            reported_next_day("x", date(2026, 3, 5), method="diary_sheet"),  # does not qualify itself
            reported_next_day("y", date(2026, 3, 5)),
            reported_next_day("z", date(2026, 3, 5)),
        ],
    )
    assert result.qualifying_incidents == ("y",)
    assert excluded(result) == [
        ("x", "no_qualifying_report", ("ineligible_method",)),
        ("z", "same_occasion", ()),
    ]


def test_qualifying_and_excluded_incidents_are_listed_by_date_then_input_order():
    result = evaluate_threshold(
        RECEIVED,
        [
            reported_next_day("may", date(2026, 5, 20)),
            reported_next_day("late", date(2026, 4, 1), agency="icb"),
            reported_next_day("march", date(2026, 3, 3)),
            reported_next_day("old", date(2025, 11, 1)),
            reported_next_day("march-again", date(2026, 3, 3)),
            reported_next_day("april", date(2026, 4, 1)),
        ],
    )
    assert result.qualifying_incidents == ("march", "april", "may")
    assert [e.incident for e in result.excluded] == ["old", "march-again", "late"]
    assert (result.met, result.route) == (True, "qualifying_complaints")


@pytest.mark.parametrize(
    ("policy", "met", "count", "late_excluded"),
    [(LONDON, True, 3, False), (EAST_HERTS, False, 2, True)],
    ids=["london-1-month", "east-herts-30-days"],
)
def test_london_and_east_herts_differ_on_a_report_made_31_days_later(policy, met, count, late_excluded):
    incidents = [
        incident("a", date(2026, 3, 1), report(date(2026, 4, 1))),  # 31 days later: within 1 month
        reported_next_day("b", date(2026, 3, 10)),
        reported_next_day("c", date(2026, 3, 20)),
    ]
    result = evaluate_threshold(RECEIVED, incidents, policy)
    assert (result.met, result.qualifying_count) == (met, count)
    assert (excluded(result) == [("a", "no_qualifying_report", ("reported_late",))]) is late_excluded


def test_the_window_follows_the_policy_and_month_ends():
    result = evaluate_threshold(date(2026, 8, 31), [], ThresholdPolicy(window_months=6))
    assert (result.window_from, result.window_to) == (date(2026, 2, 28), date(2026, 8, 31))
    result = evaluate_threshold(date(2026, 8, 31), [], ThresholdPolicy(window_months=12))
    assert result.window_from == date(2025, 8, 31)


@pytest.mark.parametrize(
    ("min_qualifying", "occasions", "met"),
    [(3, 3, True), (3, 2, False), (3, 4, True), (1, 1, True), (4, 3, False)],
    ids=["3-of-3", "2-of-3", "4-of-3", "1-of-1", "3-of-4"],
)
def test_met_by_qualifying_complaints(min_qualifying, occasions, met):
    incidents = [reported_next_day(str(i), date(2026, 2, 1 + i)) for i in range(occasions)]
    result = evaluate_threshold(RECEIVED, incidents, ThresholdPolicy(min_qualifying=min_qualifying))
    assert (result.met, result.route, result.required) == (
        met,
        "qualifying_complaints" if met else None,
        min_qualifying,
    )


def community_incidents(*reporters_by_incident):
    return [
        incident(
            f"i{n}",
            date(2026, 5, 1 + n),
            *(report(date(2026, 5, 2 + n), reporter=name) for name in names),
        )
        for n, names in enumerate(reporters_by_incident)
    ]


@pytest.mark.parametrize(
    ("incidents", "policy", "distinct", "route"),
    [
        (community_incidents(["Ann", "Bob", "Cal"], ["Dee", "Eve"]), DERBYSHIRE_OLD, 5, "community"),
        (community_incidents(["Ann", "Bob", "Cal"], ["Dee"]), DERBYSHIRE_OLD, 4, None),
        # The rule is off by default.
        (community_incidents(["Ann", "Bob", "Cal"], ["Dee", "Eve"]), LONDON, 5, None),
        # Names are compared case-insensitively with whitespace collapsed; blanks do not count.
        (
            community_incidents(["Ann Smith", " ann   SMITH ", "ANN SMITH"], ["Bob", "bob", "", "   "]),
            ThresholdPolicy(community_min_reporters=2),
            2,
            "community",
        ),
        (
            community_incidents(["Ann Smith", " ann   SMITH "], ["", "   "]),
            ThresholdPolicy(community_min_reporters=2),
            1,
            None,
        ),
    ],
    ids=["five-people", "four-people", "rule-off", "names-normalised", "normalised-to-one"],
)
def test_community_route(incidents, policy, distinct, route):
    result = evaluate_threshold(RECEIVED, incidents, policy)
    assert result.qualifying_count == 2
    assert (result.distinct_reporters, result.route, result.met) == (distinct, route, route is not None)


def test_only_qualifying_reports_on_incidents_in_the_window_count_towards_reporters():
    incidents = [
        incident(
            "counted",
            date(2026, 5, 1),
            report(date(2026, 5, 1), reporter="Ann"),
            report(date(2026, 7, 1), reporter="Late Larry"),  # this report is late
            report(date(2026, 5, 1), agency="icb", reporter="Icb Ivy"),
        ),
        incident("same-day", date(2026, 5, 1), report(date(2026, 5, 2), reporter="Bob")),  # counts
        incident("old", date(2025, 12, 1), report(date(2025, 12, 2), reporter="Old Olly")),
        incident("diary", date(2026, 5, 3), report(date(2026, 5, 3), method="diary_sheet", reporter="Dora")),
    ]
    result = evaluate_threshold(RECEIVED, incidents, ThresholdPolicy(community_min_reporters=2))
    assert (result.distinct_reporters, result.qualifying_count, result.route) == (2, 1, "community")


SENIOR = Discretionary(by="Jane Smith", role="community_safety_manager", reason="the victim is vulnerable")


@pytest.mark.parametrize(
    ("activation", "policy", "accepted"),
    [
        (SENIOR, LONDON, True),
        (Discretionary("Insp. Khan", "police_inspector", "risk of harm"), LONDON, True),
        (Discretionary("Insp. Khan", "Police Inspector", "risk of harm"), LONDON, True),
        (Discretionary("Supt. Lee", "police-chief-superintendent", "risk of harm"), LONDON, True),
        (Discretionary("Pat Jones", "partner_senior_manager", "safeguarding"), LONDON, True),
        (Discretionary("Sgt. Brown", "police_sergeant", "risk of harm"), LONDON, False),
        (Discretionary("Sam Officer", "community_safety_officer", "risk of harm"), LONDON, False),
        (SENIOR, NO_DISCRETION, False),
        (Discretionary("Jane Smith", "community_safety_manager", "   "), LONDON, False),
        (Discretionary("", "community_safety_manager", "the victim is vulnerable"), LONDON, False),
        (Discretionary("Jane Smith", "", "the victim is vulnerable"), LONDON, False),
        (
            Discretionary("Insp. Khan", "police_inspector", "risk of harm"),
            ThresholdPolicy(discretionary_roles={"community_safety_manager"}),
            False,
        ),
    ],
    ids=[
        "community-safety-manager",
        "police-inspector",
        "role-as-label",
        "role-with-hyphens",
        "partner-senior-manager",
        "sergeant-not-senior",
        "officer-not-senior",
        "policy-off",
        "blank-reason",
        "blank-by",
        "blank-role",
        "council-restricts-roles",
    ],
)
def test_discretionary_route(activation, policy, accepted):
    result = evaluate_threshold(RECEIVED, [reported_next_day("a", date(2026, 5, 1))], policy, activation)
    assert (result.met, result.route, result.discretionary_accepted) == (
        accepted,
        "discretionary" if accepted else None,
        accepted,
    )
    assert result.discretionary == activation


def test_an_all_blank_activation_is_no_activation():
    result = evaluate_threshold(RECEIVED, [], LONDON, Discretionary(by=" ", role="", reason=""))
    assert (result.discretionary, result.discretionary_accepted, result.met) == (None, False, False)
    assert "discretionary" not in result.explanation


def test_an_activation_that_is_not_needed_is_still_accepted_but_the_route_is_the_complaints():
    incidents = [reported_next_day(str(i), date(2026, 2, 1 + i)) for i in range(3)]
    result = evaluate_threshold(RECEIVED, incidents, LONDON, SENIOR)
    assert (result.route, result.discretionary_accepted) == ("qualifying_complaints", True)


def test_the_community_route_comes_before_the_discretionary_one():
    result = evaluate_threshold(
        RECEIVED, community_incidents(["A", "B", "C"], ["D", "E"]), DERBYSHIRE_OLD, SENIOR
    )
    assert (result.route, result.discretionary_accepted) == ("community", True)


@pytest.mark.parametrize(
    ("activation", "policy", "refusal"),
    [
        (SENIOR, LONDON, None),
        (SENIOR, NO_DISCRETION, "this council's policy does not allow discretionary activation"),
        (Discretionary(" ", "police_inspector", "risk"), LONDON, "it does not say who made it"),
        (Discretionary("Insp. Khan", " ", "risk"), LONDON, "it does not give the officer's role"),
        (
            Discretionary("Sgt. Brown", "police_sergeant", "risk"),
            LONDON,
            "the role of police sergeant is not senior enough to activate a review",
        ),
        (
            Discretionary("Insp. Khan", "police_inspector", "risk"),
            ThresholdPolicy(discretionary_roles={"community_safety_manager"}),
            "the role of Police Inspector is not senior enough to activate a review",
        ),
        (Discretionary("Insp. Khan", "police_inspector", ""), LONDON, "it gives no reason"),
    ],
    ids=[
        "accepted",
        "policy-off",
        "blank-by",
        "blank-role",
        "unknown-role",
        "role-not-in-policy",
        "blank-reason",
    ],
)
def test_discretionary_refusal(activation, policy, refusal):
    assert discretionary_refusal(activation, policy) == refusal


def test_senior_roles_include_the_ranks_the_sources_name():
    required = {
        "community_safety_manager",
        "head_of_service",
        "police_inspector",
        "police_chief_inspector",
        "police_superintendent",
        "police_chief_superintendent",
        "partner_senior_manager",
    }
    assert required <= set(SENIOR_ROLES)
    assert not {"police_sergeant", "police_constable", "community_safety_officer"} & set(SENIOR_ROLES)
    assert role_label("police_inspector") == "Police Inspector"
    assert role_label("Police  Inspector") == "Police Inspector"
    assert role_label("ward_councillor") == "ward councillor"


# The explanation, quoted in the decision letter.
@pytest.mark.parametrize(
    ("incidents", "policy", "activation", "text"),
    [
        (
            [
                incident("a", date(2026, 5, 3), report(date(2026, 6, 17))),
                reported_next_day("b", date(2026, 5, 10)),
                reported_next_day("c", date(2026, 5, 20)),
            ],
            LONDON,
            None,
            "2 of the 3 qualifying complaints needed: the incident of 3 May 2026 was reported 45 days after "
            "it happened, more than 1 month.",
        ),
        (
            [reported_next_day(i, date(2026, 5, n)) for i, n in (("a", 3), ("b", 10), ("c", 20))],
            LONDON,
            None,
            "The threshold is met: 3 qualifying complaints on separate occasions, of the 3 needed.",
        ),
        (
            [
                reported_next_day("a", date(2026, 5, 3)),
                reported_next_day("b", date(2026, 5, 3)),
                reported_next_day("c", date(2026, 5, 20)),
                reported_next_day("d", date(2026, 6, 1)),
            ],
            LONDON,
            None,
            "The threshold is met: 3 qualifying complaints on separate occasions, of the 3 needed. "
            "Not counted: the incident of 3 May 2026 happened on the same day as another qualifying "
            "complaint, so they count as one occasion.",
        ),
        (
            [
                reported_next_day("old", date(2025, 12, 31)),
                reported_next_day("after", date(2026, 7, 2)),
                reported_next_day("icb", date(2026, 2, 1), agency="icb"),
                reported_next_day("diary", date(2026, 2, 2), method="diary_sheet"),
                reported_next_day("onsite", date(2026, 2, 3), method="onsite_discussion"),
                incident("before", date(2026, 2, 4), report(date(2026, 2, 3))),
                incident("silent", date(2026, 2, 5)),
            ],
            LONDON,
            None,
            "0 of the 3 qualifying complaints needed: "
            "the incident of 31 December 2025 was outside the 6 months before the application of 1 July 2026; "
            "the incident of 1 February 2026 was reported to an agency that does not count (icb); "
            "the incident of 2 February 2026 was reported by a diary sheet, which does not count; "
            "the incident of 3 February 2026 was reported in an on-site discussion, which counts only with "
            "a police officer or PCSO on duty; "
            "the incident of 4 February 2026 was reported before it happened; "
            "the incident of 5 February 2026 was not reported to any agency; "
            "the incident of 2 July 2026 happened after the application of 1 July 2026.",
        ),
        (
            [
                incident(
                    "a",
                    date(2026, 3, 1),
                    report(date(2026, 4, 3), agency="other"),
                    report(date(2026, 4, 1)),
                    report(date(2026, 3, 2), agency="icb", method="diary_sheet"),
                ),
            ],
            EAST_HERTS,
            None,
            "0 of the 3 qualifying complaints needed: the incident of 1 March 2026 was reported 31 days after "
            "it happened, more than 30 days, and reported to an agency that does not count (other, icb), and "
            "reported by a diary sheet, which does not count.",
        ),
        ([], LONDON, None, "0 of the 3 qualifying complaints needed: the application lists no incidents."),
        (
            [reported_next_day("a", date(2026, 5, 3))],
            ThresholdPolicy(min_qualifying=1),
            None,
            "The threshold is met: 1 qualifying complaint on separate occasions, of the 1 needed.",
        ),
        (
            [reported_next_day(i, date(2026, 5, n)) for i, n in (("a", 3), ("b", 10))],
            LONDON,
            None,
            "2 of the 3 qualifying complaints needed.",
        ),
        (
            community_incidents(["Ann", "Bob", "Cal"], ["Dee", "Eve"]),
            DERBYSHIRE_OLD,
            None,
            "The threshold is met: 2 of the 3 qualifying complaints needed, and 5 different people made "
            "qualifying complaints, of the 5 needed.",
        ),
        (
            community_incidents(["Ann", "Bob", "Cal"], ["Dee"]),
            DERBYSHIRE_OLD,
            None,
            "2 of the 3 qualifying complaints needed. 4 different people made qualifying complaints; "
            "5 are needed.",
        ),
        (
            [reported_next_day("a", date(2026, 5, 3)), incident("b", date(2026, 5, 4))],
            LONDON,
            Discretionary("Jane Smith", "community_safety_manager", "the victim is vulnerable and at risk."),
            "The threshold is met: 1 of the 3 qualifying complaints needed, and the review was activated by "
            "Jane Smith (Community Safety Manager) because the victim is vulnerable and at risk. "
            "Not counted: the incident of 4 May 2026 was not reported to any agency.",
        ),
        (
            [reported_next_day("a", date(2026, 5, 3))],
            LONDON,
            Discretionary("Sgt. Brown", "police_sergeant", "the victim is vulnerable"),
            "1 of the 3 qualifying complaints needed. The discretionary activation by Sgt. Brown was not "
            "accepted: the role of police sergeant is not senior enough to activate a review.",
        ),
        (
            [reported_next_day("a", date(2026, 5, 3))],
            NO_DISCRETION,
            SENIOR,
            "1 of the 3 qualifying complaints needed. The discretionary activation by Jane Smith was not "
            "accepted: this council's policy does not allow discretionary activation.",
        ),
        (
            [reported_next_day(i, date(2026, 5, n)) for i, n in (("a", 3), ("b", 10), ("c", 20))],
            LONDON,
            SENIOR,
            "The threshold is met: 3 qualifying complaints on separate occasions, of the 3 needed. "
            "The discretionary activation by Jane Smith (Community Safety Manager) was not needed.",
        ),
        (
            [reported_next_day("a", date(2026, 5, 3), reporter="Ann")],
            ThresholdPolicy(community_min_reporters=5),
            Discretionary("Insp. Khan", "police_inspector", "risk of harm"),
            "The threshold is met: 1 of the 3 qualifying complaints needed, and the review was activated by "
            "Insp. Khan (Police Inspector) because risk of harm. 1 person made qualifying complaints; "
            "5 are needed.",
        ),
    ],
    ids=[
        "rules-example-reported-late",
        "met",
        "met-with-same-occasion",
        "every-reason-in-words",
        "several-report-reasons-on-one-incident",
        "no-incidents",
        "singular",
        "short-without-exclusions",
        "community-met",
        "community-not-met",
        "discretionary-accepted",
        "discretionary-refused-role",
        "discretionary-refused-policy",
        "discretionary-not-needed",
        "discretionary-with-community-rule-on",
    ],
)
def test_explanation(incidents, policy, activation, text):
    assert evaluate_threshold(RECEIVED, incidents, policy, activation).explanation == text


def test_to_dict_has_the_api_shape_and_is_json_ready():
    result = evaluate_threshold(
        RECEIVED,
        [
            reported_next_day("a", date(2026, 5, 3)),
            incident("b", date(2026, 5, 4), report(date(2026, 6, 17))),
            reported_next_day("c", date(2026, 5, 20)),
        ],
        LONDON,
        Discretionary("Sgt. Brown", "police_sergeant", "risk"),
    )
    as_dict = result.to_dict()
    assert json.loads(json.dumps(as_dict)) == as_dict
    assert as_dict == {
        "met": False,
        "route": None,
        "required": 3,
        "qualifying_count": 2,
        "qualifying_incidents": ["a", "c"],
        "excluded": [
            {"incident": "b", "reason": "no_qualifying_report", "report_reasons": ["reported_late"]}
        ],
        "explanation": result.explanation,
        "window": {"from": "2026-01-01", "to": "2026-07-01"},
        "distinct_reporters": 0,
        "discretionary": {"by": "Sgt. Brown", "role": "police_sergeant", "reason": "risk"},
        "discretionary_accepted": False,
    }
    assert list(as_dict)[:7] == [
        "met",
        "route",
        "required",
        "qualifying_count",
        "qualifying_incidents",
        "excluded",
        "explanation",
    ]
    assert evaluate_threshold(RECEIVED, []).to_dict()["discretionary"] is None


@pytest.mark.parametrize(
    ("limit", "occurred_on", "latest", "text"),
    [
        (ReportLimit(months=1), date(2026, 1, 31), date(2026, 2, 28), "1 month"),
        (ReportLimit(months=2), date(2026, 12, 31), date(2027, 2, 28), "2 months"),
        (ReportLimit(days=30), date(2026, 3, 1), date(2026, 3, 31), "30 days"),
        (ReportLimit(days=1), date(2026, 3, 1), date(2026, 3, 2), "1 day"),
    ],
    ids=["1-month", "2-months", "30-days", "1-day"],
)
def test_report_limit(limit, occurred_on, latest, text):
    assert (limit.latest(occurred_on), limit.describe()) == (latest, text)


def test_report_reasons_for_a_single_report():
    assert report_reasons(report(date(2026, 3, 2)), date(2026, 3, 1)) == ()
    assert report_reasons(report(date(2026, 4, 2), agency="icb"), date(2026, 3, 1)) == (
        "reported_late",
        "ineligible_agency",
    )
    assert report_reasons(report(date(2026, 4, 1)), date(2026, 3, 1), EAST_HERTS) == ("reported_late",)


def test_a_policy_accepts_plain_collections_and_a_mapping_for_the_limit():
    policy = ThresholdPolicy(
        report_within={"days": 30},
        eligible_agencies=["council", "police"],
        discretionary_roles=["police_inspector"],
    )
    assert policy.report_within == ReportLimit(days=30)
    assert policy.eligible_agencies == frozenset({"council", "police"})
    assert policy.discretionary_roles == frozenset({"police_inspector"})
    assert hash(policy) == hash(
        ThresholdPolicy(
            report_within=ReportLimit(days=30),
            eligible_agencies={"police", "council"},
            discretionary_roles={"police_inspector"},
        )
    )


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: ReportLimit(), "exactly one"),
        (lambda: ReportLimit(months=1, days=30), "exactly one"),
        (lambda: ReportLimit(months=-1), "at least 0"),
        (lambda: ReportLimit(days=1.5), "whole number"),
        (lambda: ThresholdPolicy(min_qualifying=0), "min_qualifying"),
        (lambda: ThresholdPolicy(window_months=True), "window_months"),
        (lambda: ThresholdPolicy(community_min_reporters=0), "community_min_reporters"),
        (lambda: ThresholdPolicy(discretionary_activation="yes"), "discretionary_activation"),
        (lambda: ThresholdPolicy(report_within={"weeks": 4}), "months or days"),
        (lambda: ThresholdPolicy(report_within=30), "ReportLimit"),
        (lambda: ThresholdPolicy(eligible_agencies={"council", "youth_offending"}), "youth_offending"),
        (lambda: ThresholdPolicy(eligible_methods={"carrier_pigeon"}), "carrier_pigeon"),
        (lambda: ThresholdPolicy(eligible_methods="email"), "collection"),
        (lambda: ThresholdPolicy(discretionary_roles={"police_sergeant"}), "police_sergeant"),
        (lambda: Report("ico", date(2026, 3, 1), "email"), "unknown agency"),
        (lambda: Report("council", date(2026, 3, 1), "fax"), "unknown method"),
        (lambda: Report("council", datetime(2026, 3, 1, 9), "email"), "not a datetime"),
        (lambda: Report("council", "2026-03-01", "email"), "must be a date"),
        (lambda: Report("council", date(2026, 3, 1), "email", reporter=None), "reporter"),
        (lambda: Incident("", date(2026, 3, 1)), "non-blank id"),
        (lambda: Incident("  ", date(2026, 3, 1)), "non-blank id"),
        (lambda: Incident("a", datetime(2026, 3, 1)), "not a datetime"),
        (lambda: Incident("a", date(2026, 3, 1), reports=["council"]), "sequence of Report"),
        (lambda: Discretionary(None, "police_inspector", "risk"), "by"),
        (
            lambda: evaluate_threshold(
                RECEIVED, [incident("a", date(2026, 3, 1)), incident("a", date(2026, 3, 2))]
            ),
            "'a' is used more than once",
        ),
        (lambda: evaluate_threshold(datetime(2026, 7, 1), []), "not a datetime"),
        (lambda: evaluate_threshold(RECEIVED, ["a"]), "Incident"),
        (lambda: evaluate_threshold(RECEIVED, [], {"min_qualifying": 3}), "ThresholdPolicy"),
        (lambda: evaluate_threshold(RECEIVED, [], LONDON, {"by": "x"}), "Discretionary"),
    ],
    ids=[
        "limit-empty",
        "limit-both",
        "limit-negative",
        "limit-float",
        "min-qualifying-zero",
        "window-bool",
        "community-zero",
        "discretionary-flag-not-bool",
        "limit-unknown-unit",
        "limit-not-a-limit",
        "unknown-agency-in-policy",
        "unknown-method-in-policy",
        "methods-as-one-string",
        "unknown-role-in-policy",
        "report-unknown-agency",
        "report-unknown-method",
        "report-datetime",
        "report-string-date",
        "report-reporter-none",
        "incident-empty-id",
        "incident-blank-id",
        "incident-datetime",
        "incident-reports-not-reports",
        "discretionary-by-none",
        "duplicate-incident-ids",
        "received-datetime",
        "incidents-not-incidents",
        "policy-not-a-policy",
        "discretionary-not-discretionary",
    ],
)
def test_bad_input_raises_value_error(build, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        build()


def test_exclusion_to_dict():
    assert Exclusion("b", "no_qualifying_report", ("reported_late",)).to_dict() == {
        "incident": "b",
        "reason": "no_qualifying_report",
        "report_reasons": ["reported_late"],
    }


DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"


@pytest.mark.parametrize("module", ["__init__.py", "calendar.py", "threshold.py", "eligibility.py"])
def test_domain_modules_import_no_framework_and_nothing_else_of_app(module):
    # The BPMN script environment, letters and reports import these without an app.
    imported = set()
    for node in ast.walk(ast.parse((DOMAIN / module).read_text())):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "flask_sqlalchemy", "sqlalchemy", "marshmallow", "SpiffWorkflow"}
    assert {name for name in imported if name.split(".")[0] == "app"} <= {"app.domain.calendar"}


reports_strategy = st.builds(
    Report,
    agency=st.sampled_from(AGENCIES),
    reported_on=st.dates(min_value=date(2025, 10, 1), max_value=date(2026, 8, 31)),
    method=st.sampled_from(METHODS),
    reporter=st.sampled_from(["", "Ann", "ann ", "Bob", "Cal", "Dee", "Eve"]),
)
incidents_strategy = st.lists(
    st.tuples(
        st.dates(min_value=date(2025, 11, 1), max_value=date(2026, 7, 31)),
        st.lists(reports_strategy, max_size=3),
    ),
    max_size=12,
).map(
    lambda rows: [
        Incident(str(i), occurred_on, tuple(reports)) for i, (occurred_on, reports) in enumerate(rows)
    ]
)


@settings(max_examples=300, deadline=None)
@given(incidents_strategy, st.sampled_from([LONDON, EAST_HERTS, DERBYSHIRE_OLD]))
def test_every_incident_is_counted_or_excluded_exactly_once(incidents, policy):
    result = evaluate_threshold(RECEIVED, incidents, policy)
    by_id = {i.id: i for i in incidents}
    excluded_ids = [e.incident for e in result.excluded]
    assert sorted([*result.qualifying_incidents, *excluded_ids]) == sorted(by_id)
    counted_dates = [by_id[i].occurred_on for i in result.qualifying_incidents]
    assert counted_dates == sorted(set(counted_dates))  # one per occasion, in date order
    assert result.qualifying_count == len(counted_dates)
    for exclusion in result.excluded:
        occurred_on = by_id[exclusion.incident].occurred_on
        in_window = result.window_from <= occurred_on <= result.window_to
        assert (exclusion.reason == "outside_window") is not in_window
        if exclusion.reason == "same_occasion":
            assert occurred_on in counted_dates
    assert [by_id[i].occurred_on for i in excluded_ids] == sorted(by_id[i].occurred_on for i in excluded_ids)
    assert result.met is (result.route is not None)
    assert result.met is (
        result.qualifying_count >= 3
        or (policy.community_min_reporters is not None and result.distinct_reporters >= 5)
    )
