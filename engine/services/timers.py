"""Timer firing: find cases whose next timer is due and run them on, once each."""

from __future__ import annotations

from engine.domain.model import Actor
from engine.runtime.instance import Instance
from engine.services.context import Context
from engine.services.recording import CaseRecorder


def due_cases(ctx: Context, limit: int) -> list[str]:
    """Codes of cases with a timer due now (oldest due first)."""
    with ctx.reader() as uow:
        return list(uow.cases.due_codes(ctx.clock.now(), limit))


def fire_timers(ctx: Context, actor: Actor, code: str) -> bool:
    """Refresh the case's timers and run it on; False if nothing was due any more."""
    with ctx.uow() as uow:
        case = uow.cases.get_by_code(code, lock=True)
        now = ctx.clock.now()
        if case is None or case.next_due_at is None or case.next_due_at > now:
            return False
        deployed = ctx.catalog.get(uow, case.model_version_id)
        instance = Instance.load(deployed.model, case.state)
        instance.run()
        recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
        recorder.event("timer_fired", {"due_at": case.next_due_at.isoformat()})
        recorder.finish(instance)
        uow.cases.save(case)
        uow.commit()
    return True
