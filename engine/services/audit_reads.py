"""Auditors' reads of one case: replay, the case as it was, the tracking slip; each one logged."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from engine.domain.errors import ConflictError
from engine.domain.model import Actor, Case
from engine.services.access import visible_case
from engine.services.audit import audit_scope, record_access
from engine.services.context import Context
from engine.services.replay import ReplayResult, load_recorded, replay, target_seq
from engine.services.replay_compare import CaseState
from engine.services.tracking import TrackingSlip, build_slip


def _case(ctx: Context, actor: Actor, code: str) -> Case:
    with ctx.reader() as uow:
        return visible_case(actor, uow.cases.get_by_code(code), code)


def replay_case(ctx: Context, actor: Actor, code: str) -> ReplayResult:
    """Replay a case from its history and compare with its stored state (auditors, admins)."""
    audit_scope(actor)
    case = _case(ctx, actor, code)
    result = replay(ctx, load_recorded(ctx, case))
    record_access(ctx, actor, "replay", code, {"matched": result.matched})
    return result


@dataclass
class AsOf:
    """The case as it stood after an event."""

    code: str
    requested_seq: int | None
    requested_at: datetime | None
    state: CaseState
    legal_clock: dict[str, Any]
    replay_seconds: float


def case_as_of(
    ctx: Context, actor: Actor, code: str, seq: int | None = None, at: datetime | None = None
) -> AsOf:
    """Status, open tasks and holders, data, appointment and legal clock after event `seq`
    (or the last event at or before `at`), rebuilt by replaying the history up to there.

    Events of one command were written together, so the state is the one after the whole
    command that holds the event (`state.through_seq`).
    """
    case = _case(ctx, actor, code)
    recorded = load_recorded(ctx, case)
    until = target_seq(recorded.events, seq, at)
    result = replay(ctx, recorded, until_seq=until)
    if result.divergence is not None or result.replayed is None:
        divergence = result.divergence.as_dict() if result.divergence else {}
        raise ConflictError(
            f"the replay of {code} diverged before event {until}: the case as it was cannot be "
            "rebuilt with confidence",
            details=[divergence],
        )
    record_access(ctx, actor, "as_of", code, {"seq": seq, "at": at.isoformat() if at else None})
    return AsOf(code, seq, at, result.replayed, result.replayed.legal_clock, result.seconds)


def tracking_slip(ctx: Context, actor: Actor, code: str) -> TrackingSlip:
    """Mẫu 06 of a case: every hand-over with its giver, receiver, time and verdict."""
    with ctx.reader() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code), code)
        events = uow.events.for_case(case.id)
        version = uow.models.get(case.model_version_id)
    slip = build_slip(case, events, version.name if version else "", ctx.clock.now())
    record_access(ctx, actor, "tracking_slip", code)
    return slip
