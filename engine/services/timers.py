"""The worker's job: run cases whose timer or legal-clock milestone is due, exactly once.

Each round claims a batch of due cases in one transaction (PostgreSQL ``FOR UPDATE SKIP
LOCKED``, so several workers share the work without waiting on each other or taking the same
case) and runs each case inside a savepoint: a case whose model fails is rolled back alone and
recorded as an incident with a retry time, while the others commit. A worker killed mid-batch
commits nothing of that batch; its locks go with its connection and another worker takes the
cases, so no firing is lost and none happens twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.domain.errors import EngineError
from engine.domain.model import SYSTEM_ACTOR, Actor, Case
from engine.runtime.instance import Instance
from engine.services.context import Context, UnitOfWork
from engine.services.recording import CaseRecorder

log = logging.getLogger("motcua.timers")
RETRY_FIRST = timedelta(minutes=5)
RETRY_MAX = timedelta(hours=6)


@dataclass(frozen=True)
class Round:
    """What one round of the worker did."""

    processed: int = 0
    fired: int = 0
    incidents: int = 0
    lateness_seconds: tuple[float, ...] = ()


def run_due(ctx: Context, batch: int = 50, actor: Actor = SYSTEM_ACTOR) -> Round:
    """Claim up to `batch` due cases and run each on; one transaction for the batch."""
    now = ctx.clock.now()
    fired = incidents = 0
    lateness: list[float] = []
    with ctx.uow() as uow:
        claimed = uow.cases.claim_due(now, batch)
        uow.tasks.prefetch_open([case.id for case in claimed])  # one query for the batch
        for case in claimed:
            due = case.next_due_at
            try:
                with uow.savepoint():
                    fired += _run_case(ctx, uow, case, now, actor)
            except Exception as exc:  # the case's own failure: contain it, keep the others
                incidents += 1
                _record_incident(ctx, uow, case.id, now, exc)
                continue
            if due is not None:
                lateness.append(max(0.0, (now - due).total_seconds()))
        uow.commit()
    return Round(len(claimed), fired, incidents, tuple(lateness))


def _run_case(ctx: Context, uow: UnitOfWork, case: Case, now: datetime, actor: Actor) -> int:
    deployed = ctx.catalog.get(uow, case.model_version_id)
    instance = Instance.load(deployed.model, case.state, ctx.runtime_env(case.unit))
    due_timers = [(e, at) for e, at in instance.waiting_timers() if at <= now]
    instance.run()
    recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
    for element_id, at in due_timers:
        recorder.event(
            "timer_fired",
            {
                "element_id": element_id,
                "due_at": at.isoformat(),
                "lateness_seconds": round((now - at).total_seconds(), 3),
            },
        )
    case.legal_clock.pop("incidents", None)
    recorder.finish(instance)
    uow.cases.save(case)
    return len(due_timers)


def _record_incident(
    ctx: Context, uow: UnitOfWork, case_id: int, now: datetime, exc: Exception
) -> None:
    case = uow.cases.get(case_id, lock=True)
    if case is None:
        return
    count = int(case.legal_clock.get("incidents", 0)) + 1
    retry = min(RETRY_FIRST * 2 ** (count - 1), RETRY_MAX)
    case.legal_clock["incidents"] = count
    case.next_due_at = now + retry
    deployed = ctx.catalog.get(uow, case.model_version_id)
    recorder = CaseRecorder(ctx, uow, case, deployed, SYSTEM_ACTOR, now)
    details: list[Any] = exc.details if isinstance(exc, EngineError) else []
    recorder.event(
        "incident",
        {
            "error": type(exc).__name__,
            "message": str(exc)[:2000],
            "details": details,
            "attempt": count,
            "retry_at": case.next_due_at.isoformat(),
        },
    )
    uow.cases.save(case)
    log.warning("case %s: incident %d (%s); retry at %s", case.code, count, exc, case.next_due_at)


def fire_timers(ctx: Context, actor: Actor, code: str) -> bool:
    """Run one case on if its timer or milestone is due now; False when nothing was due."""
    now = ctx.clock.now()
    with ctx.uow() as uow:
        case = uow.cases.get_by_code(code, lock=True)
        if case is None or case.next_due_at is None or case.next_due_at > now:
            return False
        _run_case(ctx, uow, case, now, actor)
        uow.commit()
    return True
