"""Apply what the engine did in one command to the case: status, slips, tasks, events, state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.calendar import Calendar, office_hours_to_dict, parse_limit
from engine.domain.history import GENESIS, seal
from engine.domain.model import Actor, Case, CaseEvent, CaseStatus, HumanTask, TaskState
from engine.runtime.instance import ElementCompleted, Instance, ReadyTask
from engine.services.access import RECEIVING_ROLE
from engine.services.context import Context, Deployed, UnitOfWork
from engine.services.escalation import escalate
from engine.services.legal_clock import SUPPLEMENT, ClockEvent, LegalClock
from engine.services.messaging import outbound, portal
from engine.services.slips import build_slip

CALENDAR_VERSION = "calendar_version"
OFFICE_HOURS = "office_hours"
FINISHING = {CaseStatus.DONE, CaseStatus.RETURNED, CaseStatus.REJECTED, CaseStatus.STOPPED}


@dataclass
class CaseRecorder:
    """Collects the effects of one command on one case and writes them in the same transaction."""

    ctx: Context
    uow: UnitOfWork
    case: Case
    deployed: Deployed
    actor: Actor
    now: datetime

    def event(self, type_: str, payload: dict[str, Any], task_id: str | None = None) -> CaseEvent:
        """Append a sealed event to the case's chain."""
        event = CaseEvent(
            case_id=self.case.id,
            seq=self.case.last_event_seq + 1,
            type=type_,
            at=self.now,
            actor=self.actor.sub,
            actor_unit=self.actor.primary_unit or self.case.unit,
            payload=payload,
            model_hash=self.case.model_hash,
            task_id=task_id,
        )
        seal(event, self.case.last_event_hash or GENESIS)
        self.uow.events.append(event)
        self.case.last_event_seq, self.case.last_event_hash = event.seq, event.hash
        portal.on_event(self, event)  # the national portal's record of it, if any
        return event

    def set_status(self, status: CaseStatus, element: ElementCompleted | None = None) -> None:
        """Move the case to a portal status, with its side effects on the legal clock."""
        old = self.case.status
        if status == old:
            return
        self.case.status = status
        self.event(
            "status_changed",
            {
                "from": int(old),
                "to": int(status),
                "label": status.label,
                "element_id": element.element_id if element else None,
            },
        )
        clock = self.clock
        if status == CaseStatus.ACCEPTED and self.case.accepted_at is None:
            self.case.accepted_at = self.now
            self.record(clock.start(self.now, self.deployed.meta.time_limit))
        if status == CaseStatus.SUPPLEMENT_REQUESTED:
            if clock.started:
                self.record(clock.pause(self.now, SUPPLEMENT))
            else:  # at intake: the clock will start from the complete dossier
                count = int(self.case.legal_clock.get("intake_supplements", 0)) + 1
                self.case.legal_clock["intake_supplements"] = count
        elif old == CaseStatus.SUPPLEMENT_REQUESTED and clock.paused:
            self.record(clock.resume(self.now, "supplement received"))
        if status in FINISHING and self.case.finished_at is None:
            self.case.finished_at = self.now
            self.record(clock.finish(self.now))
        if status == CaseStatus.RETURNED:
            self.case.returned_at = self.now

    @property
    def calendar(self) -> Calendar:
        """The working calendar of the case's unit."""
        return self.ctx.calendar_for(self.case.unit)

    @property
    def clock(self) -> LegalClock:
        """The case's legal clock over the effective calendar."""
        return LegalClock(self.case, self.calendar, self.ctx.sla_warn_share)

    def record(self, events: list[ClockEvent]) -> None:
        """Append the events a legal-clock change produced."""
        for item in events:
            self.event(item.type, item.payload)

    def apply_completed(self, completed: list[ElementCompleted]) -> None:
        """Status and slip effects of the elements that finished, in order."""
        for element in completed:
            status = element.properties.get("portalStatus")
            if status:
                self.set_status(CaseStatus(int(status)), element)
            action = (element.properties.get("legalClock") or "").strip().lower()
            if action == "pause":
                reason = element.properties.get("clockReason") or element.element_id
                self.record(self.clock.pause(self.now, reason))
            elif action == "resume":
                self.record(self.clock.resume(self.now, element.element_id))
            slip = element.properties.get("slip")
            if slip:
                data = build_slip(slip, self.case, self.deployed.meta, self.actor, self.now)
                self.event("slip_issued", {"element_id": element.element_id, "slip": data})

    def _candidate_groups(self, task: ReadyTask) -> list[str]:
        explicit = task.properties.get("candidateGroups", "")
        groups = [g.strip() for g in explicit.split(",") if g.strip()]
        lane_role = self.deployed.meta.lanes.get(task.lane)
        if lane_role and lane_role not in groups:
            groups.append(lane_role)
        return groups

    def _due_at(self, task: ReadyTask) -> datetime | None:
        allotment = task.properties.get("allotment")
        if not allotment:
            return None
        return step_due(self.calendar, self.now, allotment)

    def sync_tasks(self, instance: Instance) -> None:
        """Make the task projection match the engine's READY human tasks: only changed rows."""
        ready = {t.id: t for t in instance.ready_human_tasks()}
        open_tasks = {
            t.id: t for t in self.uow.tasks.open_for_case(self.case.id) if t.kind == "bpmn"
        }
        for task_id, task in open_tasks.items():
            if task_id not in ready:
                task.state, task.completed_at = TaskState.CANCELLED, self.now
                self.uow.tasks.update(task)
                self.event("task_cancelled", {"element_id": task.element_id}, task_id)
        for task_id, spec in ready.items():
            if task_id in open_tasks:
                continue
            groups = self._candidate_groups(spec)
            task = HumanTask(
                id=task_id,
                case_id=self.case.id,
                case_code=self.case.code,
                element_id=spec.element_id,
                name=spec.name,
                lane=spec.lane,
                candidate_groups=groups,
                unit=task_unit(self.case, groups),
                state=TaskState.OPEN,
                form=spec.properties.get("formJsonSchemaFilename", ""),
                created_at=self.now,
                due_at=self._due_at(spec),
            )
            self.uow.tasks.add(task)
            self.event(
                "task_created",
                {
                    "element_id": task.element_id,
                    "name": task.name,
                    "lane": task.lane,
                    "candidate_groups": task.candidate_groups,
                    "unit": task.unit,
                    "due_at": task.due_at.isoformat() if task.due_at else None,
                },
                task_id,
            )

    def refresh_open_tasks(self, instance: Instance) -> list[dict[str, Any]]:
        """Give open tasks still ready the name, lane, groups and form of the case's current
        model version (after a migration); ids, claims and due dates stay. Returns the changes."""
        ready = {t.id: t for t in instance.ready_human_tasks()}
        changes = []
        for task in self.uow.tasks.open_for_case(self.case.id):
            spec = ready.get(task.id)
            if task.kind != "bpmn" or spec is None:
                continue
            new = {
                "name": spec.name,
                "lane": spec.lane,
                "candidate_groups": self._candidate_groups(spec),
                "form": spec.properties.get("formJsonSchemaFilename", ""),
            }
            changed = {k: v for k, v in new.items() if getattr(task, k) != v}
            if changed:
                for name, value in changed.items():
                    setattr(task, name, value)
                self.uow.tasks.update(task)
                changes.append({"task_id": task.id, "element_id": task.element_id, **changed})
        return changes

    def finish(self, instance: Instance) -> None:
        """Store state, data and projections; called last, inside the same transaction."""
        self.case.data = instance.data
        self.apply_completed(instance.completed)
        instance.completed.clear()
        self.sync_tasks(instance)
        if instance.is_completed() and self.case.finished_at is None:
            # The process ended without a finishing portal status: the case is resolved now.
            self.case.finished_at = self.now
            self.record(self.clock.finish(self.now))
        escalate(self)
        outbound.publish(self, instance)  # messages thrown, catches waited at
        self.case.state = instance.dump()
        self.schedule(instance.next_due_at())
        if instance.is_completed() and not self.case.completed:
            self.case.completed = True
            self.event("case_completed", {"status": int(self.case.status)})

    def calendar_at_receipt(self) -> dict[str, Any]:
        """For the receipt event: the calendar version and the office hours the case starts
        counting with (replay counts with the same ones), remembered on the case."""
        receipt: dict[str, Any] = {OFFICE_HOURS: self._office_hours()}
        self.case.legal_clock[OFFICE_HOURS] = receipt[OFFICE_HOURS]
        version = self.ctx.calendar_version()
        if version is not None:
            self.case.legal_clock[CALENDAR_VERSION] = receipt[CALENDAR_VERSION] = version
        return receipt

    def _office_hours(self) -> dict[str, Any]:
        """The office hours of the units that count the case's time: its own, and the counter
        that received it for them (phi địa giới)."""
        units = sorted({self.case.unit, self.case.receiving_unit} - {""})
        return {unit: office_hours_to_dict(self.ctx.calendar_for(unit).hours) for unit in units}

    def note_calendar(self) -> None:
        """Record it when this command counted with another calendar version or other office
        hours than the case's last ones (an admin changed the override table, an operator
        the MOTCUA_OFFICE_HOURS file, meanwhile): replay pins them there."""
        known = self.case.legal_clock.get(CALENDAR_VERSION)
        version = self.ctx.calendar_version()
        if known is not None and version is not None and version != known:
            self.case.legal_clock[CALENDAR_VERSION] = version
            self.event("calendar_in_force", {"version": version, "previous": known})
        known_hours = self.case.legal_clock.get(OFFICE_HOURS)
        if known_hours is None:
            return  # received before office hours were recorded: replay counts with today's
        hours = self._office_hours()
        if hours != known_hours:
            self.case.legal_clock[OFFICE_HOURS] = hours
            self.event("office_hours_in_force", {"hours": hours, "previous": known_hours})

    def schedule(self, timer_due: datetime | None) -> None:
        """Wake the worker at the next timer or legal-clock milestone, whichever comes first."""
        self.note_calendar()
        marks = [t for t in (timer_due, self.case.sla_next_at) if t is not None]
        self.case.next_due_at = min(marks) if marks else None


