"""Repositories of the message router: outbox (claimed in stream order), subscriptions, incidents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from engine.adapters.messaging_rows import IncidentRow, OutboxRow, SubscriptionRow
from engine.adapters.rows import ModelVersionRow
from engine.domain.errors import ConflictError
from engine.domain.messaging import (
    Incident,
    IncidentState,
    OutboxChannel,
    OutboxMessage,
    OutboxState,
    Subscription,
)

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
        return int(result.rowcount or 0)

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


class SubscriptionRepository:
    """Who waits for which message; rewritten with the case's command."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def replace(self, case_id: int, subscriptions: list[Subscription]) -> None:
        """The case now waits exactly at these catches."""
        self.session.execute(delete(SubscriptionRow).where(SubscriptionRow.case_id == case_id))
        for sub in subscriptions:
            self.session.add(
                SubscriptionRow(
                    case_id=sub.case_id,
                    case_code=sub.case_code,
                    name=sub.name,
                    element_id=sub.element_id,
                    dossier=sub.correlation.get("dossier"),
                    correlation=sub.correlation,
                    created_at=sub.created_at,
                )
            )
        self.session.flush()

    def candidates(self, name: str, dossier: str | None) -> list[Subscription]:
        """Catches waiting for `name` that the correlation may match (exact check by caller)."""
        conds = [SubscriptionRow.name == name]
        if dossier is not None:
            conds.append((SubscriptionRow.dossier == dossier) | SubscriptionRow.dossier.is_(None))
        rows = self.session.scalars(
            select(SubscriptionRow).where(*conds).order_by(SubscriptionRow.id).limit(1000)
        )
        return [
            Subscription(
                r.case_id, r.case_code, r.name, r.element_id, dict(r.correlation), r.created_at
            )
            for r in rows
        ]

    def procedure_versions(self) -> list[tuple[str, int, str]]:
        """(procedure id, id, content hash) of the newest version of every procedure: where
        message start events are looked up (a case is started on the newest version)."""
        newest = (
            select(ModelVersionRow.procedure_id, func.max(ModelVersionRow.version).label("v"))
            .group_by(ModelVersionRow.procedure_id)
            .subquery()
        )
        rows = self.session.execute(
            select(ModelVersionRow.procedure_id, ModelVersionRow.id, ModelVersionRow.content_hash)
            .join(
                newest,
                (ModelVersionRow.procedure_id == newest.c.procedure_id)
                & (ModelVersionRow.version == newest.c.v),
            )
            .order_by(ModelVersionRow.procedure_id)
        )
        return [(p, int(i), h) for p, i, h in rows]

    def for_case(self, case_id: int) -> list[Subscription]:
        """The catches a case waits at."""
        rows = self.session.scalars(
            select(SubscriptionRow)
            .where(SubscriptionRow.case_id == case_id)
            .order_by(SubscriptionRow.id)
        )
        return [
            Subscription(
                r.case_id, r.case_code, r.name, r.element_id, dict(r.correlation), r.created_at
            )
            for r in rows
        ]


def _incident(row: IncidentRow) -> Incident:
    return Incident(
        id=row.id,
        kind=row.kind,
        state=IncidentState(row.state),
        outbox_id=row.outbox_id,
        name=row.name,
        channel=row.channel,
        case_code=row.case_code,
        error=row.error,
        attempts=row.attempts,
        detail=dict(row.detail or {}),
        created_at=row.created_at,
        resolved_at=row.resolved_at,
        resolved_by=row.resolved_by,
    )


class IncidentRepository:
    """Incidents operators see and retry."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, incident: Incident) -> Incident:
        """Insert an incident; sets its id."""
        row = IncidentRow(
            kind=incident.kind,
            state=incident.state.value,
            outbox_id=incident.outbox_id,
            name=incident.name,
            channel=incident.channel,
            case_code=incident.case_code,
            error=incident.error,
            attempts=incident.attempts,
            detail=incident.detail,
            created_at=incident.created_at,
            resolved_at=incident.resolved_at,
            resolved_by=incident.resolved_by,
        )
        self.session.add(row)
        self.session.flush()
        incident.id = row.id
        return incident

    def get(self, incident_id: int, *, lock: bool = False) -> Incident | None:
        """An incident by id."""
        stmt = select(IncidentRow).where(IncidentRow.id == incident_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt.execution_options(populate_existing=True)).first()
        return _incident(row) if row else None

    def update(self, incident: Incident) -> None:
        """Write an incident's state."""
        self.session.execute(
            update(IncidentRow)
            .where(IncidentRow.id == incident.id)
            .values(
                state=incident.state.value,
                resolved_at=incident.resolved_at,
                resolved_by=incident.resolved_by,
            )
            .execution_options(synchronize_session=False)
        )

    def search(self, state: str | None, offset: int, limit: int) -> tuple[list[Incident], int]:
        """Incidents (of one state, or all), oldest first, with the total count."""
        conds = [IncidentRow.state == state] if state else []
        total = self.session.scalar(select(func.count()).select_from(IncidentRow).where(*conds))
        rows = self.session.scalars(
            select(IncidentRow).where(*conds).order_by(IncidentRow.id).offset(offset).limit(limit)
        )
        return [_incident(r) for r in rows], int(total or 0)
