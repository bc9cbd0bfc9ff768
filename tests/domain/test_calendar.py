"""RULES.md §1: working days, calendar days and months. Expected dates are worked by hand."""

import re
from datetime import date, datetime, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.calendar import (
    MAX_CACHED_YEARS,
    NATIONS,
    ClosureDays,
    DueDate,
    SkippedDay,
    WorkingCalendar,
    add_days,
    add_months,
    calendar_for,
    format_date,
)

ENGLAND = WorkingCalendar("england")
WALES = WorkingCalendar("wales")
# A council that shuts between Christmas and New Year, as many do.
XMAS_SHUTDOWN = ClosureDays(annual=frozenset({(12, 29), (12, 30), (12, 31)}))


@pytest.mark.parametrize(
    ("start", "n", "due_on"),
    [
        # The example in RULES.md: 25 Dec, the weekend and 28 Dec (Boxing Day observed) skipped.
        (date(2026, 12, 21), 5, date(2026, 12, 30)),
        (date(2026, 12, 24), 1, date(2026, 12, 29)),
        # 2021: Christmas and Boxing Day on the weekend, both substituted (27 and 28 Dec).
        (date(2021, 12, 24), 1, date(2021, 12, 29)),
        # 2022: Christmas on Sunday, Boxing Day Monday 26, Christmas observed Tuesday 27.
        (date(2022, 12, 23), 1, date(2022, 12, 28)),
        # 2027: as 2021.
        (date(2027, 12, 24), 1, date(2027, 12, 29)),
        # New Year's Day on a Saturday in 2022: observed Monday 3 Jan.
        (date(2021, 12, 31), 1, date(2022, 1, 4)),
        # New Year's Day on a Sunday in 2023: observed Monday 2 Jan.
        (date(2022, 12, 30), 1, date(2023, 1, 3)),
        # New Year's Day on a Thursday in 2026; 2 Jan is a working day (it is a holiday only in Scotland).
        (date(2025, 12, 31), 1, date(2026, 1, 2)),
        # Easter: Good Friday and Easter Monday.
        (date(2021, 4, 1), 1, date(2021, 4, 6)),
        (date(2026, 4, 2), 1, date(2026, 4, 7)),
        (date(2027, 3, 25), 1, date(2027, 3, 30)),
        # One-off holidays: Spring bank holiday moved to 2 Jun 2022, Platinum Jubilee 3 Jun.
        (date(2022, 6, 1), 1, date(2022, 6, 6)),
        # Coronation of Charles III, Monday 8 May 2023.
        (date(2023, 5, 5), 1, date(2023, 5, 9)),
        # An ordinary week, and spanning a weekend.
        (date(2026, 3, 9), 1, date(2026, 3, 10)),
        (date(2026, 3, 12), 3, date(2026, 3, 17)),
        # Derby City's 15 working days to communicate a "not met" decision.
        (date(2026, 11, 2), 15, date(2026, 11, 23)),
    ],
    ids=[
        "rules-example-21-dec-2026-plus-5",
        "christmas-eve-2026-friday",
        "christmas-2021-both-substituted",
        "christmas-2022-sunday-substituted",
        "christmas-2027-both-substituted",
        "new-year-2022-saturday-observed-monday",
        "new-year-2023-sunday-observed-monday",
        "new-year-2026-2-jan-is-working",
        "easter-2021",
        "easter-2026",
        "easter-2027",
        "platinum-jubilee-2022",
        "coronation-2023",
        "ordinary-weekday",
        "over-a-weekend",
        "fifteen-days-november-2026",
    ],
)
def test_add_working_days_in_england(start, n, due_on):
    assert ENGLAND.add_working_days(start, n) == due_on


