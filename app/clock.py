"""The one clock of the app.

Everything that asks "what time is it?" (token expiry, sign-in throttling, "today" for a
received date, later the timer sweep and SpiffWorkflow's timers) asks the clock bound to the
app. ``CTFLOW_NOW`` freezes it for tests and demonstrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app

# Council dates (received on, due on) are dates in England and Wales.
LOCAL_TIMEZONE = ZoneInfo("Europe/London")


def parse_instant(text: str) -> datetime:
    """An ISO 8601 timestamp as an aware UTC datetime; a naive one is taken as UTC."""
    try:
        value = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise ValueError(f"not an ISO 8601 timestamp: {text!r}") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


@dataclass
class Clock:
    """System time, or a frozen instant when ``frozen_at`` is set."""

    frozen_at: datetime | None = None

    def now(self) -> datetime:
        return self.frozen_at if self.frozen_at is not None else datetime.now(UTC)

    def today(self) -> date:
        """Today's date in England and Wales (not UTC: 00:30 BST is already tomorrow)."""
        return self.now().astimezone(LOCAL_TIMEZONE).date()

    def freeze(self, instant: datetime | str) -> None:
        self.frozen_at = parse_instant(instant) if isinstance(instant, str) else instant.astimezone(UTC)


def clock() -> Clock:
    return current_app.extensions["ctflow.clock"]


def now() -> datetime:
    return clock().now()


def today() -> date:
    return clock().today()
