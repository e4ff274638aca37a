"""Test driver: run a compiled process to its end as officers and partners would, under bounds.

It fills each human task's form (JSON Schema, Camunda form fields or .form file, else values the
conditions ask for) and what the task declares it produces (data outputs, a multi-instance's
output item), starts the case with the lists multi-instance activities iterate over, completes
service tasks through test connectors (adding a key a script then reads from their answer),
advances a fake clock to the next timer, delivers messages thrown by the collaboration's other
participants (or, failing one, as the outside world would send them), and stops at a step and time
bound. It plays the people and systems around a case, never the engine. Used by conformance.
"""

from __future__ import annotations

import contextlib
import json
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.item_aware_event import SignalEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.runtime import sample_data
from engine.runtime.connectors import ConnectorRegistry, make_connected_engine
from engine.runtime.driver_inputs import (
    START,
    collection_inputs,
    start_conditions,
    supply_missing,
    timer_inputs,
)
from engine.runtime.instance import LoadedModel
from engine.runtime.timekeeping import RuntimeEnv, instant

MAX_REPAIRS = 10
DRIVER_USER = "conformance.officer"
LOOP_PATIENCE = 3


class BudgetExceededError(Exception):
    """The process did not finish within the step or time bound."""


@contextlib.contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    """Raise BudgetExceededError in the block after `seconds` (main thread only; else no bound).

    The step bound cannot stop a loop inside one library call (e.g. a gateway cycle that never
    completes a task); a real-time alarm can.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: Any) -> None:
        raise BudgetExceededError(f"no end after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class DriveResult:
    """How a run ended: completed, hung (bound hit or nothing to deliver) or failed (error)."""

    outcome: str
    human_tasks: list[str] = field(default_factory=list)
    steps: int = 0
    detail: str = ""


@dataclass
class _World:
    model: LoadedModel
    files: Mapping[str, bytes]
    connectors: ConnectorRegistry
    max_steps: int
    deadline: float
    now: datetime = START
    steps: int = 0
    outbox: list[BpmnEvent] = field(default_factory=list)
    candidates: dict[str, list[Any]] = field(default_factory=dict)

    def tick(self, _task: Task | None = None) -> None:
        self.steps += 1
        if self.steps > self.max_steps:
            raise BudgetExceededError(f"more than {self.max_steps} steps")
        if time.monotonic() > self.deadline:
            raise BudgetExceededError("time bound exceeded")


def _form_data(world: _World, element_id: str) -> dict[str, Any]:
    info = world.model.element(element_id)
    props = info.get("properties") or {}
    schema_name = props.get("formJsonSchemaFilename")
    if schema_name and schema_name in world.files:
        schema = json.loads(world.files[schema_name])
        ui_name = props.get("formUiSchemaFilename")
        if ui_name and ui_name in world.files:
            schema = sample_data.with_widgets(schema, json.loads(world.files[ui_name]))
        value = sample_data.from_schema(schema)
        return value if isinstance(value, dict) else {}
    if info.get("form_fields"):
        return sample_data.from_fields(info["form_fields"])
    form_key = str(props.get("formKey") or props.get("formRef") or "")
    for name, content in world.files.items():
        if (
            name.endswith(".form")
            and form_key
            and (
                name.rsplit("/", 1)[-1] in form_key
                or form_key in content.decode("utf-8", "replace")
            )
        ):
            return sample_data.from_camunda_form(json.loads(content))
    return {}


def _run_engine(world: _World, wf: BpmnWorkflow) -> None:
    wf.refresh_timers()
    wf.do_engine_steps(did_complete_task=world.tick)
    world.outbox.extend(e for e in wf.get_events() if _is_message(e))


def _is_message(event: BpmnEvent) -> bool:
    return isinstance(event.event_definition, (MessageEventDefinition, SignalEventDefinition))


def _waiting(wf: BpmnWorkflow) -> list[Task]:
    return [
        t
        for t in wf.get_tasks(state=TaskState.WAITING, spec_class=CatchingEvent)
        if not isinstance(t.task_spec.event_definition, type(None))
    ]


def _definitions(task: Task) -> list[Any]:
    definition = task.task_spec.event_definition
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def _is_boundary(task: Task) -> bool:
    return type(task.parent.task_spec).__name__ == "BoundaryEventSplit" if task.parent else False


def _deliver_outbox(world: _World, wf: BpmnWorkflow) -> bool:
    for event in list(world.outbox):
        for task in _waiting(wf):
            if any(_same_event(d, event.event_definition) for d in _definitions(task)):
                world.outbox.remove(event)
                wf.catch(event)
                return True
    return False


def _same_event(a: Any, b: Any) -> bool:
    return type(a).__name__ == type(b).__name__ and getattr(a, "name", None) == getattr(
        b, "name", None
    )


def _advance_timer(world: _World, wf: BpmnWorkflow, boundary: bool) -> bool:
    due = []
    for task in _waiting(wf):
        if _is_boundary(task) != boundary:
            continue
        if not any(isinstance(d, TimerEventDefinition) for d in _definitions(task)):
            continue
        value = task.internal_data.get("event_value")
        if isinstance(value, dict):
            value = value.get("next")
        if isinstance(value, str):
            due.append(instant(value))
    if not due:
        return False
    world.now = max(world.now, min(due)) + timedelta(seconds=1)
    return True


def _synthesize(world: _World, wf: BpmnWorkflow) -> bool:
    for task in sorted(_waiting(wf), key=_is_boundary):
        if _is_boundary(task):
            continue
        for definition in _definitions(task):
            if isinstance(definition, (MessageEventDefinition, SignalEventDefinition)):
                if _send(wf, task, definition):
                    return True
    return False


def _send(wf: BpmnWorkflow, task: Task, definition: Any) -> bool:
    """Deliver the event a task waits for, as its partner would send it (with the case data)."""
    payload = dict(task.data)
    known = {name: value for key in wf.correlations.values() for name, value in key.items()}
    for prop in getattr(definition, "correlation_properties", []) or []:
        expression = str(getattr(prop, "retrieval_expression", "") or "")
        holder, _, field_name = expression.partition(".")
        if expression.isidentifier() and expression not in payload:
            payload[expression] = 1
        elif holder.isidentifier() and field_name.isidentifier() and holder not in task.data:
            # `payload_var.topic`: the partner's answer carries the conversation's key there.
            payload.setdefault(holder, {})[field_name] = known.get(prop.name, 1)
    try:
        wf.send_event(BpmnEvent(definition, payload, dict(task.workflow.correlations)))
    except WorkflowException:
        return False
    return True


def _vary(world: _World, data: dict[str, Any], repeats: int) -> dict[str, Any]:
    """On a loop's k-th pass, try the next value the conditions test for each form field."""
    if not repeats:
        return data
    varied = dict(data)
    for name, values in world.candidates.items():
        if name in data or not data:
            varied[name] = values[repeats % len(values)]
    return varied


