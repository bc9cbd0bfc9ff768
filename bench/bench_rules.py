"""Timings of the domain rules: ``.venv/bin/python bench/bench_rules.py``.

Each figure is microseconds per call, the best of several repeats (timeit). "cold" clears
every calendar cache (bank holidays, month arithmetic, calendars) before each call, as in
a new process or the first deadline in a year; "warm" reuses the cached holidays, month
arithmetic and working-day tables, as a running server does.
"""

import sys
import timeit
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.domain import calendar as calendar_module  # noqa: E402
from app.domain.calendar import ClosureDays, calendar_for  # noqa: E402
from app.domain.threshold import (  # noqa: E402
    Discretionary,
    Incident,
    Report,
    ThresholdPolicy,
    evaluate_confirmed_records,
    evaluate_threshold,
)

REPEATS = 5
RECEIVED = date(2026, 11, 2)
CLOSURES = ClosureDays(annual=frozenset({(12, 29), (12, 30), (12, 31)}))
START = date(2026, 12, 21)


def best_us(statement, number: int, setup=None) -> float:
    """Best of REPEATS, in microseconds per call."""
    if setup is None:
        times = timeit.repeat(statement, number=number, repeat=REPEATS)
        return min(times) / number * 1e6
    # Cold runs: the setup has to run before every single call, so time calls one at a time.
    best = float("inf")
    for _ in range(REPEATS):
        total = 0.0
        for _ in range(number):
            setup()
            total += timeit.timeit(statement, number=1)
        best = min(best, total / number)
    return best * 1e6


def clear_calendar_caches() -> None:
    calendar_module._bank_holidays.cache_clear()
    calendar_module._shift_months.cache_clear()
    calendar_module.calendar_for.cache_clear()


def make_incidents(count: int, reports_each: int) -> list[Incident]:
    agencies = ("council", "police", "housing_provider", "icb", "youth_offending")
    methods = ("email", "phone", "diary_sheet", "online", "onsite_discussion")
    incidents = []
    for i in range(count):
        occurred_on = date.fromordinal(RECEIVED.toordinal() - 5 - (i * 211) % 250)
        reports = tuple(
            Report(
                agency=agencies[(i + j) % len(agencies)],
                reported_on=date.fromordinal(occurred_on.toordinal() + (i * 7 + j * 13) % 45),
                method=methods[(i + 2 * j) % len(methods)],
                reporter=f"Reporter {(i * 3 + j) % 11}",
                confirmed=(None, True, True, False)[(i + j) % 4],
            )
            for j in range(reports_each)
        )
        incidents.append(
            Incident(id=f"i{i}", occurred_on=occurred_on, reports=reports, hate_motivated=i % 7 == 0)
        )
    return incidents


def bench_threshold() -> None:
    print("evaluate_threshold (µs per call)")
    # Every switch on, East Herts' 30 days (the Act's month checked too) and a three-body list.
    community = ThresholdPolicy(
        community_min_reporters=5,
        hate_incident_route=True,
        separate_occasions=True,
        onsite_police_only=True,
        report_within={"days": 30},
        eligible_agencies={"council", "police", "housing_provider"},
    )
    activation = Discretionary("Jane Smith", "community_safety_manager", "the victim is vulnerable")
    for count, reports_each in ((3, 1), (10, 3), (50, 3), (200, 3), (500, 3)):
        incidents = make_incidents(count, reports_each)
        number = max(10, 2000 // count)
        plain = best_us(lambda incidents=incidents: evaluate_threshold(RECEIVED, incidents), number=number)
        rich = best_us(
            lambda incidents=incidents: evaluate_threshold(RECEIVED, incidents, community, activation),
            number=200,
        )
        confirmed = best_us(
            lambda incidents=incidents: evaluate_confirmed_records(RECEIVED, incidents), number=number
        )
        cold = best_us(
            lambda incidents=incidents: evaluate_threshold(RECEIVED, incidents),
            number=min(number, 20),
            setup=clear_calendar_caches,
        )
        print(
            f"  {count:>4} incidents x {reports_each} reports: warm {plain:8.1f}   cold {cold:8.1f}"
            f"   (every switch + discretionary, warm: {rich:8.1f}; on confirmed records, warm: {confirmed:8.1f})"
        )


def bench_calendar() -> None:
    print("calendar (µs per call; england with 29-31 Dec closed, from 21 Dec 2026)")
    for n in (5, 40, 250):
        for name in ("add_working_days", "explain_working_days"):

            def call(name=name, n=n):
                getattr(calendar_for("england", CLOSURES), name)(START, n)

            cold = best_us(call, number=20, setup=clear_calendar_caches)
            call()
            warm = best_us(call, number=2000)
            print(f"  {name:<21} n={n:<4} cold {cold:9.1f}   warm {warm:7.2f}")
    calendar = calendar_for("england", CLOSURES)
    calendar.add_working_days(START, 250)
    for name, call in (
        ("is_working_day", lambda: calendar.is_working_day(START)),
        ("working_days_between 1y", lambda: calendar.working_days_between(START, date(2027, 12, 21))),
        ("calendar_for (cached)", lambda: calendar_for("england", CLOSURES)),
    ):
        print(f"  {name:<28} warm {best_us(call, number=20000):7.2f}")


if __name__ == "__main__":
    bench_threshold()
    bench_calendar()
