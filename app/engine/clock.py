"""SpiffWorkflow reads the time in exactly one place (its timer module's ``datetime``); we point
that at the app's clock, so a frozen ``CTFLOW_NOW`` or ``ctflow timers --now`` is what the
workflow sees too."""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import UTC, datetime

import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer

_now: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("ctflow_spiff_now", default=None)


class _ClockDatetime(datetime):
    @classmethod
    def now(cls, tz=None):
        instant = _now.get()
        if instant is None:
            return datetime.now(tz)
        return instant.astimezone(tz) if tz else instant.astimezone().replace(tzinfo=None)


def install() -> None:
    spiff_timer.datetime = _ClockDatetime


@contextlib.contextmanager
def workflow_time(instant: datetime) -> Iterator[None]:
    """Run a block of workflow code as if it were ``instant``."""
    install()
    token = _now.set(instant.astimezone(UTC))
    try:
        yield
    finally:
        _now.reset(token)
