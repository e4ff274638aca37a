"""The acknowledgement rule at work: the worker escalates handoffs nobody took up in time.

Each worker round takes the awaiting handoffs whose allotment has passed, one transaction each
(``FOR UPDATE SKIP LOCKED``: several workers share them, none takes a row twice). A handoff the
receiving side has taken up meanwhile (engine.services.messaging.handoffs) is written as
acknowledged, late if it was; any other is escalated exactly once: on the sending case, a
``handoff_unacknowledged`` event and a task for the leaders of the sending unit (kind
``handoff``, due by the end of that working day: ND63/2024 wants a failed link fixed the same
day), and the handoff becomes ``escalated``. The event is an input of the sending case's
history: replay re-applies it (engine.services.messaging.replayers) like a delivered message.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from engine.domain.messaging import Handoff, HandoffState
from engine.domain.model import Actor, Case, HumanTask
from engine.services.context import Context, UnitOfWork
from engine.services.escalation import ENGINE_TASKS, HANDOFF, open_engine_task
from engine.services.messaging.handoffs import resolve
from engine.services.recording import CaseRecorder, step_due

# A worker identity of its own: an escalation is its own command in the case's history, never
# merged with a timer the worker fires on the same case at the same instant.
HANDOFF_ACTOR = Actor(sub="system:handoffs", roles=frozenset({"system"}))
ESCALATED_EVENT = "handoff_unacknowledged"


def check_acknowledgements(ctx: Context, limit: int = 200) -> int:
    """Settle every handoff whose allotment has passed; return how many were settled."""
    settled = 0
    skipped: set[int] = set()
    for _ in range(limit):
        now = ctx.clock.now()
        with ctx.uow() as uow:
            handoff = uow.handoffs.claim_due(now, skipped)
            if handoff is None:
                break
            skipped.add(handoff.id)
            if not settle(ctx, uow, handoff, now):
                continue  # the sending case is in another command: the next round retries
            uow.commit()
        settled += 1
    return settled


def settle(ctx: Context, uow: UnitOfWork, handoff: Handoff, now: datetime) -> bool:
    """Acknowledge or escalate one locked, due handoff; False when its case is busy."""
    taken = resolve(uow, handoff)
    if taken.acknowledged_at is not None:
        uow.handoffs.update(taken)
        return True
    if not uow.subscriptions.try_lock_case(handoff.source_case_id):
        return False
    case = uow.cases.get(handoff.source_case_id, lock=True)
    if case is None:  # the sending case is gone (purged): nobody left to tell
        return False
    task = escalate_handoff(ctx, uow, case, escalation_details(handoff), now, HANDOFF_ACTOR)
    taken.state, taken.escalated_at, taken.escalation_task_id = (
        HandoffState.ESCALATED,
        now,
        task.id,
    )
    uow.handoffs.update(taken)
    return True


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def escalation_details(handoff: Handoff) -> dict[str, Any]:
    """What the sending case records about the handoff it escalates (the replayed input)."""
    return {
        "handoff": handoff.key,
        "message": handoff.name,
        "to": {
            "case": handoff.target_case,
            "unit": handoff.target_unit,
            "endpoint": handoff.endpoint,
        },
        "sent_at": _iso(handoff.sent_at),
        "allotment": handoff.allotment,
        "ack_due_at": _iso(handoff.ack_due_at),
        "delivered_at": _iso(handoff.delivered_at),
        "reason": "not_taken_up" if handoff.delivered_at else "not_delivered",
    }


def escalate_handoff(
    ctx: Context,
    uow: UnitOfWork,
    case: Case,
    details: dict[str, Any],
    now: datetime,
    actor: Actor,
) -> HumanTask:
    """Record the escalation on the (locked) sending case and give its unit's leaders a task."""
    recorder = CaseRecorder(ctx, uow, case, ctx.catalog.get(uow, case.model_version_id), actor, now)
    recorder.event(ESCALATED_EVENT, details)
    to = details.get("to") or {}
    receiver = to.get("unit") or to.get("endpoint") or details.get("message")
    name = f"{ENGINE_TASKS[HANDOFF]['name']} ({receiver})"
    # One task per handoff, its id derived from the handoff's key: a case may hold several, and
    # a replay must cancel them in the same order when the case is resolved.
    task_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"motcua:handoff:{details['handoff']}"))
    due = step_due(recorder.calendar, now, "SD")
    task = open_engine_task(recorder, HANDOFF, due, name, task_id)
    uow.cases.save(case)
    return task
