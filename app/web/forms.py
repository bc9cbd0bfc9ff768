"""What every form page hands its template about the problems found (GOV.UK error summary and
each field's message)."""

from __future__ import annotations


def form_errors(errors: dict[str, str]) -> dict:
    """``errors`` maps a field's id to its message; the summary links to each field."""
    return {
        "errors": errors,
        "error_list": [{"text": message, "href": f"#{name}"} for name, message in errors.items()],
        "field_errors": {name: {"text": message} for name, message in errors.items()},
    }