def task_unit(case: Case, groups: list[str]) -> str:
    """The one-stop desk's steps belong to the counter that received the dossier (phi địa giới),
    every other step to the unit handling it."""
    return case.receiver if RECEIVING_ROLE in groups else case.unit


def step_due(calendar: Calendar, now: datetime, allotment: str) -> datetime:
    """When a step allotted `allotment` (e.g. 0.5WD, 2WH) and started now is due.

    A step's allotment is office time from the moment the task reaches the officer (the 15:00
    rule is for dossiers, not steps); time outside office hours does not count.
    """
    limit = parse_limit(allotment)
    start = calendar.next_working_instant(now)
    if limit.unit == "SD":
        return calendar.end_of_working_day(start.date())
    hours = limit.amount * calendar.hours.hours_per_day if limit.unit == "WD" else limit.amount
    return calendar.add_working_hours(start, hours)


def step_verdict(due_at: datetime | None, done_at: datetime, calendar: Calendar) -> str | None:
    """Early, on time or late for the tracking slip (Mẫu 06): late after due_at, on time on the
    due day, early before it."""
    if due_at is None:
        return None
    if done_at > due_at:
        return "late"
    tz = calendar.hours.tz
    return "on_time" if done_at.astimezone(tz).date() == due_at.astimezone(tz).date() else "early"
