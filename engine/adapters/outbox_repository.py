"""The outbox repository: rows added in a command, claimed by workers in stream order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from engine.adapters.messaging_rows import OutboxRow
from engine.adapters.rows import rowcount
from engine.domain.errors import ConflictError
from engine.domain.messaging import OutboxChannel, OutboxMessage, OutboxState

# A row still to be delivered, or a dead letter awaiting an operator's retry, holds back the later
# rows of its stream: a dossier's messages and portal records never overtake each other.
_BLOCKING = (OutboxState.PENDING.value, OutboxState.DEAD.value)
_OUTBOX_FIELDS = (
    "state",
    "attempts",
    "next_attempt_at",
    "expires_at",
    "delivered_at",
    "last_error",
    "result",
)


def _message(row: OutboxRow) -> OutboxMessage:
    return OutboxMessage(
        id=row.id,
        key=row.key,
        channel=OutboxChannel(row.channel),
        name=row.name,
        stream=row.stream,
        dossier=row.dossier,
        correlation=dict(row.correlation or {}),
        payload=row.payload,
        source_case=row.source_case,
        source_seq=row.source_seq,
        sender=row.sender,
        endpoint=row.endpoint,
        state=OutboxState(row.state),
        attempts=row.attempts,
        created_at=row.created_at,
        next_attempt_at=row.next_attempt_at,
        expires_at=row.expires_at,
        delivered_at=row.delivered_at,
        last_error=row.last_error,
        result=dict(row.result or {}),
    )


class OutboxRepository:
    """Outgoing messages. Rows added in this unit of work can be amended before commit."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._added: dict[str, OutboxRow] = {}

    def add(self, message: OutboxMessage) -> OutboxMessage:
        """Insert a row (its key must be new); sets the message's id."""
        row = OutboxRow(
            key=message.key,
            channel=message.channel.value,
            name=message.name,
            stream=message.stream,
            dossier=message.dossier,
            correlation=message.correlation,
            payload=message.payload,
            source_case=message.source_case,
            source_seq=message.source_seq,
            sender=message.sender,
            endpoint=message.endpoint,
            created_at=message.created_at,
            **{name: getattr(message, name) for name in _OUTBOX_FIELDS if name != "state"},
            state=message.state.value,
        )
        self.session.add(row)
        try:
            self.session.flush()
        except IntegrityError:  # a concurrent request with the same idempotency key won
            raise ConflictError(
                f"message {message.key} is being delivered by another request; send it again"
            ) from None
        message.id = row.id
        self._added[message.stream] = row
        return message

    def waits_behind(self, message: OutboxMessage) -> bool:
        """True when an earlier row of the message's stream is pending or dead."""
        earlier = self.session.scalar(
            select(func.count())
            .select_from(OutboxRow)
            .where(
                OutboxRow.stream == message.stream,
                OutboxRow.id < message.id,
                OutboxRow.state.in_(_BLOCKING),
            )
        )
        return bool(earlier)

    def last_added(self, stream: str) -> OutboxMessage | None:
        """The last row this unit of work added to a stream (still uncommitted), if any."""
        row = self._added.get(stream)
        return _message(row) if row is not None and row in self.session else None

    def amend_payload(self, message: OutboxMessage, payload: Any) -> None:
        """Replace the payload of a row this unit of work added."""
        row = self._added.get(message.stream)
        if row is None or row.id != message.id:
            raise LookupError(f"outbox row {message.key} was not added in this unit of work")
        row.payload = payload
        message.payload = payload

    def get(self, message_id: int, *, lock: bool = False) -> OutboxMessage | None:
        """A row by id, locked FOR UPDATE when asked."""
        stmt = select(OutboxRow).where(OutboxRow.id == message_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt.execution_options(populate_existing=True)).first()
        return _message(row) if row else None

    def by_key(self, key: str) -> OutboxMessage | None:
        """A row by its idempotency key."""
        row = self.session.scalars(select(OutboxRow).where(OutboxRow.key == key)).first()
        return _message(row) if row else None

    def _heads(self, channels: list[str], now: datetime, states: list[str]) -> Any:
        """Due rows with no earlier row of their stream pending or dead (stream order)."""
        earlier = aliased(OutboxRow)
        blocked = exists().where(
            and_(
                earlier.stream == OutboxRow.stream,
                earlier.id < OutboxRow.id,
                earlier.state.in_(_BLOCKING),
            )
        )
        return (
            select(OutboxRow)
            .where(
                OutboxRow.channel.in_(channels),
                OutboxRow.state.in_(states),
                OutboxRow.next_attempt_at <= now,
                ~blocked,
            )
            .order_by(OutboxRow.id)
            .with_for_update(skip_locked=True, of=OutboxRow)
            .execution_options(populate_existing=True)
        )

    def claim_case_message(self, now: datetime) -> OutboxMessage | None:
        """Lock the next due case message at the head of its stream (others' locks skipped)."""
        states = [OutboxState.PENDING.value, OutboxState.KEPT.value]
        row = self.session.scalars(
            self._heads([OutboxChannel.CASE.value], now, states).limit(1)
        ).first()
        return _message(row) if row else None

    def claim_remote(self, now: datetime, limit: int, lease_until: datetime) -> list[OutboxMessage]:
        """Lease up to `limit` due webhook and portal rows at the head of their streams: their
        next attempt moves to `lease_until`, so no other worker takes them meanwhile."""
        channels = [OutboxChannel.WEBHOOK.value, OutboxChannel.PORTAL.value]
        rows = list(
            self.session.scalars(
                self._heads(channels, now, [OutboxState.PENDING.value]).limit(limit)
            )
        )
        for row in rows:
            row.next_attempt_at = lease_until
            row.attempts += 1
        self.session.flush()
        return [_message(r) for r in rows]

    def update(self, message: OutboxMessage) -> None:
        """Write the delivery fields of a row."""
        values = {name: getattr(message, name) for name in _OUTBOX_FIELDS}
        values["state"] = message.state.value
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def postpone(self, message_id: int, until: datetime) -> None:
        """Try a row again at `until` (its target was busy); its attempts do not change."""
        self.session.execute(
            update(OutboxRow)
            .where(OutboxRow.id == message_id)
            .values(next_attempt_at=until)
            .execution_options(synchronize_session=False)
        )

    def wake(self, name: str, dossier: str | None, now: datetime) -> int:
        """Make kept (or waiting) case messages of that name (and dossier) due now: a catch for
        them just appeared. Returns how many rows were woken."""
        conds = [
            OutboxRow.channel == OutboxChannel.CASE.value,
            OutboxRow.state.in_([OutboxState.KEPT.value, OutboxState.PENDING.value]),
            OutboxRow.name == name,
        ]
        if dossier is not None:
            conds.append(OutboxRow.dossier == dossier)
        result = self.session.execute(
            update(OutboxRow)
            .where(*conds)
            .values(state=OutboxState.PENDING.value, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return rowcount(result)

    def for_stream(self, stream: str) -> list[OutboxMessage]:
        """Every row of a stream in order (tests and operators)."""
        rows = self.session.scalars(
            select(OutboxRow).where(OutboxRow.stream == stream).order_by(OutboxRow.id)
        )
        return [_message(r) for r in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        """Rows by channel and state (health and operators)."""
        counts: dict[str, dict[str, int]] = {}
        rows = self.session.execute(
            select(OutboxRow.channel, OutboxRow.state, func.count()).group_by(
                OutboxRow.channel, OutboxRow.state
            )
        )
        for channel, state, n in rows:
            counts.setdefault(channel, {})[state] = int(n)
        return counts
