"""Who may see and do what: roles, unit scope, a citizen's own dossiers.

Roles come from the token (api.auth). Staff tokens carry ``officer`` and the lane roles
(``counter``, ``civil_status``, ``leader``...) with the units they work for; a ``citizen``
token carries the person's ID and sees only the dossiers lodged under it. Analysts,
operators and integrations see no case data whatever units their token names; auditors
read within their units and never write (api.audit); admins read every unit.

Being outside scope answers "not found" (existence must not leak); holding the wrong role
answers "forbidden", checked before anything is looked up.
"""

from __future__ import annotations

from typing import Any

from engine.domain.errors import ConflictError, NotFoundError, PermissionDeniedError
from engine.domain.model import Actor, Case, HumanTask

ADMIN = "admin"
ANALYST = "analyst"
AUDITOR = "auditor"
CITIZEN = "citizen"
INTEGRATION = "integration"
LEADER = "leader"
OFFICER = "officer"
OPERATOR = "operator"
SYSTEM = "system"
READ_ALL_ROLES = {ADMIN}
DEPLOY_ROLES = {ANALYST, ADMIN}
TASK_ROLES_EXCLUDED = {AUDITOR, ANALYST}
# Roles whose holders see no case data, whatever units their token names.
NO_CASE_DATA_ROLES = frozenset({ANALYST, OPERATOR, INTEGRATION})
# Roles the engine gives its own actors (worker, replay): a token never carries them.
INTERNAL_ROLES = frozenset({SYSTEM, "replay"})
# The one-stop desk's lane role: its tasks belong to the unit that received the dossier.
RECEIVING_ROLE = "counter"


def is_citizen(actor: Actor) -> bool:
    """A citizen acts on their own dossiers only, whatever else the token says.

    Citizen tokens carry no units (api.auth drops them); the engine's own actor that completes
    a citizen's step of their dossier (engine.services.citizen) carries the task's unit.
    """
    return CITIZEN in actor.roles and not actor.units


def reads_cases(actor: Actor) -> bool:
    """True when the actor's roles give access to case data at all (within scope)."""
    return is_citizen(actor) or bool(actor.roles - NO_CASE_DATA_ROLES)


def require_case_reader(actor: Actor) -> None:
    """PermissionDenied for roles that see no case data (analyst, operator, integration)."""
    if not reads_cases(actor):
        raise PermissionDeniedError(
            f"your roles ({', '.join(sorted(actor.roles)) or 'none'}) give no access to case data"
        )


def require_staff(actor: Actor, action: str) -> None:
    """PermissionDenied for citizens and for roles without case data."""
    if is_citizen(actor) or not reads_cases(actor):
        raise PermissionDeniedError(f"{action} is for officers of the unit")


def owns(actor: Actor, case: Case) -> bool:
    """A citizen's own dossier: lodged under the personal ID of their token."""
    return is_citizen(actor) and bool(actor.personal_id) and case.applicant_id == actor.personal_id


def can_see_case(actor: Actor, case: Case) -> bool:
    """Citizens see their own dossiers; staff the cases their units handle or received."""
    if is_citizen(actor):
        return owns(actor, case)
    if not reads_cases(actor):
        return False
    if actor.has_role(*READ_ALL_ROLES):
        return True
    return case.unit in actor.units or case.receiver in actor.units


def case_scope(actor: Actor) -> dict[str, Any]:
    """Search filters limiting a case list to what the actor may see ({} for all)."""
    require_case_reader(actor)
    if is_citizen(actor):
        if not actor.personal_id:
            raise PermissionDeniedError("a citizen's token carries no personal ID")
        return {"applicant_id": actor.personal_id}
    if actor.has_role(*READ_ALL_ROLES):
        return {}
    return {"units": actor.units}


def visible_case(actor: Actor, case: Case | None, code: str) -> Case:
    """The case, or NotFoundError when missing or outside scope (existence must not leak)."""
    require_case_reader(actor)
    if case is None or not can_see_case(actor, case):
        raise NotFoundError(f"case {code} not found")
    return case


def can_work_on(actor: Actor, task: HumanTask) -> bool:
    """Officers act on tasks of their units whose candidate groups they hold; auditors never."""
    if is_citizen(actor) or actor.roles <= TASK_ROLES_EXCLUDED or AUDITOR in actor.roles:
        return False
    return task.unit in actor.units and bool(actor.roles.intersection(task.candidate_groups))


def visible_task(actor: Actor, task: HumanTask | None, task_id: str) -> HumanTask:
    """The task if it belongs to one of the actor's units (admin: any), else NotFoundError."""
    require_staff(actor, "reading tasks")
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
