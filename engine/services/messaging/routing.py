"""The router: deliver each case message to the catch waiting for it, in its own transaction.

A message goes, in this order of preference, to a case waiting at a matching catch (name and
correlation, from the subscription table), or to a new case of the procedure whose message start
event it names, or it is kept until its time to live ends and then becomes an incident. Each
delivery locks the outbox row (``FOR UPDATE SKIP LOCKED``: several workers share the work, a row
is taken once) and the target case, applies the message, runs the case on and marks the row
delivered in one transaction: exactly once. Rows of one dossier's stream go in the order they
were written; a failing delivery is retried with backoff and becomes an incident after the
configured number of attempts. A delivered message that a case sent is noted on its handoff:
where it went, and whether it gave the receiving case work for a person
(engine.services.messaging.handoffs).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from engine.domain.errors import (
    ConflictError,
    InvalidInputError,
    NotFoundError,
    PermissionDeniedError,
)
from engine.domain.messaging import OutboxMessage, OutboxState
from engine.domain.model import SYSTEM_ACTOR, Actor, Case, CaseStatus, Channel, ModelVersion
from engine.domain.procedure import ProcedureMeta
from engine.runtime.instance import Instance
from engine.runtime.messages import DOSSIER, Delivery, WaitingCatch, matches
from engine.services.context import Context, UnitOfWork
from engine.services.messaging import handoffs
from engine.services.messaging.arrival import Arrival, Outcome
from engine.services.messaging.failures import open_incident, record_failure
from engine.services.recording import CaseRecorder

UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}\Z")
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_STARTS: dict[str, list[str]] = {}  # model content hash -> names of its start messages
BUSY_RETRY = timedelta(seconds=5)


class TargetBusy(Exception):  # noqa: N818 (a signal, not an error)
    """The target case is locked by a command right now: deliver a moment later."""


class SenderRefused(PermissionDeniedError):
    """The procedure of the receiving case does not take this message from this system."""


def _check_sender(meta: ProcedureMeta, arrival: Arrival) -> None:
    """Messages of other cases always pass; an outside system's must be one the receiving
    procedure takes from that system (procedure.json `external_senders`)."""
    if arrival.source_case is None and not meta.accepts_from(arrival.name, arrival.sender):
        raise SenderRefused(
            f"procedure {meta.id} does not take message '{arrival.name}' from system "
            f"'{arrival.sender}'",
            details=[{"pointer": "/name", "message": "not accepted from this sender"}],
        )


def route_messages(ctx: Context, limit: int = 500, actor: Actor = SYSTEM_ACTOR) -> int:
    """Deliver due case messages one transaction each; return how many rows were handled."""
    handled = 0
    for _ in range(limit):
        now = ctx.clock.now()
        with ctx.uow() as uow:
            row = uow.outbox.claim_case_message(now)
            if row is None:
                break
            try:
                with uow.savepoint():
                    dispatch(ctx, uow, row, now, actor)
            except TargetBusy:  # not a failure: the case is in another command right now
                uow.outbox.postpone(row.id, now + BUSY_RETRY)
            except Exception as exc:  # the target's failure: retried later, never lost
                record_failure(ctx, uow, row.id, now, exc)
            uow.commit()
        handled += 1
    return handled


def dispatch(
    ctx: Context,
    uow: UnitOfWork,
    row: OutboxMessage,
    now: datetime,
    actor: Actor,
    *,
    refusable: bool = False,
) -> Outcome:
    """Deliver, start, keep or expire one message; the row is updated in `uow`.

    A message without a time to live that nobody takes is an incident at once, unless the
    caller can still refuse it (`refusable`: an inbound request), which gets a PENDING outcome
    and the row untouched.
    """
    arrival = Arrival.of(row)
    try:
        outcome = deliver_to_waiting(ctx, uow, arrival, now, actor)
        if outcome is None:
            version = starting_version(ctx, uow, row.name)
            if version is not None:
                _check_sender(ctx.catalog.get(uow, version.id).meta, arrival)
                unit = target_unit(uow, arrival)
                case = start_from_message(ctx, uow, version.procedure_id, unit, arrival, now, actor)
                tasks = len(uow.tasks.open_for_case(case.id))  # all new: the case just started
                outcome = Outcome(OutboxState.DELIVERED, case.code, None, True, case.unit, 1, tasks)
    except SenderRefused as exc:
        if refusable:  # an inbound request: 403 to the sender, nothing stored
            raise
        # Kept earlier, refused now: an incident, never applied, and not holding back the
        # dossier's later messages.
        row.state = OutboxState.REFUSED
        open_incident(uow, row, "sender_refused", str(exc), now)
        uow.outbox.update(row)
        return Outcome(OutboxState.REFUSED)
    if outcome is not None:
        row.state, row.delivered_at, row.result = outcome.state, now, outcome.result()
        row.last_error = None
        handoffs.delivered(
            uow, row, outcome.case_code, outcome.unit, outcome.seq, outcome.new_tasks, now
        )
    elif row.expires_at is None and refusable:
        return Outcome(OutboxState.PENDING)
    elif row.expires_at is None or row.expires_at <= now:
        row.state = OutboxState.EXPIRED
        open_incident(
            uow,
            row,
            "message_expired",
            f"no case waited for message '{row.name}' with correlation {row.correlation}"
            + (f" before {row.expires_at.isoformat()}" if row.expires_at else ""),
            now,
        )
        outcome = Outcome(OutboxState.EXPIRED)
    else:
        row.state, row.next_attempt_at = OutboxState.KEPT, row.expires_at
        outcome = Outcome(OutboxState.KEPT)
    uow.outbox.update(row)
    return outcome


def deliver_to_waiting(
    ctx: Context, uow: UnitOfWork, arrival: Arrival, now: datetime, actor: Actor
) -> Outcome | None:
    """Hand the message to the first case waiting for it; None when nobody waits."""
    for sub in uow.subscriptions.candidates(arrival.name, arrival.correlation.get(DOSSIER)):
        catch = WaitingCatch(sub.element_id, sub.name, sub.correlation)
        if not matches(catch, arrival.name, arrival.correlation):
            continue
        if not uow.subscriptions.try_lock_case(sub.case_id):
            raise TargetBusy(sub.case_code)
        case = uow.cases.get(sub.case_id, lock=True)
        if case is None or case.completed:
            continue
        delivery = apply_to_case(ctx, uow, case, arrival, now, actor)
        if delivery is not None:
            seq, tasks = delivery.extra["seq"], delivery.extra["new_tasks"]
            return Outcome(
                OutboxState.DELIVERED, case.code, delivery.element_id, False, case.unit, seq, tasks
            )
    return None


def apply_to_case(
    ctx: Context, uow: UnitOfWork, case: Case, arrival: Arrival, now: datetime, actor: Actor
) -> Delivery | None:
    """Deliver into a locked case, run it on and record it all; None if it does not wait.

    The delivery's ``extra`` holds the receipt event's ``seq`` and the number of ``new_tasks``
    for people the message made ready."""
    deployed = ctx.catalog.get(uow, case.model_version_id)
    _check_sender(deployed.meta, arrival)
    instance = Instance.load(deployed.model, case.state, ctx.runtime_env())
    before = {t.id for t in instance.ready_human_tasks()}
    delivery = instance.deliver_message(
        case.code, arrival.name, arrival.payload, arrival.correlation
    )
    if delivery is None:
        return None
    recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
    event = recorder.event(
        "message_received",
        {**arrival.recorded(), "element_id": delivery.element_id, "catch": delivery.kind},
    )
    new_tasks = len([t for t in instance.ready_human_tasks() if t.id not in before])
    recorder.finish(instance)
    uow.cases.save(case)
    return replace(delivery, extra={"seq": event.seq, "new_tasks": new_tasks})


def starting_version(ctx: Context, uow: UnitOfWork, name: str) -> ModelVersion | None:
    """The newest version of the procedure whose message start event takes `name`."""
    for procedure_id, version_id, content_hash in uow.subscriptions.procedure_versions():
        starts = _STARTS.get(content_hash)
        if starts is None:
            starts = _STARTS[content_hash] = ctx.catalog.get(uow, version_id).model.start_messages
        if name in starts:
            version = uow.models.get(version_id)
            if version is not None and version.procedure_id == procedure_id:
                return version
    return None


def target_unit(uow: UnitOfWork, arrival: Arrival) -> str:
    """The unit a message-started case belongs to: the payload's ``unit``, else the sender's."""
    payload = arrival.payload if isinstance(arrival.payload, dict) else {}
    unit = payload.get("unit")
    if isinstance(unit, str) and UNIT_CODE.match(unit):
        return unit
    source = uow.cases.get_by_code(arrival.source_case) if arrival.source_case else None
    if source is not None:
        return source.unit
    raise InvalidInputError(
        f"message '{arrival.name}' starts a case but names no receiving unit",
        details=[{"pointer": "/payload/unit", "message": "a unit code is required"}],
    )


def start_from_message(
    ctx: Context,
    uow: UnitOfWork,
    procedure_id: str,
    unit: str,
    arrival: Arrival,
    now: datetime,
    actor: Actor,
) -> Case:
    """A new case of the procedure, started by the message at its message start event."""
    latest_id = uow.models.latest_id(procedure_id)
    if latest_id is None:
        raise NotFoundError(f"procedure {procedure_id} not found")
    deployed = ctx.catalog.get(uow, latest_id)  # built once per process
    latest = deployed.version
    payload = arrival.payload if isinstance(arrival.payload, dict) else {}
    applicant = payload.get("applicant") if isinstance(payload.get("applicant"), dict) else {}
    case = Case(
        id=0,
        code=uow.cases.next_code(unit, now.astimezone(VN)),
        procedure_id=deployed.meta.id,
        tthc_code=deployed.meta.tthc_code,
        model_version_id=latest.id,
        model_hash=latest.content_hash,
        status=CaseStatus.NEW,
        channel=Channel.ONLINE,
        unit=unit,
        applicant=dict(applicant or {}),
        received_at=now,
        accepted_at=None,
        appointment_at=None,
        finished_at=None,
        returned_at=None,
        completed=False,
        state="",
        data={},
        row_version=0,
        created_by=actor.sub,
    )
    uow.cases.add(case)
    recorder = CaseRecorder(ctx, uow, case, deployed, actor, now)
    recorder.event(
        "case_started_by_message",
        {
            "procedure_id": deployed.meta.id,
            "model_version": latest.version,
            "unit": unit,
            "channel": int(Channel.ONLINE),
            **arrival.recorded(),
            **recorder.calendar_at_receipt(),
        },
    )
    instance = Instance.start(deployed.model, {}, ctx.runtime_env())
    dossier = arrival.correlation.get(DOSSIER)
    if dossier:
        instance.correlate_with(dossier)
    delivery = instance.deliver_message(
        case.code, arrival.name, arrival.payload, arrival.correlation
    )
    if delivery is None:
        raise ConflictError(f"procedure {procedure_id} did not start on message '{arrival.name}'")
    recorder.finish(instance)
    uow.cases.save(case)
    return case
