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
    RELEVANT_BODIES,
    SENIOR_ROLES,
    Discretionary,
    Exclusion,
    FloorNote,
    Incident,
    Report,
    ReportLimit,
    ThresholdPolicy,
    discretionary_refusal,
    evaluate_threshold,
    incidents_from_data,
    report_reason,
    role_label,
)

RECEIVED = date(2026, 7, 1)  # a Wednesday; the 6-month window is 1 Jan 2026 to 1 Jul 2026
LONDON = ThresholdPolicy()  # the London-wide threshold: the defaults
# East Herts' wording: three bodies, 30 days (east-herts-policy.txt section 5).
EAST_HERTS = ThresholdPolicy(
    report_within=ReportLimit(days=30), eligible_agencies={"council", "police", "housing_provider"}
)
# Derby City and the Derbyshire districts: on-site discussions only with the police on duty,
# same-day incidents one occasion, the Youth Offending Service counted too.
DERBYSHIRE = ThresholdPolicy(
    onsite_police_only=True, separate_occasions=True, eligible_agencies={*RELEVANT_BODIES, "youth_offending"}
)
SEPARATE = ThresholdPolicy(separate_occasions=True)
HATE = ThresholdPolicy(hate_incident_route=True)
DERBYSHIRE_OLD = ThresholdPolicy(community_min_reporters=5)
NO_DISCRETION = ThresholdPolicy(discretionary_activation=False)


def report(on, agency="council", method="email", reporter="", confirmed=None, not_confirmed=""):
    return Report(
        agency=agency,
        reported_on=on,
        method=method,
        reporter=reporter,
        confirmed=confirmed,
        not_confirmed=not_confirmed,
    )


def incident(id, occurred_on, *reports, hate_motivated=False):
    return Incident(id=id, occurred_on=occurred_on, reports=reports, hate_motivated=hate_motivated)


def reported_next_day(id, occurred_on, hate_motivated=False, **kwargs):
    next_day = date.fromordinal(occurred_on.toordinal() + 1)
    return incident(id, occurred_on, report(next_day, **kwargs), hate_motivated=hate_motivated)


def excluded(result):
    return [(e.incident, e.reason, e.report_reasons) for e in result.excluded]


