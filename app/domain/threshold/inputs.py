"""What an application gives the threshold: incidents, their reports to agencies, and any
discretionary activation by a senior officer."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.calendar import check_date
from app.domain.threshold.policy import AGENCIES, DEFAULT_POLICY, METHODS, SENIOR_ROLES, ThresholdPolicy


@dataclass(frozen=True)
class Report:
    """One report of an incident to an agency. ``confirmed`` is None until the agency has checked
    its records, False when it has no record of it (``not_confirmed`` may say why)."""

    agency: str
    reported_on: date
    method: str
    reporter: str = ""
    reference: str = ""
    confirmed: bool | None = None
    not_confirmed: str = ""

    def __post_init__(self) -> None:
        if self.agency not in AGENCIES:
            raise ValueError(f"unknown agency {self.agency!r}; expected one of {list(AGENCIES)}")
        if self.method not in METHODS:
            raise ValueError(f"unknown method {self.method!r}; expected one of {list(METHODS)}")
        check_date(self.reported_on, "reported_on")
        _check_text(self.reporter, "reporter")
        _check_text(self.reference, "reference")
        if self.confirmed is not None and not isinstance(self.confirmed, bool):
            raise ValueError(f"confirmed must be true, false or null, got {self.confirmed!r}")
        _check_text(self.not_confirmed, "not_confirmed")


@dataclass(frozen=True)
class Incident:
    """One incident of anti-social behaviour and its reports. ``id`` is unique in an application."""

    id: str
    occurred_on: date
    reports: tuple[Report, ...] = ()
    description: str = ""
    hate_motivated: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id.strip():
            raise ValueError(f"an incident needs a non-blank id, got {self.id!r}")
        check_date(self.occurred_on, "occurred_on")
        if isinstance(self.reports, str | Report) or not isinstance(self.reports, Iterable):
            raise ValueError(f"incident {self.id}: reports must be a sequence of Report")
        reports = tuple(self.reports)
        if not all(isinstance(report, Report) for report in reports):
            raise ValueError(f"incident {self.id}: reports must be a sequence of Report")
        object.__setattr__(self, "reports", reports)
        _check_text(self.description, "description")
        if not isinstance(self.hate_motivated, bool):
            raise ValueError(f"hate_motivated must be true or false, got {self.hate_motivated!r}")


def incidents_from_data(items: Iterable[Mapping[str, Any]]) -> tuple[Incident, ...]:
    """Incidents as the application and the case data hold them (dates as ``date`` or ISO text)."""
    return tuple(
        Incident(
            id=str(item["id"]),
            occurred_on=_as_date(item["occurred_on"]),
            description=item.get("description") or "",
            hate_motivated=bool(item.get("hate_motivated", False)),
            reports=tuple(
                Report(
                    agency=r["agency"],
                    reported_on=_as_date(r["reported_on"]),
                    method=r["method"],
                    reporter=r.get("reporter") or "",
                    reference=r.get("reference") or "",
                    confirmed=r.get("confirmed"),
                    not_confirmed=r.get("not_confirmed") or "",
                )
                for r in item.get("reports") or ()
            ),
        )
        for item in items
    )


def _as_date(value: object) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else check_date(value)


@dataclass(frozen=True)
class Discretionary:
    """A senior officer's activation of a review for a vulnerable victim. ``role`` is a slug of SENIOR_ROLES."""

    by: str
    role: str
    reason: str

    def __post_init__(self) -> None:
        for name in ("by", "role", "reason"):
            _check_text(getattr(self, name), name)

    def is_blank(self) -> bool:
        return not (self.by.strip() or self.role.strip() or self.reason.strip())

    def to_dict(self) -> dict:
        return {"by": self.by, "role": self.role, "reason": self.reason}


def _check_text(value: object, name: str) -> None:
    if not isinstance(value, str):
        raise ValueError(f"{name} must be text, got {value!r}")


def normalise_reporter(name: str) -> str:
    """The key under which reporters are counted once: case-folded, whitespace collapsed."""
    return " ".join(name.split()).casefold()


def normalise_role(role: str) -> str:
    """``"Police Inspector"`` or ``"police-inspector"`` -> ``"police_inspector"``."""
    return "_".join(role.replace("-", " ").split()).casefold()


def role_label(role: str) -> str:
    """The label of a SENIOR_ROLES slug; any other role as written, underscores as spaces."""
    return SENIOR_ROLES.get(normalise_role(role), role.strip().replace("_", " "))


def discretionary_refusal(activation: Discretionary, policy: ThresholdPolicy = DEFAULT_POLICY) -> str | None:
    """Why ``activation`` cannot activate a review under ``policy`` (the first problem), or None."""
    if not policy.discretionary_activation:
        return "this council's policy does not allow discretionary activation"
    if not activation.by.strip():
        return "it does not say who made it"
    if not activation.role.strip():
        return "it does not give the officer's role"
    if normalise_role(activation.role) not in policy.discretionary_roles:
        return f"the role of {role_label(activation.role)} is not senior enough to activate a review"
    if not activation.reason.strip():
        return "it gives no reason"
    return None
