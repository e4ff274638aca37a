"""The connectors production service tasks are bound to: built-ins for one-stop work.

A service task runs a registered connector (engine.runtime.connectors) with its evaluated
parameters and the task data, and stores the JSON result in its result variable (Spiff's
`resultVariable`, default `spiff__<operator>_result`). A task drawn in Camunda Modeler or for
Zeebe reaches a built-in by topic or job type (`camunda:topic="motcua.working_days"`,
`zeebe:taskDefinition type="motcua.working_days"`): its parameters are then the variables in
scope (the task's input mappings among them), and without a result variable the answer's keys
become case variables (engine.runtime.service_task). The built-ins are pure: they compute,
they never reach another system, so a case replays the same way. Connectors with side effects
(a notification, a call to a national database) must not act from inside the engine run: they
belong in the outbox, in the command's transaction (engine.services.messaging). `extra` is where
engine.bootstrap adds them once that module offers a connector.

* `motcua.noop`: any parameters; `{}`. A step the system records and nothing else does.
* `motcua.set_data`: any parameters; the parameters themselves, as evaluated.
* `motcua.working_days`: parameter `days` (a number, 0.5 allowed); `{"due_at": ISO-8601}`,
  the instant `days` working days after now in the working calendar.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from engine.calendar import Calendar
from engine.runtime.connectors import Connector, ConnectorRegistry
from engine.runtime.timekeeping import current_now

NOOP = "motcua.noop"
SET_DATA = "motcua.set_data"
WORKING_DAYS = "motcua.working_days"


def _noop(params: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    return {}


def _set_data(params: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
    return dict(params)


def _working_days(calendar: Calendar | None) -> Connector:
    def working_days(params: Mapping[str, Any], data: Mapping[str, Any]) -> dict[str, Any]:
        if calendar is None:
            raise RuntimeError(f"{WORKING_DAYS} needs the working calendar; none is configured")
        days = params.get("days")
        try:
            if isinstance(days, bool) or not isinstance(days, int | float | str):
                raise InvalidOperation
            amount = Decimal(str(days).strip())
        except InvalidOperation:
            amount = Decimal("NaN")
        if not amount.is_finite():
            raise ValueError(f"{WORKING_DAYS} needs a number of days, got {days!r}")
        now = current_now()  # the running command's clock (a fake one in tests and replay)
        due = calendar.add_working_days(calendar.next_working_instant(now), amount)
        return {"due_at": due.isoformat()}

    return working_days


def builtin_connectors(
    calendar: Calendar | None = None, extra: Mapping[str, Connector] | None = None
) -> ConnectorRegistry:
    """The registry production uses: the built-ins, then `extra` (which may replace them)."""
    registry = ConnectorRegistry()
    builtins: dict[str, Connector] = {
        NOOP: _noop,
        SET_DATA: _set_data,
        WORKING_DAYS: _working_days(calendar),
    }
    for name, connector in builtins.items():
        _register(registry, name, connector)
    for key, connector in (extra or {}).items():
        registry.register(key, connector)
    return registry


def _register(registry: ConnectorRegistry, name: str, connector: Connector) -> None:
    """Bind a built-in to its operator id, and to the Camunda topic and Zeebe job type of its
    name, so models from every modeller reach it."""
    for key in (name, f"topic:{name}", f"type:{name}"):
        registry.register(key, connector)
