"""What replay compares: events produced against events recorded, and the case state at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.model import Case, CaseEvent, CaseStatus, HumanTask

_MISSING = object()


@dataclass(frozen=True)
class Divergence:
    """The first place where the replay differs from the record."""

    seq: int
    event_type: str
    what: str
    expected: Any
    found: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "seq": self.seq,
            "event_type": self.event_type,
            "what": self.what,
            "expected": _jsonable(self.expected),
            "found": _jsonable(self.found),
            "message": self.message,
        }


@dataclass(frozen=True)
class TaskHolder:
    """An open task and who held it."""

    task_id: str
    element_id: str
    name: str
    unit: str
    candidate_groups: tuple[str, ...]
    assignee: str | None
    created_at: datetime
    due_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "task_id": self.task_id,
            "element_id": self.element_id,
            "name": self.name,
            "unit": self.unit,
            "candidate_groups": list(self.candidate_groups),
            "assignee": self.assignee,
            "created_at": _iso(self.created_at),
            "due_at": _iso(self.due_at),
        }


@dataclass(frozen=True)
class CaseState:
    """A case as it stood after an event: what auditors ask for, and what replay compares."""

    through_seq: int
    at: datetime
    status: CaseStatus
    completed: bool
    appointment_at: datetime | None
    accepted_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    next_due_at: datetime | None
    data: dict[str, Any]
    open_tasks: tuple[TaskHolder, ...]
    legal_clock: dict[str, Any]

    def comparable(self) -> dict[str, Any]:
        """The fields replay compares, in the order a divergence is looked for."""
        return {
            "status": int(self.status),
            "completed": self.completed,
            "appointment_at": _iso(self.appointment_at),
            "accepted_at": _iso(self.accepted_at),
            "finished_at": _iso(self.finished_at),
            "returned_at": _iso(self.returned_at),
            "next_due_at": _iso(self.next_due_at),
            "open_tasks": {
                t.task_id: {
                    "element_id": t.element_id,
                    "assignee": t.assignee,
                    "due_at": _iso(t.due_at),
                }
                for t in self.open_tasks
            },
            "legal_clock": self.legal_clock,
            "data": self.data,
        }

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "through_seq": self.through_seq,
            "at": _iso(self.at),
            "status": {"code": int(self.status), "label": self.status.label},
            "completed": self.completed,
            "appointment_at": _iso(self.appointment_at),
            "accepted_at": _iso(self.accepted_at),
            "finished_at": _iso(self.finished_at),
            "returned_at": _iso(self.returned_at),
            "next_due_at": _iso(self.next_due_at),
            "open_tasks": [t.as_dict() for t in self.open_tasks],
            "legal_clock": self.legal_clock,
            "data": self.data,
        }


def state_of(
    case: Case,
    tasks: list[HumanTask],
    through_seq: int,
    at: datetime,
    back: dict[str, str],
    *,
    stored: bool = False,
) -> CaseState:
    """A CaseState from a case row and its open tasks (task ids translated through `back`)."""
    del stored  # the same shape either way; the flag documents the call site
    holders = tuple(
        sorted(
            (
                TaskHolder(
                    task_id=back.get(t.id, t.id),
                    element_id=t.element_id,
                    name=t.name,
                    unit=t.unit,
                    candidate_groups=tuple(t.candidate_groups),
                    assignee=t.assignee,
                    created_at=t.created_at,
                    due_at=t.due_at,
                )
                for t in tasks
            ),
            key=lambda h: (h.created_at, h.element_id, h.task_id),
        )
    )
    return CaseState(
        through_seq=through_seq,
        at=at,
        status=case.status,
        completed=case.completed,
        appointment_at=case.appointment_at,
        accepted_at=case.accepted_at,
        finished_at=case.finished_at,
        returned_at=case.returned_at,
        next_due_at=case.next_due_at,
        data=case.data or {},
        open_tasks=holders,
        legal_clock=legal_clock_of(case),
    )


SLA_FIELDS = (
    "sla_state",
    "sla_next_at",
    "supplement_count",
    "reappointments",
    "paused_hours",
    "on_time",
)


def legal_clock_of(case: Case) -> dict[str, Any]:
    """The case's legal clock (intervals, milestones, SLA state) as JSON, for people and replay.

    The worker's incident counter is left out: it is operations, not the clock.
    """
    clock = {
        k: v for k, v in (getattr(case, "legal_clock", None) or {}).items() if k != "incidents"
    }
    for name in SLA_FIELDS:
        if hasattr(case, name):
            clock[name] = _jsonable(getattr(case, name))
    return clock


def compare_states(stored: CaseState, replayed: CaseState, last: CaseEvent) -> Divergence | None:
    """The first field where the replayed case differs from the stored one."""
    found = first_difference(stored.comparable(), replayed.comparable())
    if found is None:
        return None
    path, expected, got = found
    return Divergence(
        last.seq,
        last.type,
        f"state{path}",
        expected,
        got,
        f"after the last event ({last.seq}, {last.type}) the stored case and the replayed case "
        f"differ at {path.lstrip('.')}",
    )


def _view(event: CaseEvent, back: dict[str, str]) -> dict[str, Any]:
    return {
        "seq": event.seq,
        "type": event.type,
        "at": _iso(event.at),
        "actor": event.actor,
        "actor_unit": event.actor_unit,
        "model_hash": event.model_hash,
        "task_id": back.get(event.task_id or "", event.task_id),
        "payload": _translate(event.payload, back),
    }


def compare_events(
    recorded: list[CaseEvent], produced: list[CaseEvent], task_ids: dict[str, str]
) -> Divergence | None:
    """The first recorded event the replay did not reproduce exactly; learns task twins."""
    for i, rec in enumerate(recorded):
        if i >= len(produced):
            return Divergence(
                rec.seq,
                rec.type,
                "event",
                rec.type,
                None,
                f"event {rec.seq} ({rec.type}) was not produced by the replay",
            )
        got = produced[i]
        if rec.type == got.type == "task_created" and rec.task_id and got.task_id:
            task_ids.setdefault(rec.task_id, got.task_id)
        back = {v: k for k, v in task_ids.items()}
        found = first_difference(_view(rec, {}), _view(got, back))
        if found is not None:
            path, expected, got_value = found
            return Divergence(
                rec.seq,
                rec.type,
                path.lstrip("."),
                expected,
                got_value,
                f"event {rec.seq} ({rec.type}) differs at {path.lstrip('.')}",
            )
    if len(produced) > len(recorded):
        extra = produced[len(recorded)]
        return Divergence(
            extra.seq,
            extra.type,
            "event",
            None,
            extra.type,
            f"the replay produced an extra event {extra.seq} ({extra.type}) the record lacks",
        )
    return None


def first_difference(a: Any, b: Any, path: str = "") -> tuple[str, Any, Any] | None:
    """(path, a's value, b's value) of the first difference, keys in sorted order."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b), key=str):
            found = first_difference(a.get(key, _MISSING), b.get(key, _MISSING), f"{path}.{key}")
            if found is not None:
                return found
        return None
    if isinstance(a, list) and isinstance(b, list):
        for i, (x, y) in enumerate(zip(a, b, strict=False)):
            found = first_difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        if len(a) != len(b):
            return (f"{path}.length", len(a), len(b))
        return None
    if a is _MISSING or b is _MISSING or a != b or type(a) is not type(b):
        return (path, None if a is _MISSING else a, None if b is _MISSING else b)
    return None


def _translate(value: Any, back: dict[str, str]) -> Any:
    if not back:
        return value
    if isinstance(value, str):
        return back.get(value, value)
    if isinstance(value, dict):
        return {k: _translate(v, back) for k, v in value.items()}
    if isinstance(value, list):
        return [_translate(v, back) for v in value]
    return value


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
