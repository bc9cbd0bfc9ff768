"""The inbox and task lookups. Reads rows only; never deserializes a workflow."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Select, and_, case, func, or_, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Case, CaseTask, Membership, TaskStatus, User
from app.store import cases as case_store


def get_task_in(task_id: int, council_ids: Iterable[str], *, whole_case: bool = False) -> CaseTask | None:
    """The task, if of one of the councils; ``whole_case`` loads its case whole with it, all
    that completing it reads, in one query (app/store/cases.py)."""
    if not whole_case:
        return db.session.scalar(
            select(CaseTask).where(CaseTask.id == task_id, CaseTask.council_id.in_(list(council_ids)))
        )
    case = case_store.get_case_of_task(task_id, council_ids)
    return next((task for task in case.tasks if task.id == task_id), None) if case is not None else None


def inbox_query(
    *,
    roles_by_council: dict[str, set[str]],
    user_id: int,
    agency: str | None,
    scope: str,
    overdue_on: date | None,
    today: date,
    stage: str | None = None,
    claimed: bool | None = None,
    due_by: date | None = None,
    assignee_id: int | None = None,
    escalated_to: dict[str, tuple[set[str], str | None]] | None = None,
) -> Select:
    """Open tasks the user may see, overdue first then by due date.

    ``roles_by_council`` holds, per council, the task roles whose tasks the user works. A partner
    sees only tasks addressed to its agency (or to no agency in particular). ``escalated_to``
    keeps, per council, the tasks escalated to one of the roles given or naming the agency given.
    """
    visible = []
    for council_id, roles in roles_by_council.items():
        visible.append(and_(CaseTask.council_id == council_id, CaseTask.role.in_(sorted(roles))))
    if not visible:
        return select(CaseTask).where(False)
    query = select(CaseTask).where(CaseTask.status == TaskStatus.OPEN, or_(*visible))
    if agency is not None:
        query = query.where(or_(CaseTask.agency.is_(None), CaseTask.agency == agency))
    if scope == "mine":
        query = query.where(or_(CaseTask.assignee_id == user_id, CaseTask.assignee_id.is_(None)))
    if overdue_on is not None:
        query = query.where(CaseTask.due_on < overdue_on)
    if due_by is not None:
        query = query.where(CaseTask.due_on <= due_by)
    if stage is not None:
        query = query.where(CaseTask.stage == stage)
    if assignee_id is not None:
        query = query.where(CaseTask.assignee_id == assignee_id)
    if escalated_to is not None:
        reached = [
            and_(
                CaseTask.council_id == council_id,
                or_(CaseTask.escalated_to.in_(sorted(roles)), CaseTask.escalated_agency == agency)
                if agency is not None
                else CaseTask.escalated_to.in_(sorted(roles)),
            )
            for council_id, (roles, agency) in escalated_to.items()
        ]
        query = query.where(CaseTask.escalated_at.is_not(None), or_(*reached) if reached else False)
    if claimed is True:
        query = query.where(CaseTask.assignee_id == user_id)
    elif claimed is False:
        query = query.where(CaseTask.assignee_id.is_(None))
    # Overdue first, then soonest due; tasks with no due date last. Of the case only its reference.
    # (selectin, not a join: joining before LIMIT would fetch the case of every matching task.)
    query = query.options(
        selectinload(CaseTask.case).load_only(Case.id, Case.reference), selectinload(CaseTask.assignee)
    )
    return query.order_by(CaseTask.due_on.asc().nulls_last(), CaseTask.id.asc())


def claim(task_id: int, user_id: int) -> bool:
    """Assign an open task to the user unless someone else holds it; one UPDATE, so two racing
    claims cannot both win."""
    result = db.session.execute(
        update(CaseTask)
        .where(
            CaseTask.id == task_id,
            CaseTask.status == TaskStatus.OPEN,
            or_(CaseTask.assignee_id.is_(None), CaseTask.assignee_id == user_id),
        )
        .values(assignee_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def unclaim(task_id: int, user_id: int, *, force: bool) -> bool:
    condition = [CaseTask.id == task_id, CaseTask.status == TaskStatus.OPEN]
    if not force:
        condition.append(or_(CaseTask.assignee_id.is_(None), CaseTask.assignee_id == user_id))
    result = db.session.execute(
        update(CaseTask)
        .where(*condition)
        .values(assignee_id=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def assign(task_id: int, user_id: int) -> bool:
    """Give an open task to a user, whoever held it; one UPDATE, so a task completed or cancelled
    meanwhile is not assigned."""
    result = db.session.execute(
        update(CaseTask)
        .where(CaseTask.id == task_id, CaseTask.status == TaskStatus.OPEN)
        .values(assignee_id=user_id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def members_of_roles(council_id: str, roles: Iterable[str], agency: str | None = None) -> list[User]:
    """The users holding any of ``roles`` at a council (of ``agency`` only, when given), by name."""
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.council_id == council_id,
            Membership.role.in_(sorted(roles)),
            User.deactivated_at.is_(None),
        )
        .distinct()
        .order_by(User.name, User.email)
    )
    if agency is not None:
        query = query.where(User.agency == agency)
    return list(db.session.scalars(query))


def open_work_by_assignee(council_id: str, today: date) -> dict[int | None, tuple[int, int]]:
    """Per assignee (None: unclaimed), a council's open tasks and how many are overdue; one
    grouped query on the inbox index."""
    overdue = func.sum(case((CaseTask.due_on < today, 1), else_=0))
    rows = db.session.execute(
        select(CaseTask.assignee_id, func.count(), overdue)
        .where(CaseTask.council_id == council_id, CaseTask.status == TaskStatus.OPEN)
        .group_by(CaseTask.assignee_id)
    )
    return {assignee: (count, int(late or 0)) for assignee, count, late in rows}
