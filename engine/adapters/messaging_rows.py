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
