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
from engine.runtime import messages
from engine.runtime.connectors import ConnectorRegistry, make_connected_engine
from engine.runtime.messages import Delivery, OutgoingMessage, WaitingCatch
from engine.runtime.pruning import prune_finished_history
from engine.runtime.scripting import MotcuaScriptEngine, ScriptError, make_script_engine
from engine.runtime.serializer import StateCodec
from engine.runtime.timekeeping import RuntimeEnv, instant, wall_now

_CODEC = StateCodec()
WALL_CLOCK = RuntimeEnv(now=wall_now)
MAX_TIMER_ROUNDS = 1000


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

    @property
    def start_messages(self) -> list[str]:
        """Names of the messages that start a case of this model (message start events)."""
        return messages.start_messages(self.spec)

    @property
    def starts_only_by_message(self) -> bool:
        """True when a case of this model can only be started by a message."""
        return messages.starts_only_by_message(self.spec)

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
    env: RuntimeEnv = field(default_factory=lambda: WALL_CLOCK)
    completed: list[ElementCompleted] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        model: LoadedModel,
        data: dict[str, Any],
        env: RuntimeEnv | None = None,
        connectors: ConnectorRegistry | None = None,
    ) -> Instance:
        """Create a new instance, hand it the start data and run it to its first wait.

        Service tasks call `connectors`, or else the environment's registry; with neither, the
        model can hold no service task (deploy refuses them).
        """
        env = env or WALL_CLOCK
        engine = _script_engine(env, connectors)
        wf = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=engine)
        start = wf.get_next_task(state=TaskState.READY)
        if start is not None:
            start.data.update(copy.deepcopy(data))
        instance = cls(model, wf, env)
        instance.run()
        return instance

    @classmethod
    def load(
        cls,
        model: LoadedModel,
        state: str,
        env: RuntimeEnv | None = None,
        connectors: ConnectorRegistry | None = None,
    ) -> Instance:
        """Restore an instance from its stored state (connectors as for `start`)."""
        env = env or WALL_CLOCK
        engine = _script_engine(env, connectors)
        wf = _CODEC.load_state(state, model.spec, model.subprocess_specs, engine)
        return cls(model, wf, env)

    def dump(self) -> str:
        """The state to store (without the spec), with finished history pruned."""
        prune_finished_history(self.workflow)
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
            with self.env.active():
                # Due timers turn READY, run, and may make further timers due (cycles catch up
                # one occurrence per refresh), so refresh until nothing more becomes ready.
                for _ in range(MAX_TIMER_ROUNDS):
                    self.workflow.refresh_timers()
                    if not self.workflow.get_tasks(state=TaskState.READY, manual=False):
                        break
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
            with self.env.active():
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

    def waiting_timers(self) -> list[tuple[str, datetime]]:
        """(element id, due time) of every timer the case waits on, earliest first."""
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
                element_id = task.task_spec.bpmn_id or task.task_spec.name
                due.append((element_id, instant(value)))
        return sorted(due, key=lambda item: item[1])

    def next_due_at(self) -> datetime | None:
        """Earliest due time of a waiting timer, for the worker's index."""
        timers = self.waiting_timers()
        return timers[0][1] if timers else None

    # -- messages between cases (engine.runtime.messages) ---------------------------------

    def take_messages(self, own_code: str) -> list[OutgoingMessage]:
        """The messages the runs so far threw that no catch in this case took (drained)."""
        return messages.drain(self.workflow, own_code)

    def waiting_messages(self, own_code: str) -> list[WaitingCatch]:
        """The message catches the case waits at, with the correlation each expects."""
        return messages.waiting(self.workflow, own_code)

    def deliver_message(
        self, own_code: str, name: str, payload: Any, correlation: dict[str, str]
    ) -> Delivery | None:
        """Hand a message to the matching catch and run the case on; None if nothing waits."""
        try:
            with self.env.active():
                delivery = messages.deliver(
                    self.workflow, own_code, name, copy.deepcopy(payload), correlation
                )
        except WorkflowException as exc:
            raise _script_failure(exc) from exc
        except ScriptError as exc:
            raise ScriptFailedError(f"a model script failed: {exc}") from exc
        if delivery is not None:
            self.run()
        return delivery

    @property
    def correlation_dossier(self) -> str | None:
        """The dossier code this case correlates with when it is not its own (started by a
        message from another case)."""
        return messages.origin(self.workflow)

    def correlate_with(self, dossier: str) -> None:
        """Correlate this case's messages with another dossier's code."""
        messages.set_origin(self.workflow, dossier)

    def subscriptions_changed(self, catches: list[WaitingCatch]) -> bool:
        """True when `catches` differ from what was last written for the case; remembers them."""
        digest = messages.fingerprint(catches) if catches else ""
        if digest == messages.subscribed(self.workflow):
            return False
        messages.mark_subscribed(self.workflow, digest)
        return True


def _script_engine(env: RuntimeEnv, connectors: ConnectorRegistry | None) -> MotcuaScriptEngine:
    """The sandboxed engine of one command: service tasks go to the given or the env's registry."""
    registry = connectors if connectors is not None else env.connectors
    if registry is None:
        return make_script_engine(env.helpers())
    return make_connected_engine(registry, env.helpers())


def _script_failure(exc: WorkflowException) -> ScriptFailedError:
    spec = getattr(exc, "task_spec", None)
    element = getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    cause = exc.__cause__ or exc
    return ScriptFailedError(
        f"element '{element}' failed: {cause}",
        details=[{"element_id": element, "message": str(cause)}],
    )
