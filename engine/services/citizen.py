"""What a citizen does on their own dossier besides reading it: hand in the missing papers.

A procedure that takes supplements online draws the step in a lane mapped to the ``citizen``
role (procedure.json "lanes"), or names ``citizen`` in the task's candidateGroups. While the
dossier waits for a supplement (status 5), its applicant completes that step through
POST /cases/<code>/supplement with the step's form data; the legal clock resumes as the model
says. Procedures that take the papers at the counter have no such step: 409 says so.
"""

from __future__ import annotations

from typing import Any

from engine.domain.errors import ConflictError, PermissionDeniedError
from engine.domain.model import Actor, CaseStatus
from engine.services.access import CITIZEN, is_citizen, visible_case
from engine.services.context import Context
from engine.services.tasks import TaskView, complete_task


def submit_supplement(ctx: Context, actor: Actor, code: str, data: dict[str, Any]) -> TaskView:
    """Complete the citizen's supplement step of their own dossier with the papers' form data."""
    if not is_citizen(actor):
        raise PermissionDeniedError("handing in a supplement online is for the dossier's applicant")
    with ctx.reader() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code), code)
        if case.status != CaseStatus.SUPPLEMENT_REQUESTED:
            raise ConflictError(
                f"dossier {code} is not waiting for a supplement ({case.status.label})"
            )
        step = next(
            (t for t in uow.tasks.open_for_case(case.id) if CITIZEN in t.candidate_groups), None
        )
        online = CITIZEN in ctx.catalog.get(uow, case.model_version_id).meta.lanes.values()
    if step is None and online:
        raise ConflictError(f"the papers of dossier {code} were handed in: the counter checks them")
    if step is None:
        raise ConflictError(
            f"the procedure of dossier {code} takes the missing papers at the counter "
            "(Bộ phận Một cửa), not online"
        )
    # The applicant acts on this one step of their dossier as the step's unit would have it:
    # the usual checks (open, not claimed by someone else, valid form data) then apply.
    applicant = Actor(
        sub=actor.sub,
        roles=frozenset({CITIZEN}),
        units=frozenset({step.unit}),
        name=actor.name,
        personal_id=actor.personal_id,
    )
    return complete_task(ctx, applicant, step.id, data)
