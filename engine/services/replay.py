"""Replay: re-run a case from its recorded inputs and check the engine reaches the same state.

The recorded history is split into commands: each command starts with an *input* event (the
case received, a task claimed, unclaimed or completed, a timer fired) and carries the events
the command derived from it. Replay runs the real use cases (engine.services) for every input,
on the exact model version the case ran (by content hash), with a FakeClock set to the recorded
instant, against a throwaway in-memory store (ctx.scratch): nothing touches production.
After each command the events it produced are compared with the recorded ones; the first
difference is the divergence. SpiffWorkflow task ids differ between runs, so tasks are mapped
by the order in which their task_created events appear (element id, then occurrence).

A new kind of input (an admin action, a delivered message) registers its replayer with
`register_input`; until it does, replay reports "not produced" at the first such event.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from engine.calendar import (
    Calendar,
    HistoricOverrides,
    LiveCalendar,
    OverrideVersion,
    office_hours_from_dict,
)
from engine.domain.clock import FakeClock
from engine.domain.errors import ConflictError, EngineError, NotFoundError
from engine.domain.model import Actor, Case, CaseEvent, HumanTask, ModelVersion
from engine.services.context import Context
from engine.services.recording import CALENDAR_VERSION, OFFICE_HOURS
from engine.services.replay_compare import (
    CaseState,
    Divergence,
    compare_events,
    compare_states,
    state_of,
)

Replayer = Callable[["ReplayRun", CaseEvent], None]
INPUTS: dict[str, Replayer] = {}
TIMER_FIRED = "timer_fired"  # also how a worker tick without a timer (a milestone) replays


def register_input(event_type: str) -> Callable[[Replayer], Replayer]:
    """Declare how to replay an input event type (decorator)."""

    def deco(fn: Replayer) -> Replayer:
        INPUTS[event_type] = fn
        return fn

    return deco


@dataclass
class ReplayResult:
    """What a replay found: a match, or the first event where the runs differ."""

    code: str
    model_hash: str
    model_version: int
    events: int
    commands: int
    through_seq: int
    matched: bool
    divergence: Divergence | None
    replayed: CaseState | None
    stored: CaseState | None
    seconds: float


@dataclass
class Recorded:
    """A case as stored: the row, its open tasks, its history and the model version it started
    on; `later` holds the versions it was migrated to (by content hash), with their elements."""

    case: Case
    open_tasks: list[HumanTask]
    events: list[CaseEvent]
    version: ModelVersion
    elements: dict[str, Any]
    later: dict[str, tuple[ModelVersion, dict[str, Any]]] = field(default_factory=dict)


def load_recorded(ctx: Context, case: Case) -> Recorded:
    """Read what replay needs from the production database (one read-only transaction)."""
    with ctx.reader() as uow:
        events = uow.events.for_case(case.id)
        # A migrated case started on another version than the one it is on now.
        first = events[0].model_hash if events else case.model_hash
        hashes = [first] + [e.payload["to_hash"] for e in events if e.type == "case_migrated"]
        versions: dict[str, tuple[ModelVersion, dict[str, Any]]] = {}
        for content_hash in dict.fromkeys(hashes):
            version = uow.models.by_hash(content_hash)
            if version is None:
                raise NotFoundError(f"model version {content_hash[:12]} of {case.code} is gone")
            versions[content_hash] = (version, uow.models.elements(version.id))
        version, elements = versions.pop(first)
        return Recorded(case, uow.tasks.open_for_case(case.id), events, version, elements, versions)


COMMAND_STARTS = frozenset(
    {
        "case_received",
        "task_claimed",
        "task_unclaimed",
        "task_assigned",
        "task_completed",
        "reappointment_requested",
        "case_migrated",
        "message_received",
        "case_started_by_message",
        "handoff_unacknowledged",
    }
)
SYSTEM = "system"


def commands_of(events: list[CaseEvent]) -> list[list[CaseEvent]]:
    """The history cut into commands: the events one transaction wrote.

    Every event of a command carries the command's instant and actor; a new command starts
    where either changes, or at a second claim/unclaim/completion/receipt at the same instant
    (a fake clock in tests, or a script, can act twice within one instant).
    """
    groups: list[list[CaseEvent]] = []
    for event in events:
        current = groups[-1] if groups else None
        if (
            current is None
            or event.at != current[0].at
            or event.actor != current[0].actor
            or (event.type in COMMAND_STARTS and any(e.type in COMMAND_STARTS for e in current))
        ):
            groups.append([event])
        else:
            current.append(event)
    return groups


class ReplayRun:
    """One replay of one case in its own scratch database."""

    def __init__(self, ctx: Context, recorded: Recorded) -> None:
        if ctx.scratch is None:
            raise ConflictError("replay needs a scratch store (ctx.scratch is not wired)")
        self.recorded = recorded
        self.code = recorded.case.code
        self.db = ctx.scratch()
        self.db.install_version(recorded.version, recorded.elements)
        self.db.seed_code(self.code)
        first = recorded.events[0].at if recorded.events else recorded.case.received_at
        # Same calendar, settings and catalog (the version keeps its production id in the
        # store, so the built spec is shared); its own store, clock and nothing of production's.
        self.ctx = replace(
            ctx,
            uow=self.db.uow,
            read_uow=self.db.uow,
            clock=FakeClock(first),
            db_engine=None,
            scratch=None,
        )
        self.source = ctx  # production's, read for the calendar's history only
        self.calendar_history: list[OverrideVersion] | None = None
        receipt = recorded.events[0].payload if recorded.events else {}
        if CALENDAR_VERSION in receipt:  # cases received before versions were recorded: today's
            self.pin_calendar(int(receipt[CALENDAR_VERSION]))
        if OFFICE_HOURS in receipt:  # likewise
            self.pin_office_hours(receipt[OFFICE_HOURS])
        self.task_ids: dict[str, str] = {}  # recorded task id -> replayed task id
        self.task_info: dict[str, tuple[str, tuple[str, ...]]] = {}  # replayed id -> unit, groups

    def pin_calendar(self, version: int) -> None:
        """Count working time as the override table stood at `version`, as the recorded
        commands did (an override withdrawn since must not move a replayed appointment)."""
        if self.calendar_history is None:
            with self.source.reader() as uow:
                self.calendar_history = list(uow.calendar.history())
        history = self.calendar_history

        def at_version(calendar: Calendar) -> LiveCalendar:
            return LiveCalendar(HistoricOverrides(history, version), calendar.hours)

        self.ctx = replace(
            self.ctx,
            calendar=at_version(self.ctx.calendar),
            unit_calendars={u: at_version(c) for u, c in self.ctx.unit_calendars.items()},
        )

    def pin_office_hours(self, hours: dict[str, Any]) -> None:
        """Count each recorded unit's time with the office hours the recorded commands used
        (an operator may have changed MOTCUA_OFFICE_HOURS since)."""
        calendars = dict(self.ctx.unit_calendars)
        for unit, raw in hours.items():
            recorded = office_hours_from_dict(raw, f"recorded office hours of {unit}")
            calendars[unit] = self.ctx.calendar_for(unit).with_hours(recorded)
        self.ctx = replace(self.ctx, unit_calendars=calendars)

    def close(self) -> None:
        """Drop the scratch database."""
        self.db.close()

    def replayed_task(self, recorded_id: str | None) -> tuple[str, str, tuple[str, ...]]:
        """(id, unit, candidate groups) of the replayed twin of a recorded task."""
        mapped = self.task_ids.get(recorded_id or "")
        if mapped is None or mapped not in self.task_info:
            raise ConflictError(f"task {recorded_id} has no twin in the replay")
        unit, groups = self.task_info[mapped]
        return mapped, unit, groups

    def actor(
        self, event: CaseEvent, task: tuple[str, str, tuple[str, ...]] | None = None
    ) -> Actor:
        """An actor that passes the checks the recorded actor passed, with the same sub and unit."""
        units = {event.actor_unit} if event.actor_unit else set()
        roles = {"replay"}
        if task is not None:
            units.add(task[1])
            roles.update(task[2])
        else:
            roles.add("system")
        return Actor(sub=event.actor, roles=frozenset(roles), units=frozenset(units))

    def step(self, group: list[CaseEvent]) -> Divergence | None:
        """Replay one command and compare what it produced with the recorded events."""
        head = group[0]
        replayer = INPUTS.get(head.type)
        if replayer is None and head.actor == SYSTEM:
            replayer = INPUTS[TIMER_FIRED]  # a milestone or timer the worker ran
        if replayer is None:
            return Divergence(
                head.seq,
                head.type,
                "input",
                "a replayable input event",
                head.type,
                f"event {head.seq} ({head.type}) is not an input that replay knows how to run",
            )
        self.ctx.clock = FakeClock(head.at)
        for event in group:  # the command counted with another calendar than the one before
            if event.type == "calendar_in_force":
                self.pin_calendar(int(event.payload["version"]))
            elif event.type == "office_hours_in_force":
                self.pin_office_hours(event.payload["hours"])
        try:
            replayer(self, head)
        except Exception as exc:  # any failure is the finding, not a crash of the replay
            message = (
                exc.message if isinstance(exc, EngineError) else f"{type(exc).__name__}: {exc}"
            )
            return Divergence(
                head.seq,
                head.type,
                "command",
                "the command succeeds",
                message,
                f"replaying event {head.seq} ({head.type}) failed: {message}",
            )
        produced = self.db.take_produced()
        for event in produced:
            if event.type == "task_created" and event.task_id:
                p = event.payload
                self.task_info[event.task_id] = (
                    str(p.get("unit", "")),
                    tuple(p.get("candidate_groups") or ()),
                )
        return compare_events(group, produced, self.task_ids)

    def state(self, through: CaseEvent) -> CaseState:
        """The replayed case as it stands, task ids given back as the recorded ones."""
        with self.db.uow() as uow:
            case = uow.cases.get_by_code(self.code)
            tasks = uow.tasks.open_for_case(case.id) if case else []
        if case is None:
            raise ConflictError(f"the replay of {self.code} has no case")
        back = {v: k for k, v in self.task_ids.items()}
        return state_of(case, tasks, through.seq, through.at, back)


def replay(ctx: Context, recorded: Recorded, until_seq: int | None = None) -> ReplayResult:
    """Replay the recorded history (up to the command holding `until_seq`) and compare."""
    started = time.perf_counter()
    groups = commands_of(recorded.events)
    run = ReplayRun(ctx, recorded)
    divergence: Divergence | None = None
    replayed: CaseState | None = None
    stored: CaseState | None = None
    done = 0
    try:
        for group in groups:
            divergence = run.step(group)
            done += 1
            if divergence is not None:
                break
            if until_seq is not None and group[-1].seq >= until_seq:
                break
        last = groups[done - 1][-1] if done else None
        if divergence is None and last is not None:
            replayed = run.state(last)
            if until_seq is None:
                stored = state_of(
                    recorded.case, recorded.open_tasks, last.seq, last.at, {}, stored=True
                )
                divergence = compare_states(stored, replayed, last)
    finally:
        run.close()
    through = groups[done - 1][-1].seq if done else 0
    return ReplayResult(
        code=recorded.case.code,
        model_hash=recorded.version.content_hash,
        model_version=recorded.version.version,
        events=sum(len(g) for g in groups[:done]),
        commands=done,
        through_seq=through,
        matched=divergence is None,
        divergence=divergence,
        replayed=replayed,
        stored=stored,
        seconds=time.perf_counter() - started,
    )


def target_seq(events: list[CaseEvent], seq: int | None, at: datetime | None) -> int:
    """The last event to include: `seq` itself, or the last event at or before `at`."""
    if seq is not None:
        if not any(e.seq == seq for e in events):
            raise NotFoundError(f"the case has no event {seq}")
        return seq
    if at is None:
        return events[-1].seq if events else 0
    before = [e.seq for e in events if e.at <= at]
    if not before:
        raise NotFoundError(f"the case did not exist yet at {at.isoformat()}")
    return before[-1]


# Inputs registered by other modules (they import register_input from here).
from engine.services import replay_inputs as _command_replayers  # noqa: E402, F401
from engine.services.messaging import replayers as _message_replayers  # noqa: E402, F401
