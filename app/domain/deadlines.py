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