# One incident on its own: does it qualify, and if not, why not?
@pytest.mark.parametrize(
    ("occurred_on", "reports", "policy", "exclusion"),
    [
        (date(2026, 3, 10), [report(date(2026, 3, 10))], LONDON, None),
        # Window edges: complaints of 1 Jan 2026 (= 1 Jul 2026 - 6 months) and of the day received are in.
        (date(2026, 1, 1), [report(date(2026, 1, 2))], LONDON, None),
        (date(2025, 12, 31), [report(date(2025, 12, 31))], LONDON, ("outside_window", ())),
        (date(2025, 12, 20), [report(date(2026, 1, 1))], LONDON, None),
        # The window runs back to the complaint, not the incident (s.104(11)): an incident before
        # the window reported inside it counts.
        (date(2025, 12, 31), [report(date(2026, 1, 2))], LONDON, None),
        (date(2025, 12, 2), [report(date(2026, 1, 2))], DERBYSHIRE, None),
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
        # East Herts' 30 days or the Act's month, whichever is longer on that date.
        (date(2026, 3, 1), [report(date(2026, 4, 1))], EAST_HERTS, None),
        (
            date(2026, 3, 1),
            [report(date(2026, 4, 2))],
            EAST_HERTS,
            ("no_qualifying_report", ("reported_late",)),
        ),
        (date(2026, 1, 31), [report(date(2026, 3, 2))], EAST_HERTS, None),
        (
            date(2026, 1, 31),
            [report(date(2026, 3, 3))],
            EAST_HERTS,
            ("no_qualifying_report", ("reported_late",)),
        ),
        (date(2026, 3, 15), [report(date(2026, 4, 15))], EAST_HERTS, None),
        (
            date(2026, 3, 15),
            [report(date(2026, 4, 16))],
            EAST_HERTS,
            ("no_qualifying_report", ("reported_late",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 9))],
            LONDON,
            ("no_qualifying_report", ("reported_before_incident",)),
        ),
        # The four relevant bodies always count, whatever the council's wording lists.
        (date(2026, 3, 10), [report(date(2026, 3, 11), agency="icb")], LONDON, None),
        (date(2026, 3, 10), [report(date(2026, 3, 11), agency="icb")], EAST_HERTS, None),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="youth_offending")],
            LONDON,
            ("no_qualifying_report", ("ineligible_agency",)),
        ),
        (date(2026, 3, 10), [report(date(2026, 3, 11), agency="youth_offending")], DERBYSHIRE, None),
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
        # Every method but a diary sheet; Derbyshire: on-site only with the police on duty.
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="council", method="onsite_discussion")],
            LONDON,
            None,
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="police", method="onsite_discussion")],
            DERBYSHIRE,
            None,
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="council", method="onsite_discussion")],
            DERBYSHIRE,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="housing_provider", method="onsite_discussion")],
            DERBYSHIRE,
            ("no_qualifying_report", ("ineligible_method",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), agency="police", method="police_officer_on_duty")],
            DERBYSHIRE,
            None,
        ),
        # Confirmed by the agency's records: null and true count, false does not.
        (date(2026, 3, 10), [report(date(2026, 3, 11), confirmed=True)], LONDON, None),
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 11), confirmed=False, not_confirmed="no record")],
            LONDON,
            ("no_qualifying_report", ("not_confirmed",)),
        ),
        (date(2026, 3, 10), [], LONDON, ("no_qualifying_report", ())),
        # One good report is enough, whatever the others.
        (
            date(2026, 3, 10),
            [report(date(2026, 5, 1)), report(date(2026, 3, 12), agency="police", method="phone")],
            LONDON,
            None,
        ),
        # Each failing report's first reason, once each, in RULES.md order.
        (
            date(2026, 3, 10),
            [
                report(date(2026, 3, 11), confirmed=False),
                report(date(2026, 3, 11), method="diary_sheet"),
                report(date(2026, 3, 11), agency="other"),
                report(date(2026, 5, 2)),
                report(date(2026, 3, 9)),
                report(date(2026, 7, 2)),
            ],
            LONDON,
            (
                "no_qualifying_report",
                (
                    "outside_window",
                    "reported_before_incident",
                    "reported_late",
                    "ineligible_agency",
                    "ineligible_method",
                    "not_confirmed",
                ),
            ),
        ),
        # Only the first reason of a report: before the incident, to another body, by diary sheet.
        (
            date(2026, 3, 10),
            [report(date(2026, 3, 9), agency="other", method="diary_sheet", confirmed=False)],
            LONDON,
            ("no_qualifying_report", ("reported_before_incident",)),
        ),
        (
            date(2026, 3, 10),
            [report(date(2026, 5, 1), agency="other", method="diary_sheet")],
            LONDON,
            ("no_qualifying_report", ("reported_late",)),
        ),
        # Some reports outside the window, others failing for another reason: not outside_window.
        (
            date(2025, 12, 1),
            [report(date(2025, 12, 2)), report(date(2026, 1, 2))],
            LONDON,
            ("no_qualifying_report", ("outside_window", "reported_late")),
        ),
    ],
    ids=[
        "reported-same-day",
        "on-window-from",
        "complaint-day-before-window-from",
        "incident-before-window-complaint-on-window-from",
        "incident-before-window-complaint-inside",
        "derbyshire-reads-the-window-from-the-complaint-too",
        "on-received-on",
        "day-after-received-on",
        "outside-window-before-report-reasons",
        "31-jan-reported-28-feb-1-month",
        "31-jan-reported-1-mar-late",
        "1-mar-reported-1-apr-1-month",
        "1-mar-reported-2-apr-1-month-late",
        "1-mar-reported-31-mar-30-days",
        "east-herts-1-mar-reported-1-apr-the-acts-month",
        "east-herts-1-mar-reported-2-apr-late",
        "east-herts-31-jan-reported-2-mar-30-days",
        "east-herts-31-jan-reported-3-mar-late",
        "east-herts-15-mar-reported-15-apr-the-acts-month",
        "east-herts-15-mar-reported-16-apr-late",
        "reported-before-incident",
        "icb-always-counts",
        "icb-counts-where-the-council-lists-three-bodies",
        "youth-offending-not-listed",
        "youth-offending-added-by-the-council",
        "other-agency",
        "police-agency",
        "housing-provider-agency",
        "diary-sheet-council",
        "diary-sheet-police",
        "onsite-discussion-counts-by-default",
        "onsite-discussion-police-derbyshire",
        "onsite-discussion-council-derbyshire",
        "onsite-discussion-housing-provider-derbyshire",
        "police-officer-on-duty-derbyshire",
        "confirmed-true",
        "confirmed-false",
        "no-reports",
        "one-good-report-among-bad",
        "all-report-reasons-in-order",
        "first-reason-of-a-report-only",
        "late-before-agency-and-method",
        "some-reports-outside-the-window",
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


SAME_DAY = [
    reported_next_day("a", date(2026, 3, 5)),
    reported_next_day("b", date(2026, 3, 5), agency="police"),
    reported_next_day("c", date(2026, 3, 6)),
    reported_next_day("d", date(2026, 3, 5), agency="housing_provider"),
]


def test_with_separate_occasions_incidents_on_the_same_day_are_one_occasion():
    result = evaluate_threshold(RECEIVED, SAME_DAY, SEPARATE)
    assert (result.met, result.qualifying_count, result.qualifying_incidents) == (False, 2, ("a", "c"))
    assert excluded(result) == [("b", "same_occasion", ()), ("d", "same_occasion", ())]


def test_without_separate_occasions_each_incident_on_a_day_is_a_complaint():
    result = evaluate_threshold(RECEIVED, SAME_DAY, LONDON)
    assert (result.met, result.qualifying_count, result.qualifying_incidents) == (
        True,
        4,
        ("a", "b", "d", "c"),
    )
    assert result.excluded == ()


def test_derbyshire_counts_separate_occasions():
    assert evaluate_threshold(RECEIVED, SAME_DAY, DERBYSHIRE).qualifying_count == 2


def test_the_occasion_goes_to_the_first_qualifying_incident_of_the_day_in_input_order():
    result = evaluate_threshold(
        RECEIVED,
        [
            reported_next_day("x", date(2026, 3, 5), method="diary_sheet"),  # does not qualify itself
            reported_next_day("y", date(2026, 3, 5)),
            reported_next_day("z", date(2026, 3, 5)),
        ],
        SEPARATE,
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
            reported_next_day("late", date(2026, 4, 1), agency="other"),
            reported_next_day("march", date(2026, 3, 3)),
            reported_next_day("old", date(2025, 11, 1)),
            reported_next_day("march-again", date(2026, 3, 3)),
            reported_next_day("april", date(2026, 4, 1)),
        ],
        SEPARATE,
    )
    assert result.qualifying_incidents == ("march", "april", "may")
    assert [e.incident for e in result.excluded] == ["old", "march-again", "late"]
    assert (result.met, result.route) == (True, "qualifying_complaints")


