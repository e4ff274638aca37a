"""BPMN messages between separately stored cases: what a run threw, what a case waits for, delivery.

SpiffWorkflow has no router (shared/SPIFFWORKFLOW.md §4): a message nobody in the same case
catches is queued in ``workflow.bpmn_events``; a message from outside is handed in with
``send_event``. This module turns both sides into plain values the services route through the
outbox and subscription tables:

* correlation is flattened to ``{property: value}`` strings. Every message carries the default
  key ``dossier``: the dossier code of the case that began the exchange (a case started by a
  message keeps the code it came with, so a reply finds the original case). A model may add its
  own correlation properties (``bpmn:correlationProperty``); a catch that uses them is matched
  on them instead of ``dossier``.
* the event handed to a case is built from the *receiver's* own event definition, so it matches
  whatever dialect the receiver was drawn in, with the correlations in SpiffWorkflow's nested
  ``{key: {property: value}}`` form the definition expects.

The dossier code a case correlates with, and the fingerprint of its last written subscriptions,
live in the root task's internal data: serialized with the case, replayed with it, invisible to
the model's data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

DOSSIER = "dossier"
_ORIGIN = "motcua_correlation_dossier"
_SUBSCRIBED = "motcua_subscriptions"


@dataclass(frozen=True)
class OutgoingMessage:
    """A message a case threw that no catch inside the same case took."""

    name: str
    payload: Any
    correlation: dict[str, str]


@dataclass(frozen=True)
class WaitingCatch:
    """A message catch a case waits at: receive task, intermediate, boundary or start event."""

    element_id: str
    name: str
    correlation: dict[str, str]
    kind: str = "intermediate"


@dataclass(frozen=True)
class Delivery:
    """What a delivered message did to the case: the element that caught it."""

    element_id: str
    kind: str
    extra: dict[str, Any] = field(default_factory=dict)


def flatten(correlations: dict[str, Any]) -> dict[str, str]:
    """SpiffWorkflow's {key: {property: value}} as {property: value} text."""
    flat: dict[str, str] = {}
    for props in (correlations or {}).values():
        if isinstance(props, dict):
            for prop, value in props.items():
                if value is not None:
                    flat[str(prop)] = _text(value)
    return flat


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def _root(workflow: BpmnWorkflow) -> Task:
    return workflow.task_tree


def origin(workflow: BpmnWorkflow) -> str | None:
    """The dossier code the case correlates with, when it differs from its own."""
    value = _root(workflow).internal_data.get(_ORIGIN)
    return str(value) if value else None


def set_origin(workflow: BpmnWorkflow, code: str) -> None:
    """Correlate the case with another dossier's code (a case started by a message)."""
    _root(workflow).internal_data[_ORIGIN] = code


def drain(workflow: BpmnWorkflow, own_code: str) -> list[OutgoingMessage]:
    """Take the messages the last run threw and nothing inside the case caught.

    Other queued events (signals, unhandled errors) are put back as they were.
    """
    dossier = origin(workflow) or own_code
    kept, messages = [], []
    for event in workflow.get_events():
        definition = event.event_definition
        if isinstance(definition, MessageEventDefinition):
            correlation = {DOSSIER: dossier, **flatten(event.correlations)}
            messages.append(OutgoingMessage(definition.name, event.payload, correlation))
        else:
            kept.append(event)
    workflow.bpmn_events = kept
    return messages


def _definitions(task: Task) -> list[Any]:
    definition = task.task_spec.event_definition
    if isinstance(definition, MultipleEventDefinition):
        return list(definition.event_definitions)
    return [definition]


def _kind(task: Task) -> str:
    spec = task.task_spec
    if isinstance(spec, StartEvent):
        return "start"
    parent = task.parent
    if parent is not None and type(parent.task_spec).__name__ == "BoundaryEventSplit":
        return "boundary"
    if any(c.__name__ == "ReceiveTask" for c in type(spec).__mro__):
        return "receive"
    return "intermediate"


