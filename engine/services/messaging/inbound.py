"""Messages from systems that are not motcua (tax, police residence database, social insurance).

`receive_message` delivers at once, in the request's transaction, when a case waits for the
message or a procedure starts on it; keeps it with its time to live when the sender asked for
one; and otherwise refuses it (NotFoundError, 404) without storing anything, so the sender can
send it again later. The idempotency key is the sender's (namespaced by the sender's identity):
the same key again gets the first answer back and changes nothing; the same key with a
different message is a conflict.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from engine.domain.errors import ConflictError, InvalidInputError, NotFoundError
from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState
from engine.domain.model import Actor
from engine.runtime.messages import DOSSIER
from engine.services.access import require_role
from engine.services.context import Context
from engine.services.messaging.outbound import case_stream, json_safe
from engine.services.messaging.routing import BUSY_RETRY, TargetBusy, dispatch

SENDER_ROLES = {"integration", "admin", "system"}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.:-]{0,199}\Z")
MAX_TTL = timedelta(days=90)


@dataclass(frozen=True)
class InboundResult:
    """What became of an inbound message."""

    key: str
    state: str
    duplicate: bool
    case_code: str | None
    element_id: str | None
    started: bool
    expires_at: datetime | None


def _result(row: OutboxMessage, duplicate: bool) -> InboundResult:
    result = row.result or {}
    return InboundResult(
        key=row.key.split("/", 2)[-1],
        state=row.state.value,
        duplicate=duplicate,
        case_code=result.get("case"),
        element_id=result.get("element_id"),
        started=bool(result.get("started")),
        expires_at=row.expires_at,
    )


def _check(name: str, correlation: dict[str, Any], key: str, ttl: int | None) -> dict[str, str]:
    problems = []
    if not NAME.match(name or ""):
        problems.append({"pointer": "/name", "message": "a message name (letters, digits, _)"})
    if not key or len(key) > 200:
        problems.append({"pointer": "/idempotency_key", "message": "1 to 200 characters"})
    if not isinstance(correlation, dict) or not correlation:
        problems.append({"pointer": "/correlation", "message": 'e.g. {"dossier": "<code>"}'})
        correlation = {}
    for prop, value in correlation.items():
        if not isinstance(value, str | int) or isinstance(value, bool) or not str(value):
            problems.append({"pointer": f"/correlation/{prop}", "message": "a text value"})
    if ttl is not None and not 0 < ttl <= MAX_TTL.total_seconds():
        problems.append({"pointer": "/ttl_seconds", "message": "1 second to 90 days"})
    if problems:
        raise InvalidInputError("the message is invalid", details=problems)
    return {str(k): str(v) for k, v in correlation.items()}


def receive_message(
    ctx: Context,
    actor: Actor,
    name: str,
    correlation: dict[str, Any],
    payload: Any,
    idempotency_key: str,
    ttl_seconds: int | None = None,
) -> InboundResult:
    """Deliver, keep or refuse a message sent by another system; idempotent by key."""
    require_role(actor, SENDER_ROLES, "sending a message")
    flat = _check(name, correlation, idempotency_key, ttl_seconds)
    key = f"in/{actor.sub}/{idempotency_key}"
    payload = json_safe(payload)
    now = ctx.clock.now()
    with ctx.uow() as uow:
        existing = uow.outbox.by_key(key)
        if existing is not None:
            if (existing.name, existing.correlation, existing.payload) != (name, flat, payload):
                raise ConflictError(
                    f"idempotency key {idempotency_key!r} was already used for another message",
                    details=[{"pointer": "/idempotency_key", "message": "reused"}],
                )
            return _result(existing, duplicate=True)
        dossier = flat.get(DOSSIER)
        row = uow.outbox.add(
            OutboxMessage(
                key=key,
                channel=OutboxChannel.CASE,
                name=name,
                stream=case_stream(dossier, key),
                payload=payload,
                created_at=now,
                correlation=flat,
                dossier=dossier,
                sender=actor.sub,
                state=OutboxState.PENDING,
                next_attempt_at=now,
                expires_at=now + timedelta(seconds=ttl_seconds) if ttl_seconds else None,
            )
        )
        if uow.outbox.waits_behind(row):
            uow.commit()  # an earlier message of the dossier is still on its way: the router
            return _result(row, duplicate=False)  # delivers this one after it, in order
        try:
            with uow.savepoint():
                outcome = dispatch(ctx, uow, row, now, actor, refusable=True)
        except TargetBusy:  # the case is in another command: the router delivers it shortly
            uow.outbox.postpone(row.id, now + BUSY_RETRY)
            uow.commit()
            return _result(row, duplicate=False)
        if outcome.state == OutboxState.PENDING:
            raise NotFoundError(
                f"no case waits for message '{name}' with correlation {flat} and no procedure "
                "starts on it; send it with ttl_seconds to have it kept until one does",
                details=[{"pointer": "/correlation", "message": "no matching receiver"}],
            )
        uow.commit()
    return _result(row, duplicate=False)
