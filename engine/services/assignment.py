"""A leader hands a task of their unit to an officer, or takes it back (Camunda's `assign`).

Claiming is an officer taking a task for themselves; assignment is the leader deciding who
works on it, also over someone else's claim. The assignee still needs the task's unit and lane
to act on it (engine.services.access.require_worker), so a wrong assignment blocks nobody for
good: the leader assigns again. Every assignment is an event with the previous holder.
"""

from __future__ import annotations

from engine.domain.errors import InvalidInputError
from engine.domain.model import Actor, HumanTask
from engine.services.access import ADMIN, LEADER, require_role
from engine.services.context import Context
from engine.services.recording import CaseRecorder
from engine.services.tasks import lock_task

ASSIGN_ROLES = {LEADER, ADMIN}
MAX_SUBJECT = 200


def assign_task(ctx: Context, actor: Actor, task_id: str, assignee: str | None) -> HumanTask:
    """Give an open task of the leader's unit to `assignee` (None: back to the group)."""
    require_role(actor, ASSIGN_ROLES, "assigning a task")
    if assignee is not None and not 0 < len(assignee.strip()) <= MAX_SUBJECT:
        raise InvalidInputError(f"assignee must be a subject of 1 to {MAX_SUBJECT} characters")
    assignee = assignee.strip() if assignee else None
    with ctx.uow() as uow:
        task, case = lock_task(uow, actor, task_id)  # 404 outside the leader's units
        previous = task.assignee
        if previous == assignee:
            return task
        now = ctx.clock.now()
        task.assignee, task.claimed_at = assignee, now if assignee else None
        uow.tasks.update(task)
        recorder = CaseRecorder(
            ctx, uow, case, ctx.catalog.get(uow, case.model_version_id), actor, now
        )
        recorder.event(
            "task_assigned",
            {"element_id": task.element_id, "assignee": assignee, "previous": previous},
            task.id,
        )
        uow.cases.save(case)
        uow.commit()
    return task
