"""An in-memory unit of work for replay: the repositories the use cases need, in dicts.

Replay runs the real use cases (engine.services) against this store, so nothing it does can
reach the production database, and a 200-event case replays in a fraction of a second (the same
use cases over an in-memory SQLite database spend most of their time in the ORM). Objects are
copied in and out and writes are applied at commit, so a failed command leaves nothing behind,
like a rolled-back transaction. A repository this store does not know (a table added later) is
served by a scratch SQLite database (engine.adapters.scratch) in the same unit of work.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from engine.domain.errors import ConflictError
from engine.domain.model import Case, CaseEvent, HumanTask, ModelVersion, TaskState

T = TypeVar("T", Case, HumanTask, CaseEvent)


def _copy(obj: T) -> T:
    """A copy sharing nothing mutable: JSON values are rebuilt as JSON gives them back (lists,
    not tuples), which is also several times faster than copy.deepcopy."""
    new = object.__new__(type(obj))
    values = new.__dict__
    values.update(obj.__dict__)
    for name, value in values.items():
        if value and isinstance(value, dict | list | tuple):
            values[name] = json.loads(json.dumps(value))
    return new


def _stored(obj: T) -> T:
    """A private copy as the database would keep it: instants in UTC (rows.UtcDateTime)."""
    new = _copy(obj)
    values = new.__dict__
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.astimezone(UTC)
    return new


@dataclass
class MemoryStore:
    """The committed state of one replay."""

    versions: dict[int, tuple[ModelVersion, dict[str, Any]]] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    tasks: dict[str, HumanTask] = field(default_factory=dict)
    events: dict[int, list[CaseEvent]] = field(default_factory=dict)
    codes: list[str] = field(default_factory=list)
    produced: list[CaseEvent] = field(default_factory=list)
    sql: Any = None

    def uow(self) -> MemoryUnitOfWork:
        """A unit of work over this store."""
        return MemoryUnitOfWork(self)

    def install_version(self, version: ModelVersion, elements: dict[str, Any]) -> None:
        """Make the model version available under its production id."""
        self.versions[version.id] = (version, elements)

    def seed_code(self, code: str) -> None:
        """The dossier code the next started case gets."""
        self.codes.append(code)

    def take_produced(self) -> list[CaseEvent]:
        """The events committed since the last call, in order."""
        produced, self.produced = self.produced, []
        return produced

    def close(self) -> None:
        """Forget everything (and give back the scratch database if one was used)."""
        if self.sql is not None:
            self.sql.close()
            self.sql = None


class MemoryUnitOfWork:
    """One transaction over a MemoryStore: reads see its own writes, commit applies them."""

    def __init__(self, store: MemoryStore) -> None:
        self.store = store
        self.new_cases: dict[int, Case] = {}
        self.new_tasks: dict[str, HumanTask] = {}
        self.new_events: list[CaseEvent] = []
        self._sql: Any = None
        self.models = _Models(self)
        self.cases = _Cases(self)
        self.tasks = _Tasks(self)
        self.events = _Events(self)

    def __enter__(self) -> MemoryUnitOfWork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.new_cases, self.new_tasks, self.new_events = {}, {}, []
        if self._sql is not None:
            self._sql.__exit__(None, None, None)
            self._sql = None

    def __getattr__(self, name: str) -> Any:
        # Repositories this store does not model are served by a scratch SQLite database.
        if name.startswith("_") or name in ("store", "new_cases", "new_tasks", "new_events"):
            raise AttributeError(name)
        if self._sql is None:
            if self.store.sql is None:
                from engine.adapters.scratch import ScratchDatabase

                self.store.sql = ScratchDatabase.acquire()
            self._sql = self.store.sql.uow().__enter__()
        return getattr(self._sql, name)

    def commit(self) -> None:
        """Apply the writes to the store."""
        if self._sql is not None:
            self._sql.commit()
        self.store.cases.update(self.new_cases)
        self.store.tasks.update(self.new_tasks)
        for event in self.new_events:
            self.store.events.setdefault(event.case_id, []).append(event)
        self.store.produced.extend(self.new_events)
        self.new_cases, self.new_tasks, self.new_events = {}, {}, []

    def rollback(self) -> None:
        """Drop the writes."""
        self.new_cases, self.new_tasks, self.new_events = {}, {}, []


class _Models:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.store = uow.store

    def get(self, version_id: int) -> ModelVersion | None:
        found = self.store.versions.get(version_id)
        return found[0] if found else None

    def elements(self, version_id: int) -> dict[str, Any]:
        found = self.store.versions.get(version_id)
        return dict(found[1]) if found else {}

    def by_hash(self, content_hash: str) -> ModelVersion | None:
        return next(
            (v for v, _ in self.store.versions.values() if v.content_hash == content_hash), None
        )

    def latest(self, procedure_id: str) -> ModelVersion | None:
        versions = self.versions(procedure_id)
        return versions[0] if versions else None

    def latest_id(self, procedure_id: str) -> int | None:
        latest = self.latest(procedure_id)
        return latest.id if latest else None

    def versions(self, procedure_id: str) -> list[ModelVersion]:
        found = [v for v, _ in self.store.versions.values() if v.procedure_id == procedure_id]
        return sorted(found, key=lambda v: v.version, reverse=True)


class _Cases:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def _current(self, case_id: int) -> Case | None:
        return self.uow.new_cases.get(case_id) or self.uow.store.cases.get(case_id)

    def add(self, case: Case) -> Case:
        case.id = 1 + max([0, *self.uow.store.cases, *self.uow.new_cases])
        case.row_version = 1
        self.uow.new_cases[case.id] = _stored(case)
        return case

    def get(self, case_id: int, *, lock: bool = False) -> Case | None:
        found = self._current(case_id)
        return _copy(found) if found else None

    def get_by_code(self, code: str, *, lock: bool = False) -> Case | None:
        for case_id in [*self.uow.new_cases, *self.uow.store.cases]:
            found = self._current(case_id)
            if found is not None and found.code == code:
                return _copy(found)
        return None

    def lock_of_task(self, task_id: str) -> Case | None:
        task = self.uow.new_tasks.get(task_id) or self.uow.store.tasks.get(task_id)
        return self.get(task.case_id) if task is not None else None

    def save(self, case: Case) -> None:
        current = self._current(case.id)
        if current is None or current.row_version != case.row_version:
            raise ConflictError(f"case {case.code} was changed by someone else; reload and retry")
        case.row_version += 1
        self.uow.new_cases[case.id] = _stored(case)

    def next_code(self, unit: str, day: datetime) -> str:
        if not self.uow.store.codes:
            raise ConflictError("the replay store has no dossier code for a second case")
        return self.uow.store.codes.pop(0)


class _Tasks:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def _current(self, task_id: str) -> HumanTask | None:
        return self.uow.new_tasks.get(task_id) or self.uow.store.tasks.get(task_id)

    def add(self, task: HumanTask) -> None:
        self.uow.new_tasks[task.id] = _stored(task)

    def update(self, task: HumanTask) -> None:
        self.uow.new_tasks[task.id] = _stored(task)

    def none_yet(self, case_id: int) -> None:
        pass  # nothing to remember: every read looks at the store

    def forget(self) -> None:
        pass

    def prefetch_open(self, case_ids: list[int]) -> None:
        pass

    def get(self, task_id: str) -> HumanTask | None:
        found = self._current(task_id)
        return _copy(found) if found else None

    def open_for_case(self, case_id: int) -> list[HumanTask]:
        ids = dict.fromkeys([*self.uow.store.tasks, *self.uow.new_tasks])
        found = [self._current(i) for i in ids]
        tasks = [
            _copy(t)
            for t in found
            if t is not None and t.case_id == case_id and t.state == TaskState.OPEN
        ]
        return sorted(tasks, key=lambda t: (t.created_at, t.id))


class _Events:
    def __init__(self, uow: MemoryUnitOfWork) -> None:
        self.uow = uow

    def append(self, event: CaseEvent) -> None:
        self.uow.new_events.append(_stored(event))

    def for_case(self, case_id: int) -> list[CaseEvent]:
        stored = self.uow.store.events.get(case_id, [])
        pending = [e for e in self.uow.new_events if e.case_id == case_id]
        return [_copy(e) for e in stored + pending]
