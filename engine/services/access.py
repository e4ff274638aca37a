"""Who may see and do what: unit scope and role groups (issue: authorization hardens this)."""

from __future__ import annotations

from engine.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.domain.model import Actor, Case, HumanTask

ADMIN = "admin"
READ_ALL_ROLES = {ADMIN}
DEPLOY_ROLES = {"analyst", ADMIN}
TASK_ROLES_EXCLUDED = {"auditor", "analyst"}


def can_see_case(actor: Actor, case: Case) -> bool:
    """An actor sees the cases of their own units."""
    return actor.has_role(*READ_ALL_ROLES) or case.unit in actor.units


def visible_case(actor: Actor, case: Case | None, code: str) -> Case:
    """The case, or NotFoundError when missing or outside scope (existence must not leak)."""
    if case is None or not can_see_case(actor, case):
        raise NotFoundError(f"case {code} not found")
    return case


def can_work_on(actor: Actor, task: HumanTask) -> bool:
    """Officers act on tasks of their units whose candidate groups they hold; auditors never."""
    if actor.roles <= TASK_ROLES_EXCLUDED or "auditor" in actor.roles:
        return False
    return task.unit in actor.units and bool(actor.roles.intersection(task.candidate_groups))


def visible_task(actor: Actor, task: HumanTask | None, task_id: str) -> HumanTask:
    """The task if the actor could work on it or sees its case's unit, else NotFoundError."""
    if task is None or not (task.unit in actor.units or actor.has_role(*READ_ALL_ROLES)):
        raise NotFoundError(f"task {task_id} not found")
    return task


def require_worker(actor: Actor, task: HumanTask) -> None:
    """PermissionDenied unless the actor may work on the task; Conflict if someone else holds it."""
    if not can_work_on(actor, task):
        raise PermissionDeniedError(
            f"task {task.id} is for {', '.join(task.candidate_groups) or 'nobody'} of unit {task.unit}"
        )
    if task.assignee and task.assignee != actor.sub:
        raise ConflictError(f"task {task.id} is claimed by {task.assignee}")


def require_role(actor: Actor, roles: set[str], action: str) -> None:
    """PermissionDenied unless the actor holds one of the roles."""
    if not actor.roles.intersection(roles):
        raise PermissionDeniedError(f"{action} needs one of the roles: {', '.join(sorted(roles))}")