@pytest.mark.parametrize(
    ("policy", "floor"),
    [(LONDON, ()), (EAST_HERTS, (FloorNote("a", ("report_limit",)),))],
    ids=["london-1-month", "east-herts-30-days-and-the-acts-month"],
)
def test_a_report_made_31_days_later_counts_at_london_and_at_east_herts_by_the_acts_floor(policy, floor):
    incidents = [
        incident("a", date(2026, 3, 1), report(date(2026, 4, 1))),  # 31 days later: within 1 month
        reported_next_day("b", date(2026, 3, 10)),
        reported_next_day("c", date(2026, 3, 20)),
    ]
    result = evaluate_threshold(RECEIVED, incidents, policy)
    assert (result.met, result.qualifying_count, result.excluded) == (True, 3, ())
    assert result.act_floor == floor


# Which clause of the Act made an incident count where the council's own wording would not.
@pytest.mark.parametrize(
    ("incidents", "policy", "floor"),
    [
        # East Herts, 15 Mar: 30 days end 14 Apr, the month on 15 Apr.
        (
            [incident("a", date(2026, 3, 15), report(date(2026, 4, 15)))],
            EAST_HERTS,
            (("a", ("report_limit",)),),
        ),
        # 31 Jan: 30 days end 2 Mar, after the month (28 Feb): the council's own limit.
        ([incident("a", date(2026, 1, 31), report(date(2026, 3, 2)))], EAST_HERTS, ()),
        ([incident("a", date(2026, 3, 15), report(date(2026, 4, 14)))], EAST_HERTS, ()),
        # The ICB at a council whose wording lists three bodies.
        (
            [incident("a", date(2026, 3, 15), report(date(2026, 3, 16), agency="icb"))],
            EAST_HERTS,
            (("a", ("agency",)),),
        ),
        ([incident("a", date(2026, 3, 15), report(date(2026, 3, 16), agency="icb"))], LONDON, ()),
        # One report counting on the local reading is enough for no note.
        (
            [
                incident(
                    "a", date(2026, 3, 15), report(date(2026, 3, 16), agency="icb"), report(date(2026, 3, 17))
                )
            ],
            EAST_HERTS,
            (),
        ),
        (
            [incident("a", date(2026, 3, 15), report(date(2026, 4, 15), agency="icb"))],
            EAST_HERTS,
            (("a", ("report_limit", "agency")),),
        ),
        # An incident before the window, reported inside it.
        ([incident("a", date(2025, 12, 20), report(date(2026, 1, 5)))], LONDON, (("a", ("window",)),)),
        ([incident("a", date(2025, 12, 20), report(date(2026, 1, 5)))], DERBYSHIRE, (("a", ("window",)),)),
        # Not counted at all: no note.
        ([incident("a", date(2026, 3, 15), report(date(2026, 4, 16)))], EAST_HERTS, ()),
    ],
    ids=[
        "east-herts-15-mar-15-apr",
        "east-herts-31-jan-2-mar-own-limit",
        "east-herts-within-30-days",
        "icb-at-three-body-council",
        "icb-at-london",
        "one-local-report-enough",
        "late-and-icb",
        "incident-before-window",
        "incident-before-window-derbyshire",
        "not-counted",
    ],
)
def test_the_acts_floor_is_recorded(incidents, policy, floor):
    result = evaluate_threshold(RECEIVED, incidents, policy)
    assert [(note.incident, note.grounds) for note in result.act_floor] == list(floor)