@pytest.mark.parametrize(
    ("start", "due_on"),
    [
        (date(2026, 5, 2), date(2026, 5, 5)),  # Saturday; Monday 4 May is May Day
        (date(2026, 5, 3), date(2026, 5, 5)),  # Sunday
        (date(2026, 12, 25), date(2026, 12, 29)),  # Christmas Day itself
        (date(2026, 12, 28), date(2026, 12, 29)),  # a substitute day itself
        (date(2026, 3, 9), date(2026, 3, 10)),  # a working day: still not counted
    ],
    ids=[
        "start-saturday",
        "start-sunday",
        "start-christmas-day",
        "start-substitute-day",
        "start-working-day",
    ],
)
def test_the_start_date_is_never_counted(start, due_on):
    assert ENGLAND.add_working_days(start, 1) == due_on


def test_a_closure_on_the_start_date_is_not_counted_either():
    calendar = WorkingCalendar("england", ClosureDays(dates=frozenset({date(2026, 3, 9)})))
    assert calendar.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)


@pytest.mark.parametrize(
    ("closures", "start", "n", "due_on"),
    [
        (ClosureDays(), date(2026, 12, 21), 5, date(2026, 12, 30)),
        # 22, 23, 24 Dec; then holidays, weekends, 29-31 closed, 1 Jan, weekend; 4 and 5 Jan.
        (XMAS_SHUTDOWN, date(2026, 12, 21), 5, date(2027, 1, 5)),
        # The same annual closure applies every year: 2027 has 27 and 28 Dec as bank holidays.
        (XMAS_SHUTDOWN, date(2027, 12, 23), 2, date(2028, 1, 4)),
        (ClosureDays(dates=frozenset({date(2026, 12, 24)})), date(2026, 12, 21), 5, date(2026, 12, 31)),
        # A one-off closure in another year changes nothing.
        (ClosureDays(dates=frozenset({date(2025, 12, 24)})), date(2026, 12, 21), 5, date(2026, 12, 30)),
        # A closure on a bank holiday or a weekend skips nothing extra.
        (
            ClosureDays(dates=frozenset({date(2026, 12, 25), date(2026, 12, 26)})),
            date(2026, 12, 21),
            5,
            date(2026, 12, 30),
        ),
        # Closures and the Easter weekend together: Wednesday 1 Apr 2026 closed as well.
        (ClosureDays(dates=frozenset({date(2026, 4, 1)})), date(2026, 3, 31), 2, date(2026, 4, 7)),
    ],
    ids=[
        "no-closures",
        "annual-29-31-dec-2026",
        "annual-29-31-dec-2027",
        "one-off-christmas-eve",
        "one-off-in-another-year",
        "closure-on-holiday-and-weekend",
        "closure-before-easter",
    ],
)
def test_closure_days(closures, start, n, due_on):
    assert WorkingCalendar("england", closures).add_working_days(start, n) == due_on


def test_explain_lists_exactly_the_skipped_days_with_reasons():
    explained = ENGLAND.explain_working_days(date(2026, 12, 21), 5)
    assert explained == DueDate(
        start=date(2026, 12, 21),
        days=5,
        due_on=date(2026, 12, 30),
        skipped=(
            SkippedDay(date(2026, 12, 25), "bank_holiday", "bank holiday: Christmas Day"),
            SkippedDay(date(2026, 12, 26), "weekend", "weekend (Saturday)"),
            SkippedDay(date(2026, 12, 27), "weekend", "weekend (Sunday)"),
            SkippedDay(date(2026, 12, 28), "bank_holiday", "bank holiday: Boxing Day (observed)"),
        ),
    )


def test_explain_with_closures_does_not_list_the_start_date():
    calendar = WorkingCalendar("england", XMAS_SHUTDOWN)
    explained = calendar.explain_working_days(date(2026, 12, 31), 2)
    assert explained.due_on == date(2027, 1, 5)
    assert [(day.on, day.reason) for day in explained.skipped] == [
        (date(2027, 1, 1), "bank holiday: New Year's Day"),
        (date(2027, 1, 2), "weekend (Saturday)"),
        (date(2027, 1, 3), "weekend (Sunday)"),
    ]


