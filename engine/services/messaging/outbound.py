"""What a command's case threw and now waits for, written in the command's own transaction.

CaseRecorder.finish calls `publish` before it stores the engine state: every message the run
threw that no catch inside the case took becomes a ``message_sent`` event on the case's chain and
one outbox row (idempotency key ``{dossier code}/{event seq}``), and the case's subscriptions are
rewritten when the catches it waits at changed. A new catch wakes the messages kept for it.
Nothing here talks to another case: the router (engine.services.messaging.routing) delivers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState, Subscription
from engine.runtime.messages import DOSSIER, OutgoingMessage
from engine.services.messaging import handoffs

if TYPE_CHECKING:
    from engine.runtime.instance import Instance
    from engine.services.recording import CaseRecorder


def json_safe(value: Any) -> Any:
    """The value as JSON gives it back (dates as ISO text): what events and rows can hold."""
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def case_stream(dossier: str | None, key: str) -> str:
    """The delivery order of case messages: one stream per correlated dossier."""
    return f"case:{dossier or key}"


def publish(recorder: CaseRecorder, instance: Instance) -> None:
    """Outbox rows for the messages the case threw; subscriptions for the catches it waits at."""
    for message in instance.take_messages(recorder.case.code):
        queue(recorder, message)
    catches = [c for c in instance.waiting_messages(recorder.case.code) if c.kind != "start"]
    if not instance.subscriptions_changed(catches):
        return
    case, uow, now = recorder.case, recorder.uow, recorder.now
    added = uow.subscriptions.replace(
        case.id,
        [
            Subscription(case.id, case.code, c.name, c.element_id, dict(c.correlation), now)
            for c in catches
        ],
    )
    for sub in added:  # messages kept for a catch that just appeared are due now
        uow.outbox.wake(sub.name, sub.correlation.get(DOSSIER), now)


def queue(recorder: CaseRecorder, message: OutgoingMessage) -> OutboxMessage:
    """Record one thrown message on the chain and in the outbox (same transaction)."""
    case, now = recorder.case, recorder.now
    config = recorder.ctx.messaging
    payload = json_safe(message.payload)
    key = f"{case.code}/{case.last_event_seq + 1}"
    event = recorder.event(
        "message_sent",
        {"name": message.name, "key": key, "correlation": message.correlation, "payload": payload},
    )
    dossier = message.correlation.get(DOSSIER)
    endpoint = config.webhooks.get(message.name)
    if endpoint:
        channel, stream, expires = OutboxChannel.WEBHOOK, f"webhook:{endpoint}:{dossier}", None
    else:
        channel, stream = OutboxChannel.CASE, case_stream(dossier, key)
        expires = now + config.message_ttl
    row = OutboxMessage(
        key=key,
        channel=channel,
        name=message.name,
        stream=stream,
        payload=payload,
        created_at=now,
        correlation=dict(message.correlation),
        dossier=dossier,
        source_case=case.code,
        source_seq=event.seq,
        sender=recorder.actor.sub,
        endpoint=endpoint,
        state=OutboxState.PENDING,
        next_attempt_at=now,
        expires_at=expires,
    )
    added = recorder.uow.outbox.add(row)
    handoffs.track(recorder, added)  # the receiving agency must acknowledge it in time
    return added