def _fire_boundary(world: _World, wf: BpmnWorkflow) -> bool:
    """A loop that waits for an event on its boundary: let the event happen."""
    for task in _waiting(wf):
        if not _is_boundary(task):
            continue
        for definition in _definitions(task):
            if isinstance(definition, (MessageEventDefinition, SignalEventDefinition)):
                if _send(wf, task, definition):
                    return True
    return _advance_timer(world, wf, boundary=True)


def _fill_outputs(world: _World, task: Task) -> None:
    """What a human task declares it produces (its data outputs), the officer enters."""
    spec = task.task_spec
    io_spec = getattr(spec, "io_specification", None)
    outputs = list(getattr(io_spec, "data_outputs", None) or [])
    outputs += list(getattr(spec, "data_output_associations", None) or [])
    wrapper = task.parent.task_spec if task.parent is not None else None
    if getattr(wrapper, "task_spec", None) == spec.name:  # an instance of a multi-instance
        outputs.append(getattr(wrapper, "output_item", None))
    for output in outputs:
        name = getattr(output, "bpmn_id", None)
        if isinstance(name, str) and name not in task.data:
            task.data[name] = (world.candidates.get(name) or [True])[0]


def _step(world: _World, wf: BpmnWorkflow, done: list[str]) -> bool:
    """One move of the outside world; False when nothing can move the process on."""
    ready = wf.get_tasks(state=TaskState.READY, manual=True)
    if ready:
        task = ready[0]
        element_id = task.task_spec.bpmn_id or task.task_spec.name
        repeats = done.count(element_id)
        if repeats >= LOOP_PATIENCE and _fire_boundary(world, wf):
            return True
        task.data.update(_vary(world, _form_data(world, element_id), repeats))
        _fill_outputs(world, task)
        task.run()
        done.append(element_id)
        world.tick()
        return True
    world.tick()
    return (
        _deliver_outbox(world, wf)
        or _advance_timer(world, wf, boundary=False)
        or _synthesize(world, wf)
        or _advance_timer(world, wf, boundary=True)
    )


def drive(
    model: LoadedModel,
    files: Mapping[str, bytes],
    connectors: ConnectorRegistry | None = None,
    max_steps: int = 400,
    max_seconds: float = 10.0,
) -> DriveResult:
    """Run the model from its start to its end; never raises for what the model does."""
    registry = connectors or ConnectorRegistry(accept_any=True)
    world = _World(model, files, registry, max_steps, time.monotonic() + max_seconds)
    done: list[str] = []
    with RuntimeEnv(now=lambda: world.now).active():
        try:
            with time_bound(max_seconds + 1):
                return _drive(world, model, registry, done)
        except BudgetExceededError as exc:
            return DriveResult("hung", done, world.steps, str(exc))
        except Exception as exc:  # the model failed at run time: reported, never raised
            cause = exc.__cause__ or exc
            return DriveResult(
                "failed", done, world.steps, f"{type(cause).__name__}: {cause}"[:300]
            )


def _drive(
    world: _World, model: LoadedModel, registry: ConnectorRegistry, done: list[str]
) -> DriveResult:
    # The helpers model code has in production; the driver acts as one officer.
    helpers = RuntimeEnv(now=lambda: world.now, user=DRIVER_USER).helpers()
    engine = make_connected_engine(registry, helpers)
    wf = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=engine)
    start = wf.get_next_task(state=TaskState.READY)
    conditions = start_conditions(model)
    world.candidates = sample_data.condition_candidates(conditions)
    if start is not None:
        start.data.update(sample_data.condition_defaults(conditions, set()))
        start.data.update(timer_inputs(model))
        for name, value in collection_inputs(model).items():
            start.data.setdefault(name, value)
    repairs = 0
    while True:
        try:
            _run_engine(world, wf)
            if wf.is_completed():
                return DriveResult("completed", done, world.steps)
            moved = _step(world, wf, done)
        except WorkflowException as exc:
            repairs += 1
            if repairs > MAX_REPAIRS or not supply_missing(exc):
                raise
            continue
        if not moved:
            waiting = sorted({t.task_spec.bpmn_id or t.task_spec.name for t in _waiting(wf)})
            return DriveResult(
                "hung", done, world.steps, f"waits with nothing to deliver: {waiting or 'no event'}"
            )