def test_explain_names_council_closures():
    calendar = WorkingCalendar("england", XMAS_SHUTDOWN)
    explained = calendar.explain_working_days(date(2026, 12, 24), 1)
    assert explained.due_on == date(2027, 1, 4)
    assert [(day.on.day, day.kind) for day in explained.skipped] == [
        (25, "bank_holiday"),
        (26, "weekend"),
        (27, "weekend"),
        (28, "bank_holiday"),
        (29, "closure"),
        (30, "closure"),
        (31, "closure"),
        (1, "bank_holiday"),
        (2, "weekend"),
        (3, "weekend"),
    ]
    assert explained.skipped[4].reason == "council closure"


def test_due_date_to_dict_is_the_calendar_route_body():
    assert ENGLAND.explain_working_days(date(2026, 4, 2), 1).to_dict() == {
        "from": "2026-04-02",
        "days": 1,
        "due_on": "2026-04-07",
        "skipped": [
            {"date": "2026-04-03", "reason": "bank holiday: Good Friday"},
            {"date": "2026-04-04", "reason": "weekend (Saturday)"},
            {"date": "2026-04-05", "reason": "weekend (Sunday)"},
            {"date": "2026-04-06", "reason": "bank holiday: Easter Monday"},
        ],
    }


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 10), None),
        (date(2026, 3, 14), SkippedDay(date(2026, 3, 14), "weekend", "weekend (Saturday)")),
        (
            date(2022, 9, 19),
            SkippedDay(
                date(2022, 9, 19), "bank_holiday", "bank holiday: State Funeral of Queen Elizabeth II"
            ),
        ),
        # A holiday falling on a weekend is reported as the weekend; the substitute day is the bank holiday.
        (date(2021, 12, 25), SkippedDay(date(2021, 12, 25), "weekend", "weekend (Saturday)")),
        (
            date(2021, 12, 27),
            SkippedDay(date(2021, 12, 27), "bank_holiday", "bank holiday: Christmas Day (observed)"),
        ),
    ],
    ids=["working-day", "saturday", "one-off-state-funeral", "christmas-on-saturday", "christmas-observed"],
)
def test_non_working_reason(day, expected):
    assert ENGLAND.non_working_reason(day) == expected
    assert ENGLAND.is_working_day(day) is (expected is None)


@pytest.mark.parametrize(
    ("day", "kind"),
    [(date(2026, 12, 28), "bank_holiday"), (date(2025, 12, 28), "weekend"), (date(2023, 12, 28), "closure")],
    ids=["on-boxing-day-observed", "on-a-sunday", "on-a-thursday"],
)
def test_an_annual_closure_reports_the_first_reason_weekend_then_holiday_then_closure(day, kind):
    calendar = WorkingCalendar("england", ClosureDays(annual=frozenset({(12, 28)})))
    assert calendar.non_working_reason(day).kind == kind


def test_england_and_wales_share_every_bank_holiday_2015_to_2035():
    # The holidays package gives both nations the same days (no Welsh-only bank holiday exists).
    day = date(2015, 1, 1)
    differences = []
    while day <= date(2035, 12, 31):
        if ENGLAND.non_working_reason(day) != WALES.non_working_reason(day):
            differences.append(day)
        day += timedelta(days=1)
    assert differences == []
    assert WALES.add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)


