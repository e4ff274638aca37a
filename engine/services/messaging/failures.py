"""When a delivery cannot be made: retry with backoff, or a dead letter and an incident."""

from __future__ import annotations

import logging
from datetime import datetime

from engine.domain.errors import EngineError
from engine.domain.messaging import Incident, OutboxMessage, OutboxState
from engine.services.context import Context, UnitOfWork

log = logging.getLogger("motcua.messages")


def open_incident(
    uow: UnitOfWork, row: OutboxMessage, kind: str, error: str, now: datetime
) -> Incident:
    """Record an incident for an outbox row an operator must look at."""
    log.warning("message %s (%s): %s", row.key, kind, error)
    return uow.incidents.add(
        Incident(
            kind=kind,
            outbox_id=row.id,
            name=row.name,
            channel=row.channel.value,
            case_code=row.source_case,
            error=error[:2000],
            attempts=row.attempts,
            created_at=now,
            detail={"key": row.key, "correlation": row.correlation, "endpoint": row.endpoint},
        )
    )


def record_failure(
    ctx: Context, uow: UnitOfWork, row_id: int, now: datetime, exc: Exception
) -> OutboxMessage | None:
    """A delivery attempt failed: retry later with backoff, or a dead letter and an incident."""
    row = uow.outbox.get(row_id, lock=True)
    if row is None:
        return None
    row.attempts += 1
    what = exc.message if isinstance(exc, EngineError) else str(exc)
    row.last_error = f"{type(exc).__name__}: {what}"[:2000]
    config = ctx.messaging
    if row.attempts >= config.max_attempts:
        row.state = OutboxState.DEAD
        open_incident(
            uow, row, "dead_letter", f"failed {row.attempts} times; last: {row.last_error}", now
        )
    else:
        row.state, row.next_attempt_at = OutboxState.PENDING, now + config.backoff(row.attempts)
    uow.outbox.update(row)
    return row
