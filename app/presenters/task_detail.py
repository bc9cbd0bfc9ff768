"""A task as the API shows it to one reader (``GET /api/v1/tasks/{id}``): the task, and what it
shows beside its form as that reader may see it (app/services/task_context.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from app.models import CaseTask, User
from app.services.task_context import task_context


@dataclass(frozen=True)
class TaskDetail:
    task: CaseTask
    context: dict[str, Any] | None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.task, name)  # every other field is the task's own


def task_detail(viewer: User, task: CaseTask) -> TaskDetail:
    return TaskDetail(task, task_context(task, viewer))