@pytest.mark.parametrize(
    ("day", "subdiv"),
    [
        (date(2026, 1, 2), "SCT"),  # 2 January
        (date(2026, 8, 3), "SCT"),  # Scotland's summer bank holiday
        (date(2026, 11, 30), "SCT"),  # St Andrew's Day
        (date(2026, 3, 17), "NIR"),  # St Patrick's Day
        (date(2026, 7, 13), "NIR"),  # Battle of the Boyne (observed)
    ],
    ids=["2-january", "scottish-summer", "st-andrews-day", "st-patricks-day", "battle-of-the-boyne"],
)
def test_other_nations_holidays_are_working_days_in_england_and_wales(day, subdiv):
    assert day in holidays.country_holidays("GB", subdiv=subdiv, years=day.year)  # the test means something
    assert ENGLAND.is_working_day(day)
    assert WALES.is_working_day(day)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2026, 12, 21), date(2026, 12, 30), 5),
        (date(2026, 12, 30), date(2026, 12, 21), -5),
        (date(2026, 3, 10), date(2026, 3, 10), 0),
        (date(2026, 3, 13), date(2026, 3, 14), 0),  # Friday to Saturday
        (date(2026, 3, 14), date(2026, 3, 16), 1),  # Saturday to Monday
        (date(2026, 3, 9), date(2026, 3, 10), 1),
        # 2026: 261 weekdays less 8 weekday bank holidays.
        (date(2025, 12, 31), date(2026, 12, 31), 253),
        (date(2026, 12, 31), date(2025, 12, 31), -253),
        (date(2026, 12, 24), date(2027, 1, 5), 5),
    ],
    ids=[
        "rules-example",
        "reversed",
        "same-day",
        "friday-to-saturday",
        "saturday-to-monday",
        "next-day",
        "whole-year-2026",
        "whole-year-reversed",
        "across-new-year",
    ],
)
def test_working_days_between(start, end, expected):
    assert ENGLAND.working_days_between(start, end) == expected


def test_working_days_between_counts_closures():
    calendar = WorkingCalendar("england", XMAS_SHUTDOWN)
    assert calendar.working_days_between(date(2026, 12, 24), date(2027, 1, 5)) == 2


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), -6, date(2026, 2, 28)),
        (date(2028, 8, 31), -6, date(2028, 2, 29)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 31), 2, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), -12, date(2027, 2, 28)),
        (date(2026, 7, 1), -6, date(2026, 1, 1)),
        (date(2026, 3, 15), 0, date(2026, 3, 15)),
    ],
    ids=[
        "31-jan-plus-1",
        "31-jan-plus-1-leap-year",
        "31-aug-minus-6",
        "31-aug-minus-6-leap-year",
        "31-mar-minus-1",
        "31-dec-plus-2",
        "29-feb-plus-12",
        "29-feb-minus-12",
        "1-jul-minus-6",
        "zero",
    ],
)
def test_add_months_clamps_to_the_end_of_the_month(start, n, expected):
    assert add_months(start, n) == expected


