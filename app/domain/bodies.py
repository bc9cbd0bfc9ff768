"""The relevant bodies' check of their own records (s.104(3)(b); LIFECYCLE.md "Passed on to every
relevant body"): who is asked, what each is shown, and what their answers do to the reports.

An application made to the point of contact must be "passed on to all the relevant bodies"
(s.104(3)(b)); before the threshold decision, which is the bodies' and not one officer's
(s.104(1)), each checks its own records of the complaints the application lists. Their answers
set each report's ``confirmed`` (true: the body holds a record of it; false: it has none, with
``not_confirmed`` saying why), and the binding evaluation counts only confirmed reports.

Reports are named by their incident's id and their 1-based position among the incident's
reports, ``"<incident id>/<n>"`` (incident ids are unique in an application; the position is
digits, so splitting at the last ``/`` is unambiguous).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping
from typing import Any

from app.domain.eligibility import agencies_required

# The council (the point of contact) and the police always check, whoever the complaints were
# made to: both are relevant bodies in every area (s.105; LIFECYCLE.md "Passed on to every
# relevant body"), and either may hold complaints the applicant did not list.
ALWAYS_ASKED = ("council", "police")
# The council's own check is worked by its community safety officers: no partner user holds the
# council's records (partner users' agencies are the other bodies, app/models/user.py).
WORKED_BY_ROLE = {"council": "community_safety_officer"}


def bodies_to_ask(incidents: Iterable[Mapping[str, Any]], under_18_involved: bool = False) -> list[str]:
    """The bodies whose records are checked: the council and the police, then every other agency
    a report names (in the order the application first names them), then the youth offending
    service when a person under 18 is involved. Each once."""
    asked = list(ALWAYS_ASKED)
    for incident in incidents:
        for report in incident.get("reports") or []:
            agency = report.get("agency")
            if agency and agency not in asked:
                asked.append(agency)
    # The one rule for who must be asked when a person under 18 is involved (Derby City's notes).
    for agency in agencies_required(under_18_involved=under_18_involved):
        if agency not in asked:
            asked.append(agency)
    return asked


def report_key(incident_id: str, position: int) -> str:
    return f"{incident_id}/{position}"


def _incident_id(incident: Mapping[str, Any], index: int) -> str:
    # As the application schema fills it in: the client's id, else the 1-based position.
    return str(incident.get("id") or index + 1)


def reports_of(incidents: Iterable[Mapping[str, Any]], agency: str) -> list[dict[str, Any]]:
    """The reports made to ``agency``, as its records check lists them: what it needs to find
    each one (incident date, report date, method, its reference), nothing about other agencies'
    reports, what happened or who reported it."""
    found = []
    for index, incident in enumerate(incidents):
        ident = _incident_id(incident, index)
        for position, report in enumerate(incident.get("reports") or [], start=1):
            if report.get("agency") != agency:
                continue
            found.append(
                {
                    "report": report_key(ident, position),
                    "incident": ident,
                    "occurred_on": incident.get("occurred_on"),
                    "reported_on": report.get("reported_on"),
                    "method": report.get("method"),
                    "reference": report.get("reference") or "",
                }
            )
    return found


def answer_problems(
    incidents: Iterable[Mapping[str, Any]], agency: str, answers: Iterable[Mapping[str, Any]]
) -> dict[str, list[str]]:
    """Why a body's answers do not fit its reports (empty when they do): each of its reports
    answered exactly once, and no report that is not its own."""
    own = [r["report"] for r in reports_of(incidents, agency)]
    given = [str(a.get("report")) for a in answers]
    problems = []
    foreign = [key for key in given if key not in own]
    if foreign:
        problems.append(
            f"Not a report made to your agency: {', '.join(foreign)}. Yours: {', '.join(own) or 'none'}."
        )
    repeated = sorted({key for key in given if given.count(key) > 1})
    if repeated:
        problems.append(f"Answer each report once; answered more than once: {', '.join(repeated)}.")
    missing = [key for key in own if key not in given]
    if missing:
        problems.append(f"Answer every report made to your agency; not answered: {', '.join(missing)}.")
    return {"reports": problems} if problems else {}


def with_answers(
    incidents: Iterable[Mapping[str, Any]], checks: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """The incidents with each checked report's ``confirmed`` (and ``not_confirmed``) set from the
    answering body's answer. Only a body's answers about its own reports count; a report no body
    answered keeps what it had (null: unconfirmed)."""
    result = copy.deepcopy([dict(incident) for incident in incidents])
    by_key = {}
    for check in checks:
        for answer in check.get("reports") or []:
            by_key[(check.get("agency"), str(answer.get("report")))] = answer
    for index, incident in enumerate(result):
        ident = _incident_id(incident, index)
        for position, report in enumerate(incident.get("reports") or [], start=1):
            answer = by_key.get((report.get("agency"), report_key(ident, position)))
            if answer is None:
                continue
            report["confirmed"] = bool(answer.get("confirmed"))
            if report["confirmed"]:
                report.pop("not_confirmed", None)
            else:
                report["not_confirmed"] = answer.get("not_confirmed") or ""
    return result


def checks_summary(checks: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """What each body answered, in the order they were asked: for the threshold task and the case."""
    return [
        {
            "agency": check.get("agency"),
            "checked_on": check.get("checked_on"),
            "reports": [
                {
                    "report": str(answer.get("report")),
                    "confirmed": bool(answer.get("confirmed")),
                    **(
                        {}
                        if answer.get("confirmed")
                        else {"not_confirmed": answer.get("not_confirmed") or ""}
                    ),
                }
                for answer in check.get("reports") or []
            ],
            "notes": check.get("notes") or "",
        }
        for check in checks
        if isinstance(check, Mapping)
    ]


# The agencies whose people sign in as partners (app/models/user.py PartnerAgency). An action of
# the plan may be owned by a body with no partner accounts here (a mental health service, probation,
# victim support: the panel's agencies, forms/choices.py): the council's officers record its
# progress for it, as they work the council's own tasks.
PARTNER_USER_AGENCIES = frozenset({"police", "housing_provider", "icb", "youth_offending", "other"})


def worker_role(lane_role: str, agency: str | None) -> str:
    """Who works one body's task: the lane's role, except the council's own (its officers) and
    a body with no partner users, whose task the council's officers work for it."""
    if lane_role == "partner_agency" and agency in WORKED_BY_ROLE:
        return WORKED_BY_ROLE[agency]
    if lane_role == "partner_agency" and agency is not None and agency not in PARTNER_USER_AGENCIES:
        return WORKED_BY_ROLE["council"]
    return lane_role
