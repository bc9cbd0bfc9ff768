"""SpiffWorkflow's script engine, pointed at our sandbox, our diagram functions and our handlers."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition

from app.engine import isolation, sandbox
from app.engine.properties import instance_spec, task_properties


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):
    def __init__(self, functions: dict[str, Callable]):
        super().__init__({})
        self.functions = functions

    def evaluate(self, expression, context, external_context=None):
        data = {**context, **(external_context or {})}
        return sandbox.evaluate(expression, data, self.functions)

    def execute(self, script, context, external_context=None):
        sandbox.execute(script, context, {**self.functions, **(external_context or {})})
        return True


class CaseScriptEngine(PythonScriptEngine):
    """One per case operation: bound to the council's calendar and to the operation's handler context.

    ``call_handler(task, name, params)`` runs a service task's handler and returns what it
    returns (a JSON-able value stored under the task's result variable).
    """

    def __init__(self, functions: dict[str, Callable], call_handler: Callable[[Any, str, dict], Any]):
        super().__init__(environment=_SandboxEnvironment(functions))
        self._call_handler = call_handler

    def evaluate(self, task, expression, external_context=None):
        isolation.note_progress(task.task_spec.bpmn_id or task.task_spec.name)
        try:
            extra = dict(external_context or {})
            due_on = _element_due_on(self, task, expression)
            if due_on is not None:
                extra["due_on"] = due_on
            return super().evaluate(task, expression, extra)
        except WorkflowTaskException as exc:
            # SpiffWorkflow wraps our error in "Error evaluating expression ...": keep why.
            cause = exc.__context__
            if not isinstance(cause, sandbox.ScriptError):
                raise
            element = cause.element or task.task_spec.bpmn_id
            raise sandbox.ScriptError(f"Error evaluating {expression!r}: {cause}", element) from exc
        except sandbox.ScriptError as exc:
            # SpiffWorkflow does not say whose expression failed when it refreshes timers.
            exc.element = exc.element or task.task_spec.bpmn_id
            raise

    def execute(self, task, script, external_context=None):
        isolation.note_progress(task.task_spec.bpmn_id or task.task_spec.name)
        return super().execute(task, script, external_context)

    def call_service(self, task, operation_name=None, operation_params=None, **kwargs):
        params = {name: spec["value"] for name, spec in (operation_params or {}).items()}
        return json.dumps(self._call_handler(task, operation_name, params))

    def due_on_for(self, task, spec) -> str | None:
        """Evaluate an element's ``dueOn`` against the task's data."""
        expression = task_properties(instance_spec(spec)).get("dueOn")
        if not expression:
            return None
        try:
            return self.environment.evaluate(expression, task.data)
        except sandbox.ScriptError as exc:
            raise sandbox.ScriptError(f"dueOn: {exc}", element=spec.bpmn_id) from exc


def _element_due_on(engine: CaseScriptEngine, task, expression: str) -> str | None:
    """The ``due_on`` a timer expression may refer to: the due date of the element the timer
    belongs to (the task a boundary timer is attached to, or the catch event itself)."""
    spec = task.task_spec
    definition = getattr(spec, "event_definition", None)
    if definition is None:
        return None
    if isinstance(definition, MultipleEventDefinition):
        # An event-based gateway holds its events' definitions, in the order of its outputs.
        for index, inner in enumerate(definition.event_definitions):
            if isinstance(inner, TimerEventDefinition) and inner.expression == expression:
                return engine.due_on_for(task, spec.outputs[index])
        return None
    if not isinstance(definition, TimerEventDefinition):
        return None
    if type(spec).__name__ == "BoundaryEvent" and task.parent is not None:
        for sibling in task.parent.children:
            if sibling is not task and not hasattr(sibling.task_spec, "event_definition"):
                return engine.due_on_for(task, sibling.task_spec)
        return None
    return engine.due_on_for(task, spec)
