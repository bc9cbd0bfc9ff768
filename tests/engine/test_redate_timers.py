"""Waiting timers worked out again on a new calendar (a closure added): one set for a date follows
the due date it is written from; a duration keeps the time it began counting from. (Loading a
diagram refuses a duration, so none is stored today; the engine would still keep its time.)"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.domain.calendar import ClosureDays, calendar_for
from app.engine.runtime import CaseRun, next_timer_at
from app.engine.specs import DiagramInvalid, parse_process
from tests.engine.diagrams import diagram


def _boundary(element: str, timer: str) -> str:
    return f"""
    <bpmn:boundaryEvent id="{element}" cancelActivity="false" attachedToRef="ack">
      <bpmn:timerEventDefinition>{timer}</bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="{element}_end"/>
    <bpmn:sequenceFlow id="{element}_flow" sourceRef="{element}" targetRef="{element}_end"/>"""


TIMERS = _boundary(
    "overdue", '<bpmn:timeDate xsi:type="bpmn:tFormalExpression">end_of_day(due_on)</bpmn:timeDate>'
) + _boundary("chase", '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P10D"</bpmn:timeDuration>')


def _timers(workflow) -> dict[str, str]:
    return {
        t.task_spec.bpmn_id: t.internal_data["event_value"] for t in workflow.event_manager.tasks.values()
    }


def _parsed_with_a_duration():
    try:
        parse_process(diagram(extra=TIMERS).encode())
    except DiagramInvalid as refused:
        assert [p.element for p in refused.problems] == ["chase"]  # the duration, and nothing else
        return refused.parsed
    raise AssertionError("a duration timer was accepted")


def test_a_dated_timer_follows_the_new_calendar_and_a_duration_keeps_its_time():
    parsed = _parsed_with_a_duration()
    monday = datetime(2026, 12, 14, 9, tzinfo=UTC)
    run = CaseRun(parsed, calendar_for("england"), monday, monday.date(), {})
    stored = run.dump(run.start({"received_on": "2026-12-14"}))
    assert _timers(run.load(stored)) == {
        "overdue": "2026-12-22T00:00:00+00:00",  # the end of 21 December, five working days on
        "chase": "2026-12-24T09:00:00+00:00",
    }

    wednesday = datetime(2026, 12, 16, 9, tzinfo=UTC)
    closed = calendar_for("england", ClosureDays(dates={date(2026, 12, 17)}))
    later = CaseRun(parsed, closed, wednesday, wednesday.date(), {})
    workflow = later.load(stored)
    later.redate_timers(workflow)
    assert _timers(workflow) == {"overdue": "2026-12-23T00:00:00+00:00", "chase": "2026-12-24T09:00:00+00:00"}
    assert next_timer_at(workflow) == datetime(2026, 12, 23, tzinfo=UTC)
    assert later.snapshot(workflow).open_tasks[0].due_on == date(2026, 12, 22)