@pytest.mark.parametrize(
    ("start", "n", "expected"),
    [
        (date(2026, 3, 1), 30, date(2026, 3, 31)),
        (date(2026, 12, 31), 1, date(2027, 1, 1)),
        (date(2026, 3, 1), -1, date(2026, 2, 28)),
        (date(2026, 3, 1), 0, date(2026, 3, 1)),
        (date(2026, 12, 24), 28, date(2027, 1, 21)),  # calendar days ignore holidays
    ],
    ids=["30-days", "over-new-year", "negative", "zero", "holidays-ignored"],
)
def test_add_days(start, n, expected):
    assert add_days(start, n) == expected


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: ENGLAND.add_working_days(date(2026, 3, 9), 0), "at least 1"),
        (lambda: ENGLAND.add_working_days(date(2026, 3, 9), -3), "at least 1"),
        (lambda: ENGLAND.add_working_days(date(2026, 3, 9), True), "whole number"),
        (lambda: ENGLAND.add_working_days(date(2026, 3, 9), 2.0), "whole number"),
        (lambda: ENGLAND.add_working_days(date(2026, 3, 9), "5"), "whole number"),
        (lambda: ENGLAND.add_working_days(datetime(2026, 3, 9, 12, 0), 5), "not a datetime"),
        (lambda: ENGLAND.add_working_days("2026-03-09", 5), "must be a date"),
        (lambda: ENGLAND.explain_working_days(date(2026, 3, 9), 0), "at least 1"),
        (lambda: ENGLAND.is_working_day(datetime(2026, 3, 9)), "not a datetime"),
        (lambda: ENGLAND.working_days_between(date(2026, 3, 9), None), "must be a date"),
        (lambda: add_days(datetime(2026, 3, 9), 1), "not a datetime"),
        (lambda: add_months(date(2026, 3, 9), 1.5), "whole number"),
        (lambda: add_days(date(9999, 12, 31), 1), "outside the calendar"),
        (lambda: ENGLAND.add_working_days(date(9999, 12, 30), 5), "beyond the end"),
        (lambda: WorkingCalendar("scotland"), "unknown nation"),
        (lambda: WorkingCalendar("England"), "unknown nation"),
        (lambda: WorkingCalendar("england", closures=[date(2026, 1, 2)]), "ClosureDays"),
        (lambda: ClosureDays(annual=frozenset({(2, 30)})), "valid (month, day)"),
        (lambda: ClosureDays(annual=frozenset({(13, 1)})), "valid (month, day)"),
        (lambda: ClosureDays(annual=["12-29"]), "valid (month, day)"),
        (lambda: ClosureDays(dates=[datetime(2026, 12, 29)]), "not a datetime"),
        (lambda: ClosureDays(dates=date(2026, 12, 29)), "collection of dates"),
    ],
    ids=[
        "n-zero",
        "n-negative",
        "n-bool",
        "n-float",
        "n-string",
        "start-datetime",
        "start-string",
        "explain-n-zero",
        "is-working-day-datetime",
        "between-none",
        "add-days-datetime",
        "add-months-float",
        "add-days-overflow",
        "working-days-overflow",
        "nation-scotland",
        "nation-capitalised",
        "closures-not-closure-days",
        "annual-30-feb",
        "annual-month-13",
        "annual-string",
        "closure-datetime",
        "closure-dates-not-a-collection",
    ],
)
def test_bad_input_raises_value_error(call, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        call()


def test_closure_days_accept_lists_and_stay_hashable():
    closures = ClosureDays(dates=[date(2026, 12, 24)], annual=[(12, 29), [12, 30]])
    assert closures == ClosureDays(
        dates=frozenset({date(2026, 12, 24)}), annual=frozenset({(12, 29), (12, 30)})
    )
    assert hash(closures) == hash(ClosureDays(dates={date(2026, 12, 24)}, annual={(12, 30), (12, 29)}))
    assert date(2031, 12, 30) in closures
    assert date(2026, 12, 24) in closures
    assert date(2027, 12, 24) not in closures
    assert datetime(2026, 12, 24) not in closures


def test_a_closure_days_label_names_it_where_the_calendar_explains_itself():
    closures = ClosureDays(
        dates=[date(2026, 12, 24)], annual=[(12, 24), (12, 29)],
        labels={date(2026, 12, 24): "Office move", (12, 24): "Christmas Eve"},
    )  # fmt: skip
    assert closures.label_of(date(2026, 12, 24)) == "Office move"  # the one-off's, before the yearly one
    assert closures.label_of(date(2027, 12, 24)) == "Christmas Eve"
    assert closures.label_of((12, 29)) is None
    assert hash(closures) == hash(ClosureDays(dates=[date(2026, 12, 24)], annual=[(12, 29), (12, 24)],
                                              labels=[((12, 24), "Christmas Eve"), (date(2026, 12, 24), "Office move")]))  # fmt: skip
    due = WorkingCalendar("england", closures).explain_working_days(date(2027, 12, 23), 1)
    assert [(s.on, s.reason) for s in due.skipped if s.kind == "closure"] == [
        (date(2027, 12, 24), "council closure: Christmas Eve"),
        (date(2027, 12, 29), "council closure"),
    ]
    with pytest.raises(ValueError, match=re.escape("a label names no closure day: (1, 1)")):
        ClosureDays(annual=[(12, 29)], labels={(1, 1): "New Year"})


def test_leap_day_closure_only_matches_leap_years():
    calendar = WorkingCalendar("england", ClosureDays(annual=frozenset({(2, 29)})))
    assert not calendar.is_working_day(date(2028, 2, 29))
    assert calendar.is_working_day(date(2027, 3, 1))


def test_calendar_for_is_cached_per_nation_and_closures():
    assert calendar_for("england") is calendar_for("england")
    assert calendar_for("england", ClosureDays(annual=[(12, 29)])) is calendar_for(
        "england", ClosureDays(annual=frozenset({(12, 29)}))
    )
    assert calendar_for("england") is not calendar_for("wales")
    assert calendar_for("wales").nation == "wales"
    assert calendar_for("england", XMAS_SHUTDOWN).closures == XMAS_SHUTDOWN
    assert NATIONS == ("england", "wales")


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 5, 3), "3 May 2026"),
        (date(2026, 12, 31), "31 December 2026"),
        (date(2027, 1, 1), "1 January 2027"),
    ],
    ids=["may", "december", "january"],
)
def test_format_date(day, text):
    assert format_date(day) == text


