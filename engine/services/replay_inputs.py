"""How replay re-runs each command input a case's history records (register_input)."""

from __future__ import annotations

from dataclasses import replace

from engine.domain.errors import ConflictError
from engine.domain.model import Actor, CaseEvent
from engine.services.assignment import assign_task
from engine.services.cases import start_case
from engine.services.replay import SYSTEM, TIMER_FIRED, ReplayRun, register_input
from engine.services.tasks import claim_task, complete_task, unclaim_task
from engine.services.timers import fire_timers


@register_input("case_received")
def _received(run: ReplayRun, event: CaseEvent) -> None:
    p = event.payload
    start_case(
        run.ctx,
        run.actor(event),
        p["procedure_id"],
        p["channel"],
        p["unit"],
        p.get("data") or {},
        p.get("applicant"),
        p.get("receiving_unit"),
    )


@register_input("task_claimed")
def _claimed(run: ReplayRun, event: CaseEvent) -> None:
    task = run.replayed_task(event.task_id)
    claim_task(run.ctx, run.actor(event, task), task[0])


@register_input("task_unclaimed")
def _unclaimed(run: ReplayRun, event: CaseEvent) -> None:
    task = run.replayed_task(event.task_id)
    unclaim_task(run.ctx, run.actor(event, task), task[0])


@register_input("task_assigned")
def _assigned(run: ReplayRun, event: CaseEvent) -> None:
    task = run.replayed_task(event.task_id)
    actor = run.actor(event, task)
    leader = replace(actor, roles=actor.roles | {"leader"})
    assign_task(run.ctx, leader, task[0], event.payload.get("assignee"))


@register_input("task_completed")
def _completed(run: ReplayRun, event: CaseEvent) -> None:
    task = run.replayed_task(event.task_id)
    complete_task(run.ctx, run.actor(event, task), task[0], event.payload.get("data") or {})


@register_input(TIMER_FIRED)
def _worker_tick(run: ReplayRun, event: CaseEvent) -> None:
    actor = Actor(sub=event.actor, roles=frozenset({SYSTEM}), units=frozenset())
    if not fire_timers(run.ctx, actor, run.code):
        raise ConflictError("nothing of the replayed case was due at the recorded instant")


@register_input("reappointment_requested")
def _reappointed(run: ReplayRun, event: CaseEvent) -> None:
    from engine.services.sla import reappoint_case

    units = frozenset({event.actor_unit}) if event.actor_unit else frozenset()
    actor = Actor(sub=event.actor, roles=frozenset({"leader"}), units=units)
    reappoint_case(run.ctx, actor, run.code, event.payload.get("data") or {})


@register_input("case_migrated")
def _migrated(run: ReplayRun, event: CaseEvent) -> None:
    from engine.services.migration import migrate_cases

    p = event.payload
    version, elements = run.recorded.later[p["to_hash"]]
    run.db.install_version(version, elements)
    units = frozenset({event.actor_unit}) if event.actor_unit else frozenset()
    actor = Actor(sub=event.actor, roles=frozenset({"admin"}), units=units)
    report = migrate_cases(
        run.ctx,
        actor,
        p["procedure_id"],
        p["from_version"],
        p["to_version"],
        [run.code],
        dry_run=False,
        reason=p.get("reason", ""),
    )
    if not report.migrated:
        raise ConflictError("; ".join(report.cases[0].reasons) or "the case was not migrated")
