"""Workflow state (de)serialization with the spec kept out of each case: stored once per version."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SERIALIZER_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow

from engine.runtime.spiff_config import make_registry


class _SpeclessWorkflowConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Writes a workflow without its spec; restoring needs the spec objects handed in."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def restore_with_specs(
        self,
        dct: dict[str, Any],
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: Any,
    ) -> BpmnWorkflow:
        workflow = BpmnWorkflow(
            spec, subprocess_specs, script_engine=script_engine, deserializing=True
        )
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class StateCodec:
    """Turns specs and workflow states into JSON text and back."""

    def __init__(self) -> None:
        self._serializer = BpmnWorkflowSerializer(make_registry())
        self._registry = self._serializer.registry
        self._converter = _SpeclessWorkflowConverter(BpmnWorkflow, self._registry)

    def _dumps(self, obj: Any) -> str:
        # The registry's encoder mode lets json handle datetimes and other registered types.
        self._registry._encoder_mode = True
        try:
            return json.dumps(obj, cls=self._serializer._encoder_cls, separators=(",", ":"))
        finally:
            self._registry._encoder_mode = False

    def dump_specs(
        self, spec: BpmnProcessSpec, subprocess_specs: dict[str, BpmnProcessSpec]
    ) -> str:
        """JSON of a top-level spec and its dependencies (stored once per model version)."""
        self._registry._encoder_mode = True
        try:
            dct = {
                "spec": self._registry.convert(spec),
                "subprocess_specs": {
                    k: self._registry.convert(v) for k, v in subprocess_specs.items()
                },
                "serializer_version": SERIALIZER_VERSION,
            }
        finally:
            self._registry._encoder_mode = False
        return self._dumps(dct)

    def load_specs(self, text: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        """Spec objects from `dump_specs` output."""
        dct = json.loads(text)
        spec = self._registry.restore(dct["spec"])
        subs = {k: self._registry.restore(v) for k, v in dct["subprocess_specs"].items()}
        return spec, subs

    def dump_state(self, workflow: BpmnWorkflow) -> str:
        """JSON of the workflow's state without the spec."""
        self._registry._encoder_mode = True
        try:
            dct = self._registry.convert(workflow)
        finally:
            self._registry._encoder_mode = False
        dct["serializer_version"] = SERIALIZER_VERSION
        return self._dumps(dct)

    def load_state(
        self,
        text: str,
        spec: BpmnProcessSpec,
        subprocess_specs: dict[str, BpmnProcessSpec],
        script_engine: Any,
    ) -> BpmnWorkflow:
        """Workflow from `dump_state` output and the version's spec objects."""
        dct = json.loads(text)
        version = dct.pop("serializer_version", SERIALIZER_VERSION)
        if version != SERIALIZER_VERSION:
            # Older states are migrated by the library's own migrations; they need the spec inline.
            dct["serializer_version"] = version
            dct["spec"] = self._registry.convert(spec)
            dct["subprocess_specs"] = {
                k: self._registry.convert(v) for k, v in subprocess_specs.items()
            }
            self._serializer.migrate(dct)
            dct.pop("spec")
            dct.pop("subprocess_specs")
        return self._converter.restore_with_specs(dct, spec, subprocess_specs, script_engine)
