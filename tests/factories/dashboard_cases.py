"""A fixed set of cases for the managers' dashboard (issue 15), written as the rows a workflow
leaves (deadlines, milestones, tasks, action plan), so each figure can be checked number by
number. Today is the tests' frozen day, Monday 23 November 2026; the period asked for is
1 September to 23 November 2026.

    DER-A  Derby City, open, monitoring. Received Tue 1 Sep.
           acknowledge due 8 Sep done 7 Sep (met, Sep); threshold_decision due 29 Sep done 2 Oct
           (missed, Sep); appeal_window due 10 Dec (a window: never counted).
           acknowledged 7 Sep (4 working days), threshold_met 2 Oct (23).
           Actions: 1 open due 1 Nov (overdue), 2 done 10 Oct due 15 Oct (on time), 3 closed 2 Nov.
           An open police task due 20 Nov (overdue).
    DER-B  Derby City, open, threshold. Received Mon 5 Oct.
           acknowledge due 12 Oct not done (missed, Oct); threshold_decision due 1 Dec (pending).
           An officer's task due 12 Oct (overdue), a manager's due 30 Nov (not yet).
    DER-C  Derby City, closed. Received Mon 3 Aug.
           acknowledge due 10 Aug done 5 Aug (before the period); threshold_decision due 14 Sep
           done 10 Sep (met, Sep). acknowledged 5 Aug (before the period), threshold_not_met
           10 Sep (27: 31 August is a bank holiday), closed 20 Oct (55).
           Action 1 done 20 Sep, due 1 Sep (late). A cancelled task due in August (not counted).
    DER-F  Derby City, open, threshold. Received Mon 2 Nov.
           acknowledge due 9 Nov done 9 Nov (met, Nov). acknowledged 9 Nov (5).
    AMB-D  Amber Valley (Derbyshire too), open, review. Received Thu 1 Oct.
           acknowledge due 8 Oct done 8 Oct (met, Oct). acknowledged 8 Oct (5).
           An open housing provider's task due 1 Nov (overdue).
    EHT-E  East Herts (Hertfordshire), open, acknowledgement. Received Mon 5 Oct.
           acknowledge due 12 Oct not done (missed). An officer's task due 12 Oct (overdue).
           Never in Derby City's or Derbyshire's figures.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.extensions import db
from app.models import Case, CaseTask, Deadline, Milestone
from app.store import processes as process_store

PERIOD = {"from": "2026-09-01", "to": "2026-11-23"}
AT = datetime(2026, 11, 23, 10, tzinfo=UTC)
LABELS = {"acknowledge": "Acknowledge the application", "threshold_decision": "Decide on the threshold",
          "appeal_window": "Appeal window"}  # fmt: skip


def _action(number: int, due_on: str, status: str = "open", done_on: str | None = None) -> dict:
    return {"id": number, "description": f"Action {number}", "owner_agency": "police", "due_on": due_on,
            "agreed_with_victim": True, "status": status, "done_on": done_on, "note": "", "updates": []}  # fmt: skip


def _case(council: str, reference: str, received_on: str, stage: str, *, closed: bool = False,
          deadlines=(), milestones=(), tasks=(), plan=None) -> Case:  # fmt: skip
    version = process_store.active_version_for(council)
    case = Case(
        council_id=council, reference=reference, process_version_id=version.id,
        status="closed" if closed else "open", stage=stage, received_on=date.fromisoformat(received_on),
        application={"victims": [{"name": f"Victim of {reference}"}]}, workflow="", action_plan=plan,
        created_at=AT, updated_at=AT,
    )  # fmt: skip
    db.session.add(case)
    db.session.flush()
    for key, due_on, done_on in deadlines:
        db.session.add(Deadline(case_id=case.id, key=key, label=LABELS[key], due_on=date.fromisoformat(due_on),
                                done_on=date.fromisoformat(done_on) if done_on else None))  # fmt: skip
    for key, on in (("received", received_on), *milestones):
        db.session.add(Milestone(case_id=case.id, council_id=council, key=key, on=date.fromisoformat(on), at=AT,
                                 element=key))  # fmt: skip
    for number, (role, agency, due_on, status) in enumerate(tasks):
        db.session.add(CaseTask(case_id=case.id, council_id=council, spiff_id=f"{reference}-{number}",
                                element="task", form_key="form", name="A task", role=role, agency=agency,
                                stage=stage, status=status, due_on=date.fromisoformat(due_on), created_at=AT))  # fmt: skip
    return case


def make_dashboard_cases() -> dict[str, int]:
    """The cases above; reference -> id. Needs the shipped diagrams loaded (``processes``)."""
    cases = [
        _case("derby-city", "DER-A", "2026-09-01", "monitoring",
              deadlines=[("acknowledge", "2026-09-08", "2026-09-07"),
                         ("threshold_decision", "2026-09-29", "2026-10-02"),
                         ("appeal_window", "2026-12-10", None)],
              milestones=[("acknowledged", "2026-09-07"), ("threshold_met", "2026-10-02")],
              tasks=[("partner_agency", "police", "2026-11-20", "open")],
              plan=[_action(1, "2026-11-01"), _action(2, "2026-10-15", "done", "2026-10-10"),
                    _action(3, "2026-12-01", "closed", "2026-11-02")]),
        _case("derby-city", "DER-B", "2026-10-05", "threshold",
              deadlines=[("acknowledge", "2026-10-12", None), ("threshold_decision", "2026-12-01", None)],
              tasks=[("community_safety_officer", None, "2026-10-12", "open"),
                     ("community_safety_manager", None, "2026-11-30", "open")]),
        _case("derby-city", "DER-C", "2026-08-03", "closed", closed=True,
              deadlines=[("acknowledge", "2026-08-10", "2026-08-05"),
                         ("threshold_decision", "2026-09-14", "2026-09-10")],
              milestones=[("acknowledged", "2026-08-05"), ("threshold_not_met", "2026-09-10"),
                          ("closed", "2026-10-20")],
              tasks=[("community_safety_officer", None, "2026-08-10", "cancelled")],
              plan=[_action(1, "2026-09-01", "done", "2026-09-20")]),
        _case("derby-city", "DER-F", "2026-11-02", "threshold",
              deadlines=[("acknowledge", "2026-11-09", "2026-11-09")],
              milestones=[("acknowledged", "2026-11-09")]),
        _case("amber-valley", "AMB-D", "2026-10-01", "review",
              deadlines=[("acknowledge", "2026-10-08", "2026-10-08")],
              milestones=[("acknowledged", "2026-10-08")],
              tasks=[("partner_agency", "housing_provider", "2026-11-01", "open")]),
        _case("east-herts", "EHT-E", "2026-10-05", "acknowledgement",
              deadlines=[("acknowledge", "2026-10-12", None)],
              tasks=[("community_safety_officer", None, "2026-10-12", "open")]),
    ]  # fmt: skip
    db.session.commit()
    return {case.reference: case.id for case in cases}
