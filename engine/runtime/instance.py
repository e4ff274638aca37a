"""A running case inside the engine: the only place that touches BpmnWorkflow objects."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.domain.errors import ConflictError, ScriptFailedError
from engine.runtime.scripting import ScriptError, make_script_engine
from engine.runtime.serializer import StateCodec

_CODEC = StateCodec()


@dataclass
class LoadedModel:
    """A model version's spec objects and element table, built once and shared by its cases."""

    content_hash: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    elements: dict[str, dict[str, Any]]

    @classmethod
    def from_json(
        cls, content_hash: str, spec_json: str, elements: dict[str, dict[str, Any]]
    ) -> LoadedModel:
        """Restore the spec objects stored with a model version."""
        spec, subs = _CODEC.load_specs(spec_json)
        return cls(content_hash, spec, subs, elements)

    def element(self, element_id: str) -> dict[str, Any]:
        """Element info (tag, name, lane, properties) or an empty record."""
        return self.elements.get(element_id) or {
            "tag": "",
            "name": "",
            "lane": "",
            "properties": {},
        }


@dataclass(frozen=True)
class ReadyTask:
    """A human task waiting for an officer."""

    id: str
    element_id: str
    name: str
    lane: str
    properties: dict[str, str]


@dataclass(frozen=True)
class ElementCompleted:
    """An element finished during a command, with the properties that drive case effects."""

    element_id: str
    name: str
    properties: dict[str, str]


@dataclass
class Instance:
    """Wraps one BpmnWorkflow of one case for the length of one command."""

    model: LoadedModel
    workflow: BpmnWorkflow
    completed: list[ElementCompleted] = field(default_factory=list)

    @classmethod
    def start(cls, model: LoadedModel, data: dict[str, Any]) -> Instance:
        """Create a new instance, hand it the start data and run it to its first wait."""
        wf = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=make_script_engine())
        start = wf.get_next_task(state=TaskState.READY)
        if start is not None:
            start.data.update(copy.deepcopy(data))
        instance = cls(model, wf)
        instance.run()
        return instance

    @classmethod
    def load(cls, model: LoadedModel, state: str) -> Instance:
        """Restore an instance from its stored state."""
        wf = _CODEC.load_state(state, model.spec, model.subprocess_specs, make_script_engine())
        return cls(model, wf)

    def dump(self) -> str:
        """The state to store (without the spec)."""
        return _CODEC.dump_state(self.workflow)

    def _record(self, task: Task) -> None:
        element_id = task.task_spec.bpmn_id
        if not element_id:
            return
        info = self.model.element(element_id)
        props = info.get("properties") or {}
        if props:
            self.completed.append(ElementCompleted(element_id, info.get("name", ""), dict(props)))

    def run(self) -> None:
        """Run engine tasks until every branch waits; script failures become ScriptFailedError."""
        try:
            self.workflow.refresh_timers()
            self.workflow.do_engine_steps(did_complete_task=self._record)
        except WorkflowException as exc:
            raise _script_failure(exc) from exc
        except ScriptError as exc:
            raise ScriptFailedError(f"a model script failed: {exc}") from exc

    def ready_human_tasks(self) -> list[ReadyTask]:
        """READY manual tasks, in a stable order."""
        tasks = []
        for task in self.workflow.get_tasks(state=TaskState.READY, manual=True):
            element_id = task.task_spec.bpmn_id or task.task_spec.name
            info = self.model.element(element_id)
            tasks.append(
                ReadyTask(
                    id=str(task.id),
                    element_id=element_id,
                    name=task.task_spec.bpmn_name or info.get("name") or element_id,
                    lane=task.task_spec.lane or info.get("lane", ""),
                    properties=dict(info.get("properties") or {}),
                )
            )
        return sorted(tasks, key=lambda t: (t.element_id, t.id))

    def _ready_task(self, task_id: str) -> Task:
        try:
            task = self.workflow.get_task_from_id(UUID(task_id))
        except Exception:  # unknown id or malformed UUID: the task is not in this case any more
            task = None
        if task is None or task.state != TaskState.READY or not task.task_spec.manual:
            raise ConflictError(f"task {task_id} is no longer ready (completed or superseded)")
        return task

    def task_data(self, task_id: str) -> dict[str, Any]:
        """The data a READY task sees (for prefill)."""
        return self._ready_task(task_id).data

    def complete_human_task(self, task_id: str, data: dict[str, Any]) -> None:
        """Merge the submitted data into the task and run it, then run the engine on."""
        task = self._ready_task(task_id)
        task.data.update(copy.deepcopy(data))
        try:
            task.run()
        except WorkflowException as exc:
            raise _script_failure(exc) from exc
        self._record(task)
        self.run()

    @property
    def data(self) -> dict[str, Any]:
        """The case data as it stands now."""
        if self.workflow.is_completed():
            return dict(self.workflow.data)
        ready = self.workflow.get_tasks(state=TaskState.READY | TaskState.WAITING)
        if ready:
            return dict(max(ready, key=lambda t: t.last_state_change).data)
        last = self.workflow.last_task
        return dict(last.data) if last is not None else {}

    def is_completed(self) -> bool:
        """True when the process reached its end."""
        return bool(self.workflow.is_completed())

    def next_due_at(self) -> datetime | None:
        """Earliest due time of a waiting timer, for the worker's index."""
        due = []
        for task in self.workflow.get_tasks(state=TaskState.WAITING, spec_class=CatchingEvent):
            definition = task.task_spec.event_definition
            defs = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            if not any(isinstance(d, TimerEventDefinition) for d in defs):
                continue
            value = task.internal_data.get("event_value")
            if isinstance(value, dict):
                value = value.get("next") if value.get("cycles") != 0 else None
            if value:
                due.append(datetime.fromisoformat(value))
        return min(due) if due else None


def _script_failure(exc: WorkflowException) -> ScriptFailedError:
    spec = getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    cause = exc.__cause__ or exc
    return ScriptFailedError(
        f"element '{element}' failed: {cause}",
        details=[{"element_id": element, "message": str(cause)}],
    )
