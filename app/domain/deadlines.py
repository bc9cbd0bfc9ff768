"""Whether a statutory step met its deadline (RULES.md §1, "within N working days of X")."""

from __future__ import annotations

from datetime import date

PENDING, MET, MISSED = "pending", "met", "missed"


def deadline_status(due_on: date, done_on: date | None, today: date) -> str:
    """Met when the step happened on or before the due date; missed when it happened later, or
    has not happened by the end of the due date; otherwise pending."""
    if done_on is not None:
        return MET if done_on <= due_on else MISSED
    return MISSED if today > due_on else PENDING


# A window is the applicant's time to act (appeal, ask for a review), not a limit on the council.
LODGED, CLOSED = "lodged", "closed"


def is_window(key: str) -> bool:
    return key.endswith("_window")


def received_in_window(received_on: date, last_day: date) -> bool:
    """A challenge (an appeal, a request to review a refusal or an ineligible decision) is in time
    when it was *received* on or before the window's last day, whenever it is entered: LIFECYCLE.md
    "A challenge is judged by when it was received"."""
    return received_on <= last_day


def status_for_people(key: str, due_on: date, done_on: date | None, today: date) -> str:
    """``deadline_status`` as the pages word it: a window that passed with nothing lodged has
    closed (no one missed anything), and one used in time was lodged. The API keeps
    met/missed/pending (spec/API.md)."""
    status = deadline_status(due_on, done_on, today)
    if not is_window(key) or status == PENDING:
        return status
    if done_on is None:
        return CLOSED
    return LODGED if status == MET else status