def _waiting_tasks(workflow: BpmnWorkflow) -> list[tuple[Task, MessageEventDefinition]]:
    found = []
    for task in workflow.get_tasks(state=TaskState.WAITING, spec_class=CatchingEvent):
        for definition in _definitions(task):
            if isinstance(definition, MessageEventDefinition):
                found.append((task, definition))
    return found


def _catch_correlation(
    workflow: BpmnWorkflow, definition: MessageEventDefinition, dossier: str
) -> dict[str, str]:
    names = [p.name for p in definition.correlation_properties or []]
    if names:
        known = flatten(workflow.correlations)
        values = {n: known[n] for n in names if n in known}
        if values:
            return values
    return {DOSSIER: dossier}


def waiting(workflow: BpmnWorkflow, own_code: str) -> list[WaitingCatch]:
    """The message catches the case waits at, in a stable order."""
    dossier = origin(workflow) or own_code
    catches = {
        (task.task_spec.bpmn_id or task.task_spec.name, definition.name): WaitingCatch(
            element_id=task.task_spec.bpmn_id or task.task_spec.name,
            name=definition.name,
            correlation=_catch_correlation(workflow, definition, dossier),
            kind=_kind(task),
        )
        for task, definition in _waiting_tasks(workflow)
    }
    return [catches[k] for k in sorted(catches)]


def fingerprint(catches: list[WaitingCatch]) -> str:
    """A short digest of a set of catches, to skip rewriting unchanged subscriptions."""
    text = json.dumps(
        [[c.element_id, c.name, c.correlation] for c in catches], sort_keys=True, default=str
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def subscribed(workflow: BpmnWorkflow) -> str:
    """The fingerprint of the subscriptions last written for this case ('' if none)."""
    return str(_root(workflow).internal_data.get(_SUBSCRIBED, ""))


def mark_subscribed(workflow: BpmnWorkflow, digest: str) -> None:
    """Remember the fingerprint of the subscriptions just written."""
    _root(workflow).internal_data[_SUBSCRIBED] = digest


def _nested(definition: MessageEventDefinition, correlation: dict[str, str]) -> dict[str, Any]:
    nested: dict[str, dict[str, Any]] = {}
    for prop in definition.correlation_properties or []:
        if prop.name in correlation:
            for key in prop.correlation_keys or ["MainCorrelationKey"]:
                nested.setdefault(key, {})[prop.name] = correlation[prop.name]
    return nested


def matches(catch: WaitingCatch, name: str, correlation: dict[str, str]) -> bool:
    """True when a message of that name and correlation is for this catch."""
    return catch.name == name and all(correlation.get(k) == v for k, v in catch.correlation.items())


def deliver(
    workflow: BpmnWorkflow, own_code: str, name: str, payload: Any, correlation: dict[str, str]
) -> Delivery | None:
    """Hand the message to the first matching catch; None when the case does not wait for it."""
    dossier = origin(workflow) or own_code
    for task, definition in _waiting_tasks(workflow):
        catch = WaitingCatch(
            task.task_spec.bpmn_id or task.task_spec.name,
            definition.name,
            _catch_correlation(workflow, definition, dossier),
            _kind(task),
        )
        if not matches(catch, name, correlation):
            continue
        event = BpmnEvent(definition, payload, _nested(definition, correlation))
        if not definition.catches(task, event):
            continue
        try:
            workflow.send_event(event)
        except WorkflowException:  # SpiffWorkflow's own correlation check refused it
            continue
        return Delivery(catch.element_id, catch.kind)
    return None


def start_messages(spec: Any) -> list[str]:
    """Names of the messages that start the process (its message start events)."""
    names: list[str] = []
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, StartEvent):
            definition = task_spec.event_definition
            defs = (
                definition.event_definitions
                if isinstance(definition, MultipleEventDefinition)
                else [definition]
            )
            names.extend(d.name for d in defs if isinstance(d, MessageEventDefinition))
    return sorted(set(names))


def starts_only_by_message(spec: Any) -> bool:
    """True when every start event of the process waits for a message (no plain start)."""
    starts = [t for t in spec.task_specs.values() if isinstance(t, StartEvent)]
    return bool(starts) and all(
        isinstance(t.event_definition, MessageEventDefinition) for t in starts
    )
