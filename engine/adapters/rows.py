"""SQLAlchemy table mappings (rows). Only engine.adapters imports SQLAlchemy."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

# BigInteger primary keys become plain INTEGER on SQLite so they stay rowid aliases.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware instants stored as UTC on every database (SQLite keeps no offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored: pass a timezone-aware instant")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base of every motcua table."""

    type_annotation_map = {dict[str, Any]: JSON, datetime: UtcDateTime()}


def table_of(row: type[Base]) -> Table:
    """The Core table of a mapped class, for statements built once and run without the ORM."""
    return cast(Table, row.__table__)


def rowcount(result: Result[Any]) -> int:
    """The rows an UPDATE or DELETE touched."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


class ModelVersionRow(Base):
    """An immutable deployed version of a procedure's bundle."""

    __tablename__ = "process_model"
    __table_args__ = (UniqueConstraint("procedure_id", "version"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    procedure_id: Mapped[str] = mapped_column(String(100), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    process_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    tthc_code: Mapped[str] = mapped_column(String(50), default="")
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    files: Mapped[dict[str, Any]] = mapped_column(JSON)
    elements: Mapped[dict[str, Any]] = mapped_column(JSON)
    spec_json: Mapped[str] = mapped_column(Text)
    deployed_by: Mapped[str] = mapped_column(String(200))
    deployed_at: Mapped[datetime]


class CaseRow(Base):
    """A dossier: state without the spec, plus the columns queries and the legal clock need."""

    __tablename__ = "case"
    __table_args__ = (
        Index("ix_case_unit_status", "unit", "status"),
        Index("ix_case_next_due_at", "next_due_at"),
        Index("ix_case_unit_sla_state", "unit", "sla_state"),
        Index("ix_case_receiving_unit", "receiving_unit"),
        Index("ix_case_applicant_id", "applicant_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    procedure_id: Mapped[str] = mapped_column(String(100), index=True)
    tthc_code: Mapped[str] = mapped_column(String(50), default="")
    model_version_id: Mapped[int] = mapped_column(ForeignKey("process_model.id"))
    model_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int] = mapped_column(Integer)
    channel: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(64))
    applicant: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(index=True)
    accepted_at: Mapped[datetime | None]
    appointment_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    returned_at: Mapped[datetime | None]
    completed: Mapped[bool] = mapped_column(default=False)
    state: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    serializer_version: Mapped[str] = mapped_column(String(16))
    row_version: Mapped[int] = mapped_column(Integer)
    next_due_at: Mapped[datetime | None]
    created_by: Mapped[str] = mapped_column(String(200))
    last_event_seq: Mapped[int] = mapped_column(Integer, default=0)
    last_event_hash: Mapped[str] = mapped_column(String(64), default="")
    legal_clock: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sla_state: Mapped[str] = mapped_column(String(16), default="none")
    sla_next_at: Mapped[datetime | None]
    supplement_count: Mapped[int] = mapped_column(Integer, default=0)
    reappointments: Mapped[int] = mapped_column(Integer, default=0)
    paused_hours: Mapped[float] = mapped_column(Float, default=0.0)
    on_time: Mapped[bool | None]
    # The counter that received the dossier for this unit (phi địa giới); NULL: the unit itself.
    receiving_unit: Mapped[str | None] = mapped_column(String(64))
    # The applicant's personal ID, so that a citizen lists their own dossiers.
    applicant_id: Mapped[str | None] = mapped_column(String(64))


class TaskRow(Base):
    """Queryable projection of human tasks, rewritten in the same transaction as the case."""

    __tablename__ = "task"
    __table_args__ = (
        Index("ix_task_unit_state", "unit", "state"),
        Index("ix_task_assignee_state", "assignee", "state"),
        Index("ix_task_case_state", "case_id", "state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    case_code: Mapped[str] = mapped_column(String(64))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str] = mapped_column(String(200))
    candidate_groups: Mapped[str] = mapped_column(String(500))
    unit: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16))
    form: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
    assignee: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime | None]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    completed_by: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16), default="bpmn")
    verdict: Mapped[str | None] = mapped_column(String(16))


class CaseEventRow(Base):
    """Append-only history entry; never updated, never deleted."""

    __tablename__ = "case_event"
    __table_args__ = (UniqueConstraint("case_id", "seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id"))
    seq: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    actor_unit: Mapped[str] = mapped_column(String(64))
    task_id: Mapped[str | None] = mapped_column(String(36))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    model_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class DossierSequenceRow(Base):
    """Daily sequence per unit for dossier codes {unit}-{YYMMDD}-{seq}."""

    __tablename__ = "dossier_sequence"

    unit: Mapped[str] = mapped_column(String(64), primary_key=True)
    day: Mapped[str] = mapped_column(String(6), primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class CalendarOverrideRow(Base):
    """One version of one day of the calendar override table; never updated, never deleted.

    `version` is global over the table and strictly increasing: its primary key makes two
    concurrent changes collide instead of both taking the same number, so max(version) is a
    cheap "has the calendar changed?" check.
    """

    __tablename__ = "calendar_override"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('off', 'workday', 'withdrawn')", name="ck_calendar_override_kind"
        ),
    )

    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    legal_ref: Mapped[str] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]
    supersedes: Mapped[int | None] = mapped_column(Integer)


class AuditDigestRow(Base):
    """One link of the digest chain over every case's history head (append-only)."""

    __tablename__ = "audit_digest"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(200))
    case_count: Mapped[int] = mapped_column(Integer)
    event_count: Mapped[int] = mapped_column(BigInteger)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_digest: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64), unique=True)


class AuditAccessRow(Base):
    """An auditor's (or operator's) read of a case's personal data (append-only)."""

    __tablename__ = "audit_access"
    __table_args__ = (Index("ix_audit_access_case_code", "case_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(200))
    roles: Mapped[str] = mapped_column(String(500))
    units: Mapped[str] = mapped_column(String(500))
    action: Mapped[str] = mapped_column(String(32))
    case_code: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
