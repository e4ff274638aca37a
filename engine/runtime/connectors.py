"""Connectors: the registered implementations service tasks are bound to, and how models name them.

Each modeller names a service task's implementation its own way. `binding_key` reads all of them
into one key: `topic:<t>` (camunda:type="external" camunda:topic), `class:<c>` (camunda/flowable
class), `delegate:<e>` (delegateExpression), `expression:<e>`, `connector:<id>` (camunda:connector),
`type:<t>` (camunda/flowable/zeebe task type) or the SpiffArena operator id as is. A service task
whose key is not registered is refused at deploy; it would otherwise wait for ever.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from engine.runtime.scripting import MotcuaScriptEngine, SandboxEnvironment

CAMUNDA = "http://camunda.org/schema/1.0/bpmn"
ACTIVITI = "http://activiti.org/bpmn"
FLOWABLE = "http://flowable.org/bpmn"
ZEEBE = "http://camunda.org/schema/zeebe/1.0"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"

Connector = Callable[[Mapping[str, Any], Mapping[str, Any]], Any]
"""A connector takes the evaluated parameters and the task data, and returns JSON-able data."""


def _attr(el: etree._Element, name: str) -> str:
    for ns in (CAMUNDA, FLOWABLE, ACTIVITI):
        value = el.get(f"{{{ns}}}{name}")
        if value:
            return value.strip()
    return ""


def binding_key(el: etree._Element) -> str:
    """The connector key a service-like task is bound to, or '' when it names none."""
    operator = el.find(f"{{{BPMN}}}extensionElements/{{{SPIFF}}}serviceTaskOperator")
    if operator is not None and operator.get("id"):
        return str(operator.get("id"))
    kind = _attr(el, "type")
    topic = _attr(el, "topic")
    if kind == "external" and topic:
        return f"topic:{topic}"
    for attr, prefix in (("class", "class"), ("delegateExpression", "delegate")):
        value = _attr(el, attr)
        if value:
            return f"{prefix}:{value}"
    expression = _attr(el, "expression")
    if expression:
        return f"expression:{expression}"
    connector = el.find(f".//{{{CAMUNDA}}}connectorId")
    if connector is not None and (connector.text or "").strip():
        return f"connector:{(connector.text or '').strip()}"
    zeebe = el.find(f".//{{{ZEEBE}}}taskDefinition")
    if zeebe is not None and zeebe.get("type"):
        return f"type:{zeebe.get('type')}"
    if kind:
        return f"type:{kind}"
    return ""


# Key prefixes of a task bound the Camunda, Flowable or Zeebe way (binding_key); anything else
# is a SpiffArena operator id.
VENDOR_PREFIXES = frozenset({"topic", "type", "class", "delegate", "expression", "connector"})


def is_vendor_key(key: str) -> bool:
    """True for a connector key from a Camunda, Flowable or Zeebe binding."""
    prefix, colon, _ = key.partition(":")
    return bool(colon) and prefix in VENDOR_PREFIXES


def result_variable(el: etree._Element) -> str:
    """The variable a Camunda/Flowable service task stores its result in, if it names one."""
    return _attr(el, "resultVariable")


@dataclass
class ConnectorRegistry:
    """Connectors by key. `accept_any` (tests, conformance) answers every key with a stub."""

    connectors: dict[str, Connector] = field(default_factory=dict)
    accept_any: bool = False
    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def register(self, key: str, connector: Connector) -> None:
        """Bind a key (as `binding_key` computes it) to an implementation."""
        self.connectors[key] = connector

    def knows(self, key: str) -> bool:
        """True when a service task bound to `key` can run."""
        return self.accept_any or key in self.connectors

    def keys(self) -> Iterable[str]:
        """The registered keys, sorted."""
        return sorted(self.connectors)

    def call(self, key: str, params: Mapping[str, Any], data: Mapping[str, Any]) -> str:
        """Run the connector and return its result as JSON text (what the engine stores)."""
        self.calls.append((key, dict(params)))
        connector = self.connectors.get(key)
        if connector is None:
            if not self.accept_any:
                raise LookupError(f"no connector registered for '{key}'")
            return json.dumps({})
        return json.dumps(connector(params, data), default=str)


class ConnectedEnvironment(SandboxEnvironment):
    """The sandbox, with service tasks dispatched to a connector registry."""

    def __init__(
        self,
        registry: ConnectorRegistry,
        helpers: Mapping[str, Callable[..., Any]] | None = None,
        cpu_seconds: float = 1.0,
    ) -> None:
        super().__init__(helpers, cpu_seconds)
        self.registry = registry

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> Any:
        """Call the connector the task is bound to, with its evaluated parameters."""
        key = str(kwargs.get("operation_name"))
        params = {
            name: param.get("value") if isinstance(param, dict) else param
            for name, param in (kwargs.get("operation_params") or {}).items()
        }
        if not params and is_vendor_key(key):
            params = dict(context)  # a Camunda worker or a Zeebe job reads the variables in scope
        return self.registry.call(key, params, context)


def make_connected_engine(
    registry: ConnectorRegistry,
    helpers: Mapping[str, Callable[..., Any]] | None = None,
    cpu_seconds: float = 1.0,
) -> MotcuaScriptEngine:
    """A sandboxed script engine whose service tasks call the registry's connectors."""
    return MotcuaScriptEngine(environment=ConnectedEnvironment(registry, helpers, cpu_seconds))
