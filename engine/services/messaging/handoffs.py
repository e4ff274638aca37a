"""Handoffs between agencies (liên thông) and the receiving side's acknowledgement.

An engine rule, whatever the models draw: every message a case sends to another agency (to a
case on motcua or to a system outside it) is a **handoff** with an acknowledgement allotment,
``MOTCUA_HANDOFF_ACK_ALLOTMENT`` (default 2 working hours, the ND63/2024 acknowledgement time) or
the sending procedure's ``handoff_ack_allotment``, counted in the office hours of the sending
unit from the moment the message is sent. The receiving side acknowledges it

* when the message gave the receiving case work for a person (a new task): as soon as an
  officer of the receiving unit claims or completes a task of that case (its first
  ``task_claimed`` or ``task_completed`` after the message's receipt). Delivery alone does not
  count: the router delivers within seconds, and what the rule must catch is an agency that
  does not look at what it received;
* when the message moved the receiving case on without a person (it now waits for something
  else, or ended): at delivery;
* when it went to a system outside motcua (webhook): at that system's 2xx answer.

When the allotment passes unacknowledged, the worker escalates the handoff exactly once
(engine.services.messaging.acknowledgement). The acknowledgement is read from what the
receiving side did (its case history, the outbox), so claiming a task costs nothing extra.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from engine.domain.messaging import Handoff, HandoffState, OutboxChannel, OutboxMessage
from engine.domain.model import Actor
from engine.services.access import READ_ALL_ROLES, visible_case
from engine.services.context import Context, UnitOfWork

if TYPE_CHECKING:
    from engine.services.recording import CaseRecorder

DELIVERED, ANSWERED = "delivered", "http_2xx"
STATES = tuple(s.value for s in HandoffState)


def allotment_of(recorder: CaseRecorder) -> str | None:
    """The acknowledgement allotment of the recorder's procedure (None: no rule)."""
    own = recorder.deployed.meta.raw.get("handoff_ack_allotment")
    if isinstance(own, str) and own.strip():
        return None if own.strip().lower() == "off" else own.strip()
    return recorder.ctx.messaging.handoff_ack


def track(recorder: CaseRecorder, row: OutboxMessage) -> Handoff | None:
    """Record a message the case just queued for another agency as a handoff."""
    allotment = allotment_of(recorder)
    if allotment is None or row.channel == OutboxChannel.PORTAL:
        return None
    # Imported here: engine.services.recording imports this module (through outbound).
    from engine.services.recording import step_due

    case, now = recorder.case, recorder.now
    return recorder.uow.handoffs.add(
        Handoff(
            outbox_id=row.id,
            key=row.key,
            name=row.name,
            channel=row.channel.value,
            source_case_id=case.id,
            source_case=case.code,
            source_unit=case.unit,
            dossier=row.dossier,
            endpoint=row.endpoint,
            sent_at=now,
            allotment=allotment,
            ack_due_at=step_due(recorder.calendar, now, allotment),
        )
    )


def delivered(
    uow: UnitOfWork,
    row: OutboxMessage,
    case_code: str | None,
    unit: str | None,
    seq: int | None,
    new_tasks: int,
    now: datetime,
) -> None:
    """The router delivered a case's message: note where; with no work for a person, that
    delivery is the acknowledgement."""
    if not row.source_case:
        return  # a message from a system outside motcua: not a handoff of any case
    handoff = uow.handoffs.by_outbox(row.id, lock=True)
    if handoff is None:
        return
    handoff.target_case, handoff.target_unit = case_code, unit
    handoff.delivered_at, handoff.receipt_seq = now, seq
    handoff.needs_take_up = new_tasks > 0
    if not handoff.needs_take_up:
        _acknowledge(handoff, now, "system", DELIVERED)
    uow.handoffs.update(handoff)


def answered(uow: UnitOfWork, row: OutboxMessage, now: datetime) -> None:
    """A system outside motcua answered a webhook handoff with 2xx: its acknowledgement."""
    if row.channel != OutboxChannel.WEBHOOK or not row.source_case:
        return
    handoff = uow.handoffs.by_outbox(row.id, lock=True)
    if handoff is None:
        return
    handoff.delivered_at = now
    _acknowledge(handoff, now, row.endpoint or "webhook", ANSWERED)
    uow.handoffs.update(handoff)


def _acknowledge(handoff: Handoff, at: datetime, by: str, how: str) -> None:
    if handoff.acknowledged_at is not None:
        return
    handoff.acknowledged_at, handoff.acknowledged_by, handoff.acknowledged_how = at, by, how
    if handoff.state == HandoffState.AWAITING:
        handoff.state = HandoffState.ACKNOWLEDGED


def resolve(uow: UnitOfWork, handoff: Handoff) -> Handoff:
    """The handoff with its take-up filled in when the receiving side has taken it up since
    the last write (a copy; the worker writes it when the allotment ends)."""
    if (
        handoff.acknowledged_at is not None
        or not handoff.needs_take_up
        or handoff.target_case is None
        or handoff.receipt_seq is None
    ):
        return handoff
    found = uow.handoffs.take_up(handoff.target_case, handoff.receipt_seq)
    if found is None:
        return handoff
    at, by, what = found
    resolved = replace(handoff)
    _acknowledge(resolved, at, by, what)
    return resolved


@dataclass(frozen=True)
class HandoffView:
    """A handoff as read: its acknowledgement resolved, and which side the reader is on."""

    handoff: Handoff
    direction: str  # "sent" or "received", seen from the case (or units) asked about

    @property
    def late(self) -> bool:
        """True when the receiving side acknowledged it after its allotment had passed (or
        after the escalation, which happens when it passes)."""
        h = self.handoff
        if h.acknowledged_at is None:
            return False
        return h.acknowledged_at > h.ack_due_at or h.state == HandoffState.ESCALATED


def case_handoffs(ctx: Context, actor: Actor, code: str) -> tuple[Any, list[HandoffView]]:
    """The handoffs a case sent and received, oldest first."""
    with ctx.reader() as uow:
        case = visible_case(actor, uow.cases.get_by_code(code), code)
        views = [
            HandoffView(resolve(uow, h), "sent" if h.source_case_id == case.id else "received")
            for h in uow.handoffs.for_case(case.id, case.code)
        ]
    return case, views


def list_handoffs(
    ctx: Context, actor: Actor, state: str | None, page: int, per_page: int
) -> tuple[list[HandoffView], int]:
    """Handoffs sent or received by the actor's units (every unit for admins), newest first;
    `state` filters on awaiting, acknowledged or escalated."""
    units = None if actor.has_role(*READ_ALL_ROLES) else actor.units
    with ctx.reader() as uow:
        items, total = uow.handoffs.search(units, state, (page - 1) * per_page, per_page)
        views = [
            HandoffView(
                resolve(uow, h),
                "sent" if units is None or h.source_unit in units else "received",
            )
            for h in items
        ]
    return views, total
