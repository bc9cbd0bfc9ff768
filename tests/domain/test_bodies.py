"""The relevant bodies' records check (app/domain/bodies.py), rule by rule."""

from __future__ import annotations

import pytest

from app.domain import bodies


def incident(ident, *agencies, occurred_on="2026-09-01", **extra):
    reports = [
        {
            "agency": agency,
            "reported_on": "2026-09-02",
            "method": "phone",
            "reporter": "Alex",
            "reference": ref,
        }
        for agency, ref in agencies
    ]
    return {"id": ident, "occurred_on": occurred_on, "description": "Shouting", "reports": reports, **extra}


@pytest.mark.parametrize(
    ("incidents", "under_18", "asked"),
    [
        # s.104(3)(b): the council and the police always, even when no report names them.
        ([], False, ["council", "police"]),
        ([incident("a", ("housing_provider", ""))], False, ["council", "police", "housing_provider"]),
        # Each agency once, in the order the application first names it.
        ([incident("a", ("icb", ""), ("police", "")), incident("b", ("icb", ""), ("other", ""))], False,
         ["council", "police", "icb", "other"]),
        # Derby City's notes: a person under 18 involved brings in the youth offending service.
        ([incident("a", ("police", ""))], True, ["council", "police", "youth_offending"]),
        ([incident("a", ("youth_offending", ""))], True, ["council", "police", "youth_offending"]),
    ],
)  # fmt: skip
def test_who_is_asked(incidents, under_18, asked):
    assert bodies.bodies_to_ask(incidents, under_18) == asked


def test_a_body_is_shown_only_its_own_reports_with_what_finds_them():
    incidents = [
        incident("a", ("police", "CAD 1"), ("council", "")),
        incident("b", ("council", "ASB-7"), occurred_on="2026-10-10"),
        {"occurred_on": "2026-11-01", "reports": [{"agency": "police", "reported_on": "2026-11-02",
                                                  "method": "email"}]},  # no id: its position
    ]  # fmt: skip
    assert bodies.reports_of(incidents, "police") == [
        {"report": "a/1", "incident": "a", "occurred_on": "2026-09-01", "reported_on": "2026-09-02",
         "method": "phone", "reference": "CAD 1"},
        {"report": "3/1", "incident": "3", "occurred_on": "2026-11-01", "reported_on": "2026-11-02",
         "method": "email", "reference": ""},
    ]  # fmt: skip
    assert [r["report"] for r in bodies.reports_of(incidents, "council")] == ["a/2", "b/1"]
    assert bodies.reports_of(incidents, "icb") == []


@pytest.mark.parametrize(
    ("answers", "problem"),
    [
        ([{"report": "a/2"}, {"report": "b/1"}], None),
        ([{"report": "a/2"}], "not answered: b/1"),
        ([{"report": "a/2"}, {"report": "b/1"}, {"report": "a/1"}], "Not a report made to your agency: a/1"),
        ([{"report": "a/2"}, {"report": "b/1"}, {"report": "b/1"}], "answered more than once: b/1"),
    ],
)
def test_a_body_answers_each_of_its_reports_once_and_no_other(answers, problem):
    incidents = [incident("a", ("police", ""), ("council", "")), incident("b", ("council", ""))]
    problems = bodies.answer_problems(incidents, "council", answers)
    if problem is None:
        assert problems == {}
    else:
        assert any(problem in message for message in problems["reports"]), problems


def test_answers_set_confirmed_only_on_the_answering_bodys_own_reports():
    incidents = [incident("a", ("police", ""), ("council", "")), incident("b", ("council", ""))]
    checks = [
        {"agency": "council", "reports": [{"report": "a/2", "confirmed": True},
                                          {"report": "b/1", "confirmed": False, "not_confirmed": "No record."}]},
        # The police answering about the council's report changes nothing.
        {"agency": "police", "reports": [{"report": "b/1", "confirmed": True}]},
    ]  # fmt: skip
    result = bodies.with_answers(incidents, checks)
    police, council = result[0]["reports"]
    assert "confirmed" not in police  # unanswered: still unconfirmed
    assert (council["confirmed"], "not_confirmed" in council) == (True, False)
    assert (result[1]["reports"][0]["confirmed"], result[1]["reports"][0]["not_confirmed"]) == (
        False,
        "No record.",
    )
    assert "confirmed" not in incidents[1]["reports"][0]  # the input is left as it was


@pytest.mark.parametrize(
    ("lane", "agency", "role"),
    [
        ("partner_agency", "council", "community_safety_officer"),
        ("partner_agency", "police", "partner_agency"),
        ("partner_agency", None, "partner_agency"),
        ("community_safety_officer", None, "community_safety_officer"),
    ],
)
def test_the_councils_own_check_is_its_officers(lane, agency, role):
    assert bodies.worker_role(lane, agency) == role
