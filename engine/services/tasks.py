"""Use cases on human tasks: list, show with form and prefill, claim, unclaim, complete."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.errors import ConflictError, FormValidationError, InvalidInputError
from engine.domain.model import Actor, Case, HumanTask, TaskState
from engine.runtime.instance import Instance
from engine.services.access import (
    READ_ALL_ROLES,
    can_work_on,
    require_staff,
    require_worker,
    visible_case,
    visible_task,
)
from engine.services.context import Context, Deployed, UnitOfWork
from engine.services.escalation import builtin_form, complete_engine_task
from engine.services.recording import CaseRecorder, step_verdict
from forms import merge_submission

SCOPES = ("mine", "units", "all")


@dataclass(frozen=True)
class TaskView:
    """A task with what an officer needs to fill it in."""

    task: HumanTask
    case: Case
    schema: dict[str, Any] | None
    ui_schema: dict[str, Any] | None
    prefill: dict[str, Any]
    can_act: bool
    # After a completion: the case's open tasks, so that a client can go on without a search.
    open_tasks: tuple[HumanTask, ...] = ()


def list_tasks(
    ctx: Context, actor: Actor, scope: str, filters: dict[str, Any], page: Any
) -> tuple[list[HumanTask], int]:
    """Tasks for me (claimed by me), for my units and groups, or (admin) all, with filters."""
    require_staff(actor, "listing tasks")
    if scope not in SCOPES:
        raise InvalidInputError(f"scope must be one of {', '.join(SCOPES)}")
    filters = dict(filters)
    filters.setdefault("state", TaskState.OPEN.value)
    if scope == "mine":
        filters["assignee"] = actor.sub
        filters["units"] = actor.units
    elif scope == "units" or not actor.has_role(*READ_ALL_ROLES):
        filters["units"] = actor.units
        filters["groups"] = actor.roles
    with ctx.reader() as uow:
        return uow.tasks.search(filters, page)


def get_task(ctx: Context, actor: Actor, task_id: str) -> TaskView:
    """A task with its JSON Schema, ui schema and the data prefilled from the case."""
    with ctx.reader() as uow:
        task = visible_task(actor, uow.tasks.get(task_id), task_id)
        case = visible_case(actor, uow.cases.get(task.case_id), task.case_code)
        deployed = ctx.catalog.get(uow, case.model_version_id)
    form = builtin_form(task.form) if task.kind != "bpmn" else deployed.form(task.form)
    prefill: dict[str, Any] = {}
    if form is not None:
        prefill = form.prefill(case.data or {})
    return TaskView(
        task,
        case,
        form.schema if form else None,
        form.ui_schema if form else None,
        prefill,
        can_work_on(actor, task),
    )


def lock_task(uow: UnitOfWork, actor: Actor, task_id: str) -> tuple[HumanTask, Case]:
    """The task and its case, the case locked: the task is read under the lock, so a command
    that finished it meanwhile is seen."""
    case = uow.cases.lock_of_task(task_id)
    task = None
    if case is not None:
        task = next((t for t in uow.tasks.open_for_case(case.id) if t.id == task_id), None)
        task = task or uow.tasks.get(task_id)
    task = visible_task(actor, task, task_id)
    if task.state != TaskState.OPEN:
        raise ConflictError(f"task {task_id} is {task.state.value}, not open")
    return task, case


def claim_task(ctx: Context, actor: Actor, task_id: str) -> HumanTask:
    """Take a task so that nobody else works on it."""
    with ctx.uow() as uow:
        task, case = lock_task(uow, actor, task_id)
        require_worker(actor, task)
        if task.assignee == actor.sub:
            return task
        now = ctx.clock.now()
        task.assignee, task.claimed_at = actor.sub, now
        uow.tasks.update(task)
        recorder = CaseRecorder(
            ctx, uow, case, ctx.catalog.get(uow, case.model_version_id), actor, now
        )
        recorder.event(
            "task_claimed", {"element_id": task.element_id, "assignee": actor.sub}, task.id
        )
        uow.cases.save(case)
        uow.commit()
    return task


def unclaim_task(ctx: Context, actor: Actor, task_id: str) -> HumanTask:
    """Give a claimed task back to the group."""
    with ctx.uow() as uow:
        task, case = lock_task(uow, actor, task_id)
        require_worker(actor, task)
        if task.assignee is None:
            return task
        now = ctx.clock.now()
        previous = task.assignee
        task.assignee, task.claimed_at = None, None
        uow.tasks.update(task)
        recorder = CaseRecorder(
            ctx, uow, case, ctx.catalog.get(uow, case.model_version_id), actor, now
        )
        recorder.event(
            "task_unclaimed", {"element_id": task.element_id, "previous": previous}, task.id
        )
        uow.cases.save(case)
        uow.commit()
    return task


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    changed = {k: v for k, v in after.items() if k not in before or before[k] != v}
    removed = sorted(k for k in before if k not in after)
    return {"changed": changed, "removed": removed}


def complete_task(ctx: Context, actor: Actor, task_id: str, data: dict[str, Any]) -> TaskView:
    """Validate the form data, complete the task and run the case on, all in one transaction."""
    if not isinstance(data, dict):
        raise InvalidInputError("form data must be a JSON object")
    with ctx.uow() as uow:
        task, case = lock_task(uow, actor, task_id)
        require_worker(actor, task)
        deployed = ctx.catalog.get(uow, case.model_version_id)
        if task.kind != "bpmn":
            open_tasks = _complete_engine_task(ctx, uow, actor, task, case, deployed, data)
            return TaskView(task, case, None, None, {}, False, open_tasks)
        env = ctx.runtime_env(case.unit, user=actor.sub)
        instance = Instance.load(deployed.model, case.state, env)
        before = copy.deepcopy(instance.task_data(task.id))
        form = deployed.form(task.form)
        submitted = data
        if form is not None:
            submitted = merge_submission(form, form.prefill(before), data)
            errors = form.validate(submitted)
            if errors:
                raise FormValidationError(
                    f"form data is invalid ({len(errors)} field(s))",
                    details=[
                        {"pointer": e.pointer, "message": e.message, "code": e.code} for e in errors
                    ],
                )
        now = ctx.clock.now()
        instance.complete_human_task(task.id, submitted)
        _mark_completed(ctx, task, actor, now)
        uow.tasks.update(task)
        recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
        recorder.event(
            "task_completed",
            {
                "element_id": task.element_id,
                "name": task.name,
                "data": data,
                "diff": _diff(before, instance.data),
                "due_at": task.due_at.isoformat() if task.due_at else None,
                "verdict": task.verdict,
            },
            task.id,
        )
        recorder.finish(instance)
        uow.cases.save(case)
        open_tasks = tuple(uow.tasks.open_for_case(case.id))
        uow.commit()
    return TaskView(task, case, None, None, {}, False, open_tasks)


def _mark_completed(ctx: Context, task: HumanTask, actor: Actor, now: datetime) -> None:
    task.state, task.completed_at, task.completed_by = TaskState.COMPLETED, now, actor.sub
    task.assignee = task.assignee or actor.sub
    task.verdict = step_verdict(task.due_at, now, ctx.calendar_for(task.unit))


def _complete_engine_task(
    ctx: Context,
    uow: UnitOfWork,
    actor: Actor,
    task: HumanTask,
    case: Case,
    deployed: Deployed,
    data: dict[str, Any],
) -> tuple[HumanTask, ...]:
    """Complete a task the engine created (warning, apology): no model step runs. Returns the
    case's open tasks."""
    now = ctx.clock.now()
    recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
    _mark_completed(ctx, task, actor, now)
    uow.tasks.update(task)
    recorder.event(
        "task_completed",
        {
            "element_id": task.element_id,
            "name": task.name,
            "kind": task.kind,
            "data": data,
            "due_at": task.due_at.isoformat() if task.due_at else None,
            "verdict": task.verdict,
        },
        task.id,
    )
    complete_engine_task(recorder, actor, task, data)
    # The engine's timers did not move; the legal-clock milestones may have.
    recorder.schedule(
        Instance.load(deployed.model, case.state, ctx.runtime_env(case.unit)).next_due_at()
    )
    uow.cases.save(case)
    open_tasks = tuple(uow.tasks.open_for_case(case.id))
    uow.commit()
    return open_tasks
