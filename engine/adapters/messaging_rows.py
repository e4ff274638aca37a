"""Tables of the message router: outbox, subscriptions, incidents (migration 0005_messaging)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.adapters.rows import Base, BigId


class OutboxRow(Base):
    """One message leaving a case (or coming in from outside): delivered once, in stream order."""

    __tablename__ = "message_outbox"
    __table_args__ = (
        Index("ix_message_outbox_due", "state", "next_attempt_at"),
        Index("ix_message_outbox_stream", "stream", "id"),
        Index("ix_message_outbox_name_dossier", "name", "dossier", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    stream: Mapped[str] = mapped_column(String(1200))
    dossier: Mapped[str | None] = mapped_column(String(200))
    correlation: Mapped[dict[str, Any]] = mapped_column(JSON)
    payload: Mapped[Any] = mapped_column(JSON)
    source_case: Mapped[str | None] = mapped_column(String(64))
    source_seq: Mapped[int | None] = mapped_column(Integer)
    sender: Mapped[str] = mapped_column(String(200))
    endpoint: Mapped[str | None] = mapped_column(String(1000))
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime]
    next_attempt_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


class SubscriptionRow(Base):
    """A case waiting at a message catch; rewritten in the same transaction as the case."""

    __tablename__ = "message_subscription"
    __table_args__ = (
        Index("ix_message_subscription_name_dossier", "name", "dossier"),
        Index("ix_message_subscription_case", "case_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    case_code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    dossier: Mapped[str | None] = mapped_column(String(200))
    correlation: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class IncidentRow(Base):
    """A message that needs an operator: expired before anyone waited, or a dead letter."""

    __tablename__ = "incident"
    __table_args__ = (Index("ix_incident_state", "state", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16))
    outbox_id: Mapped[int] = mapped_column(ForeignKey("message_outbox.id"))
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    case_code: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    resolved_by: Mapped[str | None] = mapped_column(String(200))


class HandoffRow(Base):
    """A message one case sent to another agency, and the receiving side's acknowledgement
    (migration 0007_handoffs): the worker escalates it when its allotment passes unacknowledged."""

    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_due", "state", "ack_due_at"),
        Index("ix_handoff_source", "source_case_id", "id"),
        Index("ix_handoff_target", "target_case", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("message_outbox.id"), unique=True)
    key: Mapped[str] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    source_case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    source_case: Mapped[str] = mapped_column(String(64))
    source_unit: Mapped[str] = mapped_column(String(64))
    dossier: Mapped[str | None] = mapped_column(String(200))
    endpoint: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime]
    allotment: Mapped[str] = mapped_column(String(16))
    ack_due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(String(16))
    target_case: Mapped[str | None] = mapped_column(String(64))
    target_unit: Mapped[str | None] = mapped_column(String(64))
    delivered_at: Mapped[datetime | None]
    receipt_seq: Mapped[int | None] = mapped_column(Integer)
    needs_take_up: Mapped[bool] = mapped_column(default=False)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_how: Mapped[str | None] = mapped_column(String(32))
    escalated_at: Mapped[datetime | None]
    escalation_task_id: Mapped[str | None] = mapped_column(String(64))
