"""What every use case needs: a unit-of-work factory, the clock, the calendar, the model catalog."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, time
from decimal import Decimal
from types import TracebackType
from typing import Any, Protocol

from engine.calendar import Calendar, LiveCalendar
from engine.domain.clock import Clock
from engine.domain.errors import NotFoundError
from engine.domain.model import ModelVersion
from engine.domain.procedure import ProcedureMeta
from engine.domain.units import UnitDirectory
from engine.runtime.connectors import ConnectorRegistry
from engine.runtime.instance import LoadedModel
from engine.runtime.timekeeping import RuntimeEnv
from engine.services.messaging.config import MessagingConfig
from forms import Form, load_form


class UnitOfWork(Protocol):
    """One transaction with its repositories (see engine.adapters.unit_of_work)."""

    models: Any
    cases: Any
    tasks: Any
    events: Any
    audit: Any
    calendar: Any
    outbox: Any
    subscriptions: Any
    incidents: Any
    handoffs: Any
    reports: Any

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def savepoint(self) -> AbstractContextManager[None]: ...


@dataclass
class Deployed:
    """A model version ready to run: spec objects, metadata and parsed forms."""

    version: ModelVersion
    model: LoadedModel
    meta: ProcedureMeta
    forms: dict[str, Form]

    def form(self, schema_name: str | None) -> Form | None:
        """The parsed form with that file name, if any."""
        return self.forms.get(schema_name) if schema_name else None

    @property
    def start_form(self) -> Form | None:
        """The start (application) form."""
        return self.form(self.meta.start_form.get("schema"))


class ModelCatalog:
    """Deployed versions built once per process and shared by all cases (LRU)."""

    def __init__(self, capacity: int = 256) -> None:
        self._items: OrderedDict[int, Deployed] = OrderedDict()
        self._lock = threading.Lock()
        self._capacity = capacity

    def get(self, uow: UnitOfWork, version_id: int) -> Deployed:
        """The deployed version, built from the database on first use."""
        with self._lock:
            if version_id in self._items:
                self._items.move_to_end(version_id)
                return self._items[version_id]
        version = uow.models.get(version_id)
        if version is None:
            raise NotFoundError(f"model version {version_id} not found")
        deployed = build_deployed(version, uow.models.elements(version_id))
        with self._lock:
            self._items[version_id] = deployed
            while len(self._items) > self._capacity:
                self._items.popitem(last=False)
        return deployed


def build_deployed(version: ModelVersion, elements: dict[str, Any]) -> Deployed:
    """Rebuild spec objects, metadata and forms from a stored version."""
    meta, _ = ProcedureMeta.parse(version.meta)
    if meta is None:  # stored metadata passed these checks at deploy time
        meta = ProcedureMeta(
            id=version.procedure_id, process_id=version.process_id, name=version.name
        )
    forms: dict[str, Form] = {}
    refs = {meta.start_form.get("schema"): meta.start_form.get("ui")}
    for element in elements.values():
        props = element.get("properties") or {}
        refs[props.get("formJsonSchemaFilename")] = props.get("formUiSchemaFilename")
    for schema_name, ui_name in refs.items():
        if schema_name and schema_name in version.files:
            ui = version.files.get(ui_name) if ui_name else None
            forms[schema_name] = load_form(version.files[schema_name], ui, name=schema_name)
    model = LoadedModel.from_json(version.content_hash, version.spec_json, elements)
    return Deployed(version, model, meta, forms)


@dataclass
class Context:
    """The composition of the engine's parts, built once by engine.bootstrap."""

    uow: Callable[[], UnitOfWork]
    clock: Clock
    calendar: Calendar
    catalog: ModelCatalog = field(default_factory=ModelCatalog)
    read_uow: Callable[[], UnitOfWork] | None = None
    db_engine: Any = None
    # Share of the legal time after which a case is at risk and its unit leader warned [M].
    sla_warn_share: Decimal = Decimal("0.75")
    # A throwaway in-memory store for replay (engine.adapters.memory_store.MemoryStore).
    scratch: Callable[[], Any] | None = None
    # What service tasks may be bound to (engine.services.connectors); None: no service tasks.
    connectors: ConnectorRegistry | None = None
    # Messages between cases, webhooks and the national portal (engine.services.messaging).
    messaging: MessagingConfig = field(default_factory=MessagingConfig)

    # Agencies whose office hours differ from the default (unit code -> calendar); see
    # engine.bootstrap and MOTCUA_OFFICE_HOURS.
    unit_calendars: dict[str, Calendar] = field(default_factory=dict)
    # Provinces and province-wide counters (phi địa giới); see MOTCUA_UNITS_FILE.
    units: UnitDirectory = field(default_factory=UnitDirectory)
    # When (Vietnam time) the worker records the daily audit digest; None: it does not.
    digest_at: time | None = None
    # The day's digest instant this process knows a digest was recorded for (no more reads).
    digest_done_for: datetime | None = None

    def calendar_version(self) -> int | None:
        """The override-table version the working calendar counts with now; None for a fixed
        calendar (tests that inject one)."""
        if not isinstance(self.calendar, LiveCalendar):
            return None
        self.calendar.current()
        return self.calendar.version

    def calendar_for(self, unit: str | None) -> Calendar:
        """The working calendar of a unit: its own office hours, or the default."""
        return self.unit_calendars.get(unit or "", self.calendar)

    def runtime_env(self, unit: str | None = None, user: str | None = None) -> RuntimeEnv:
        """The clock and calendar (of the case's unit) the engine's timers and working-time
        helpers use, the connectors its service tasks call, and who gave the command."""
        return RuntimeEnv(
            now=self.clock.now,
            calendar=self.calendar_for(unit),
            connectors=self.connectors,
            user=user,
        )

    def reader(self) -> UnitOfWork:
        """A unit of work for queries (no write lock on SQLite)."""
        return (self.read_uow or self.uow)()
