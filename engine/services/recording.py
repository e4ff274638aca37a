"""Apply what the engine did in one command to the case: status, slips, tasks, events, state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.calendar import parse_limit
from engine.domain.history import GENESIS, seal
from engine.domain.model import Actor, Case, CaseEvent, CaseStatus, HumanTask, TaskState
from engine.runtime.instance import ElementCompleted, Instance, ReadyTask
from engine.services.context import Context, Deployed, UnitOfWork
from engine.services.slips import build_slip

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
        return event

    def set_status(self, status: CaseStatus, element: ElementCompleted | None = None) -> None:
        """Move the case to a portal status, with its side effects (appointment, finish times)."""
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
        if status == CaseStatus.ACCEPTED:
            self._set_appointment()
        if status in FINISHING and self.case.finished_at is None:
            self.case.finished_at = self.now
        if status == CaseStatus.RETURNED:
            self.case.returned_at = self.now

    def _set_appointment(self) -> None:
        # The legal clock counts from receipt of a complete, valid dossier (DOMAIN §1.5-1.6).
        self.case.accepted_at = self.now
        limit = self.deployed.meta.time_limit
        if not limit:
            return
        before = self.case.appointment_at
        self.case.appointment_at = self.ctx.calendar.due(self.now, parse_limit(limit))
        self.event(
            "appointment_set",
            {
                "time_limit": limit,
                "counted_from": self.now.isoformat(),
                "before": before.isoformat() if before else None,
                "appointment_at": self.case.appointment_at.isoformat(),
            },
        )

    def apply_completed(self, completed: list[ElementCompleted]) -> None:
        """Status and slip effects of the elements that finished, in order."""
        for element in completed:
            status = element.properties.get("portalStatus")
            if status:
                self.set_status(CaseStatus(int(status)), element)
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
        return self.ctx.calendar.due(self.now, parse_limit(allotment))

    def sync_tasks(self, instance: Instance) -> None:
        """Make the task projection match the engine's READY human tasks: only changed rows."""
        ready = {t.id: t for t in instance.ready_human_tasks()}
        open_tasks = {t.id: t for t in self.uow.tasks.open_for_case(self.case.id)}
        for task_id, task in open_tasks.items():
            if task_id not in ready:
                task.state, task.completed_at = TaskState.CANCELLED, self.now
                self.uow.tasks.update(task)
                self.event("task_cancelled", {"element_id": task.element_id}, task_id)
        for task_id, spec in ready.items():
            if task_id in open_tasks:
                continue
            task = HumanTask(
                id=task_id,
                case_id=self.case.id,
                case_code=self.case.code,
                element_id=spec.element_id,
                name=spec.name,
                lane=spec.lane,
                candidate_groups=self._candidate_groups(spec),
                unit=self.case.unit,
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

    def finish(self, instance: Instance) -> None:
        """Store state, data and projections; called last, inside the same transaction."""
        self.case.data = instance.data
        self.apply_completed(instance.completed)
        instance.completed.clear()
        self.sync_tasks(instance)
        self.case.state = instance.dump()
        self.case.next_due_at = instance.next_due_at()
        if instance.is_completed() and not self.case.completed:
            self.case.completed = True
            self.event("case_completed", {"status": int(self.case.status)})