# Property tests. Each checks the fast (per-year table) path against a day-by-day walk.

CALENDARS = [
    ENGLAND,
    WALES,
    WorkingCalendar("england", XMAS_SHUTDOWN),
    WorkingCalendar("wales", ClosureDays(dates=frozenset({date(2026, 5, 5), date(2027, 4, 1)}))),
]
calendars = st.sampled_from(CALENDARS)
starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31))
counts = st.integers(min_value=1, max_value=300)


def count_by_walking(calendar, start, end):
    day, count = start + timedelta(days=1), 0
    while day <= end:
        count += calendar.non_working_reason(day) is None
        day += timedelta(days=1)
    return count


@settings(max_examples=150, deadline=None)
@given(calendars, starts, counts)
def test_due_date_is_the_nth_working_day_after_start(calendar, start, n):
    due_on = calendar.add_working_days(start, n)
    assert due_on > start
    assert calendar.is_working_day(due_on)
    assert count_by_walking(calendar, start, due_on) == n
    assert calendar.working_days_between(start, due_on) == n


@settings(max_examples=150, deadline=None)
@given(calendars, starts, counts)
def test_due_date_strictly_increases_with_n(calendar, start, n):
    assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@settings(max_examples=100, deadline=None)
@given(calendars, starts, st.integers(min_value=1, max_value=60))
def test_explain_skips_exactly_the_non_working_days(calendar, start, n):
    explained = calendar.explain_working_days(start, n)
    assert explained.due_on == calendar.add_working_days(start, n)
    span = (explained.due_on - start).days
    assert len(explained.skipped) == span - n
    walked = [start + timedelta(days=i) for i in range(1, span + 1)]
    assert [day.on for day in explained.skipped] == [d for d in walked if not calendar.is_working_day(d)]


@settings(max_examples=150, deadline=None)
@given(calendars, starts, st.integers(min_value=-400, max_value=400))
def test_working_days_between_matches_a_walk_and_is_antisymmetric(calendar, start, offset):
    end = start + timedelta(days=offset)
    expected = (
        count_by_walking(calendar, start, end) if end >= start else -count_by_walking(calendar, end, start)
    )
    assert calendar.working_days_between(start, end) == expected
    assert calendar.working_days_between(end, start) == -expected


# Issue 13: huge counts are refused with a clear message, and far-off years do not grow the
# shared calendar for good.
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.add_working_days(date(2026, 1, 5), 100_000), "at most 2,600 working days"),
        (lambda c: c.explain_working_days(date(2026, 1, 5), 100_000), "at most 2,600 working days"),
        (lambda c: add_days(date(2026, 1, 5), 100_000), "at most 3,660 days"),
        (lambda c: add_days(date(2026, 1, 5), -100_000), "at most 3,660 days"),
        (lambda c: add_months(date(2026, 1, 5), 10_000), "at most 120 months"),
    ],
    ids=["working-days", "explain", "days", "days-back", "months"],
)
def test_huge_counts_are_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call(WorkingCalendar("england"))


def test_far_off_years_do_not_grow_the_calendar_for_good():
    calendar = WorkingCalendar("england")
    for year in range(2000, 2200):
        calendar.add_working_days(date(year, 3, 2), 1)
    assert len(calendar._years) <= MAX_CACHED_YEARS
    assert calendar.add_working_days(date(2026, 12, 21), 5) == date(2026, 12, 30)