def test_the_window_follows_the_policy_and_month_ends():
    result = evaluate_threshold(date(2026, 8, 31), [], ThresholdPolicy(window_months=6))
    assert (result.window_from, result.window_to) == (date(2026, 2, 28), date(2026, 8, 31))
    result = evaluate_threshold(date(2026, 8, 31), [], ThresholdPolicy(window_months=12))
    assert result.window_from == date(2025, 8, 31)


@pytest.mark.parametrize(
    ("min_qualifying", "occasions", "met"),
    [(3, 3, True), (3, 2, False), (3, 4, True), (1, 1, True), (2, 1, False), (2, 2, True)],
    ids=["3-of-3", "2-of-3", "4-of-3", "1-of-1", "1-of-2", "2-of-2"],
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
            report(date(2026, 5, 1), agency="other", reporter="Other Otto"),
            report(date(2026, 5, 1), confirmed=False, reporter="Unconfirmed Una"),
        ),
        incident("same-day", date(2026, 5, 1), report(date(2026, 5, 2), reporter="Bob")),  # counts
        incident("old", date(2025, 12, 1), report(date(2025, 12, 2), reporter="Old Olly")),
        incident("diary", date(2026, 5, 3), report(date(2026, 5, 3), method="diary_sheet", reporter="Dora")),
    ]
    policy = ThresholdPolicy(community_min_reporters=2, separate_occasions=True)
    result = evaluate_threshold(RECEIVED, incidents, policy)
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
            "The threshold is met: 3 qualifying complaints, of the 3 needed.",
        ),
        (
            [
                reported_next_day("a", date(2026, 5, 3)),
                reported_next_day("b", date(2026, 5, 3)),
                reported_next_day("c", date(2026, 5, 20)),
                reported_next_day("d", date(2026, 6, 1)),
            ],
            SEPARATE,
            None,
            "The threshold is met: 3 qualifying complaints on separate occasions, of the 3 needed. "
            "Not counted: the incident of 3 May 2026 happened on the same day as another qualifying "
            "complaint, so they count as one occasion.",
        ),
        (
            [
                incident("old", date(2025, 12, 20), report(date(2025, 12, 31))),
                reported_next_day("after", date(2026, 7, 2)),
                reported_next_day("yos", date(2026, 2, 1), agency="youth_offending"),
                reported_next_day("diary", date(2026, 2, 2), method="diary_sheet"),
                reported_next_day("onsite", date(2026, 2, 3), method="onsite_discussion"),
                incident("before", date(2026, 2, 4), report(date(2026, 2, 3))),
                incident("silent", date(2026, 2, 5)),
                incident(
                    "denied", date(2026, 2, 6), report(date(2026, 2, 6), agency="police", confirmed=False)
                ),
            ],
            ThresholdPolicy(onsite_police_only=True),
            None,
            "0 of the 3 qualifying complaints needed: "
            "the incident of 20 December 2025 was reported outside the 6 months before the application of "
            "1 July 2026; "
            "the incident of 1 February 2026 was reported to the Youth Offending Service, not a relevant body; "
            "the incident of 2 February 2026 was reported by a diary sheet, which is not a complaint; "
            "the incident of 3 February 2026 was reported in an on-site discussion, which counts only with "
            "a police officer or PCSO on duty; "
            "the incident of 4 February 2026 was reported before it happened; "
            "the incident of 5 February 2026 was not reported to any agency; "
            "the incident of 6 February 2026 was not found in the records of the police; "
            "the incident of 2 July 2026 happened after the application of 1 July 2026.",
        ),
        (
            [
                incident(
                    "a",
                    date(2026, 3, 1),
                    report(date(2026, 4, 3), agency="other"),
                    report(date(2026, 4, 2)),
                    report(date(2026, 3, 2), agency="other", method="diary_sheet"),
                    report(date(2026, 3, 3), agency="police", method="diary_sheet"),
                    report(date(2026, 3, 4), agency="icb", confirmed=False, not_confirmed="no record found"),
                    report(date(2026, 3, 4), agency="police", confirmed=False, not_confirmed="not logged"),
                ),
            ],
            EAST_HERTS,
            None,
            "0 of the 3 qualifying complaints needed: the incident of 1 March 2026 was reported 32 days after "
            "it happened, more than the longer of 30 days and 1 month, and reported to another organisation, "
            "not a relevant body, and reported by a diary sheet, which is not a complaint, and not found in "
            "the records of the NHS (the integrated care board) and the police (no record found; not logged).",
        ),
        (
            [
                incident("a", date(2026, 3, 15), report(date(2026, 4, 15))),
                incident("b", date(2026, 3, 20), report(date(2026, 3, 21), agency="icb")),
                incident("c", date(2025, 12, 20), report(date(2026, 1, 5))),
            ],
            EAST_HERTS,
            None,
            "The threshold is met: 3 qualifying complaints, of the 3 needed. The Act's floor (s.104(11)), not "
            "the council's narrower wording, made these 3 complaints count: the incident of 20 December 2025 "
            "happened before the 6 months but was reported inside them, on 5 January 2026, and it is the "
            "complaint that must be in them; the incident of 15 March 2026 was reported 31 days after it "
            "happened, later than the council's 30 days but within 1 month; the incident of 20 March 2026 was "
            "reported to the NHS (the integrated care board), a relevant body (s.105) that the council's "
            "wording does not list.",
        ),
        (
            [
                incident("a", date(2026, 3, 15), report(date(2026, 4, 16))),
                incident("b", date(2026, 3, 20), report(date(2026, 3, 21), agency="icb")),
            ],
            EAST_HERTS,
            None,
            "1 of the 3 qualifying complaints needed: the incident of 15 March 2026 was reported 32 days after "
            "it happened, more than the longer of 30 days and 1 month. The Act's floor (s.104(11)), not the "
            "council's narrower wording, made this complaint count: the incident of 20 March 2026 was reported "
            "to the NHS (the integrated care board), a relevant body (s.105) that the council's wording does "
            "not list.",
        ),
        (
            [
                reported_next_day("a", date(2026, 5, 3), hate_motivated=True),
                incident("b", date(2026, 5, 4), report(date(2026, 6, 17)), hate_motivated=True),
            ],
            HATE,
            None,
            "The threshold is met: 1 of the 3 qualifying complaints needed, and the incident of 3 May 2026, a "
            "qualifying complaint, was motivated by hate; under this council's procedure one such complaint "
            "meets the threshold. Not counted: the incident of 4 May 2026 was reported 44 days after it "
            "happened, more than 1 month.",
        ),
        ([], LONDON, None, "0 of the 3 qualifying complaints needed: the application lists no incidents."),
        (
            [reported_next_day("a", date(2026, 5, 3))],
            ThresholdPolicy(min_qualifying=1, separate_occasions=True),
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
            "The threshold is met: 3 qualifying complaints, of the 3 needed. "
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
        "the-acts-floor-made-them-count",
        "the-acts-floor-when-not-met",
        "hate-incident",
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
        "hate_incidents": [],
        "act_floor": [],
        "confirmed_only": False,
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


def test_report_reason_for_a_single_report():
    assert report_reason(report(date(2026, 3, 2)), date(2026, 3, 1), RECEIVED) is None
    assert (
        report_reason(report(date(2026, 4, 2), agency="other"), date(2026, 3, 1), RECEIVED) == "reported_late"
    )
    assert report_reason(report(date(2026, 4, 1)), date(2026, 3, 1), RECEIVED, EAST_HERTS) is None
    assert report_reason(report(date(2026, 3, 2)), date(2026, 3, 1), date(2026, 10, 1)) == "outside_window"
    unchecked = report(date(2026, 3, 2))
    assert report_reason(unchecked, date(2026, 3, 1), RECEIVED, confirmed_only=True) == "not_confirmed"


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
        (lambda: ThresholdPolicy(eligible_agencies={"council", "fire_service"}), "fire_service"),
        (lambda: ThresholdPolicy(eligible_agencies="council"), "collection"),
        (lambda: ThresholdPolicy(onsite_police_only="yes"), "onsite_police_only"),
        (lambda: ThresholdPolicy(separate_occasions=1), "separate_occasions"),
        (lambda: ThresholdPolicy(hate_incident_route=None), "hate_incident_route"),
        (lambda: ThresholdPolicy(min_qualifying=4), "min_qualifying = 4 is above the Act: under s.104(4)"),
        (lambda: ThresholdPolicy(window_months=5), "window_months = 5 is above the Act: under s.104(11)"),
        (lambda: Report("council", date(2026, 3, 1), "email", confirmed=1), "confirmed"),
        (lambda: Report("council", date(2026, 3, 1), "email", not_confirmed=None), "not_confirmed"),
        (lambda: Incident("a", date(2026, 3, 1), hate_motivated="yes"), "hate_motivated"),
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
        "agencies-as-one-string",
        "onsite-switch-not-bool",
        "occasions-switch-not-bool",
        "hate-switch-not-bool",
        "more-than-three-complaints",
        "window-under-six-months",
        "confirmed-not-bool",
        "not-confirmed-none",
        "hate-motivated-not-bool",
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
THRESHOLD_MODULES = sorted(path.name for path in (DOMAIN / "threshold").glob("*.py"))


@pytest.mark.parametrize(
    "module",
    ["__init__.py", "calendar.py", "eligibility.py", *(f"threshold/{name}" for name in THRESHOLD_MODULES)],
)
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
    of_app = {name for name in imported if name.split(".")[0] == "app"}
    assert all(name == "app.domain.calendar" or name.startswith("app.domain.threshold.") for name in of_app)


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
@given(incidents_strategy, st.sampled_from([LONDON, EAST_HERTS, DERBYSHIRE_OLD, DERBYSHIRE]))
def test_every_incident_is_counted_or_excluded_exactly_once(incidents, policy):
    result = evaluate_threshold(RECEIVED, incidents, policy)
    by_id = {i.id: i for i in incidents}
    excluded_ids = [e.incident for e in result.excluded]
    assert sorted([*result.qualifying_incidents, *excluded_ids]) == sorted(by_id)
    counted_dates = [by_id[i].occurred_on for i in result.qualifying_incidents]
    assert counted_dates == sorted(counted_dates)  # in date order
    if policy.separate_occasions:
        assert len(set(counted_dates)) == len(counted_dates)  # one per occasion
    assert result.qualifying_count == len(counted_dates)
    for exclusion in result.excluded:
        reports = by_id[exclusion.incident].reports
        outside = bool(reports) and all(
            not result.window_from <= report.reported_on <= result.window_to for report in reports
        )
        assert (exclusion.reason == "outside_window") is outside
        if exclusion.reason == "same_occasion":
            assert policy.separate_occasions
            assert by_id[exclusion.incident].occurred_on in counted_dates
    assert {note.incident for note in result.act_floor} <= set(result.qualifying_incidents)
    assert [by_id[i].occurred_on for i in excluded_ids] == sorted(by_id[i].occurred_on for i in excluded_ids)
    assert result.met is (result.route is not None)
    assert result.met is (
        result.qualifying_count >= 3
        or (policy.community_min_reporters is not None and result.distinct_reporters >= 5)
    )


def test_incidents_from_data_reads_iso_text_and_dates_with_every_field():
    (first, second) = incidents_from_data(
        [
            {
                "id": 1,
                "occurred_on": "2026-03-01",
                "hate_motivated": True,
                "reports": [
                    {
                        "agency": "police",
                        "reported_on": "2026-03-02",
                        "method": "phone",
                        "confirmed": False,
                        "not_confirmed": "no record",
                    }
                ],
            },
            {"id": "b", "occurred_on": date(2026, 3, 5), "reports": None},
        ]
    )
    assert first == Incident(
        "1",
        date(2026, 3, 1),
        (Report("police", date(2026, 3, 2), "phone", confirmed=False, not_confirmed="no record"),),
        hate_motivated=True,
    )
    assert second == Incident("b", date(2026, 3, 5))
