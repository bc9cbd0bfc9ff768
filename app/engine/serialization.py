"""Serializing a case's workflow without its diagram.

SpiffWorkflow's serializer embeds the whole parsed spec in every workflow, which makes it about
half of each stored case and of each load. A case always runs the immutable version it started
on, whose parsed spec the engine already caches, so we store only the instance (tasks, data,
events) and hand the cached spec back when restoring.
"""

from __future__ import annotations

from uuid import UUID

from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG


class _InstanceOnlyConverter(BpmnWorkflowConverter):
    def to_dict(self, workflow):
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        if spec is None:
            raise ValueError("restoring a case's workflow needs its process spec")
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


_serializer = BpmnWorkflowSerializer(
    BpmnWorkflowSerializer.configure({**SPIFF_CONFIG, BpmnWorkflow: _InstanceOnlyConverter})
)


def dump_workflow(workflow: BpmnWorkflow) -> str:
    return _serializer.serialize_json(workflow)


def load_workflow(serialized: str, spec, subprocess_specs) -> BpmnWorkflow:
    import json

    dct = json.loads(serialized)
    _serializer.migrate(dct)
    return _serializer.from_dict(dct, spec=spec, subprocess_specs=subprocess_specs)
