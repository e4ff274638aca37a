"""Repository of handoffs: messages sent to another agency and their acknowledgement."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from engine.adapters.messaging_rows import HandoffRow
from engine.adapters.rows import CaseEventRow, CaseRow
from engine.domain.messaging import Handoff, HandoffState

# What an officer of the receiving unit does that takes a handoff up.
TAKE_UP_EVENTS = ("task_claimed", "task_completed")
_FIELDS = (
    "outbox_id",
    "key",
    "name",
    "channel",
    "source_case_id",
    "source_case",
    "source_unit",
    "dossier",
    "endpoint",
    "sent_at",
    "allotment",
    "ack_due_at",
    "target_case",
    "target_unit",
    "delivered_at",
    "receipt_seq",
    "needs_take_up",
    "acknowledged_at",
    "acknowledged_by",
    "acknowledged_how",
    "escalated_at",
    "escalation_task_id",
)


def _handoff(row: HandoffRow) -> Handoff:
    values: dict[str, Any] = {name: getattr(row, name) for name in _FIELDS}
    return Handoff(id=row.id, state=HandoffState(row.state), **values)


def _values(handoff: Handoff) -> dict[str, Any]:
    values = {name: getattr(handoff, name) for name in _FIELDS}
    values["state"] = handoff.state.value
    return values


class HandoffRepository:
    """Handoffs by case, by unit and by due acknowledgement."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, handoff: Handoff) -> Handoff:
        """Insert a handoff; sets its id."""
        row = HandoffRow(**_values(handoff))
        self.session.add(row)
        self.session.flush()
        handoff.id = row.id
        return handoff

    def by_outbox(self, outbox_id: int, *, lock: bool = False) -> Handoff | None:
        """The handoff of an outbox row (None: the row is not a handoff)."""
        stmt = select(HandoffRow).where(HandoffRow.outbox_id == outbox_id)
        if lock:
            stmt = stmt.with_for_update()
        row = self.session.scalars(stmt.execution_options(populate_existing=True)).first()
        return _handoff(row) if row else None

    def update(self, handoff: Handoff) -> None:
        """Write a handoff's delivery, acknowledgement and escalation."""
        values = _values(handoff)
        self.session.execute(
            update(HandoffRow)
            .where(HandoffRow.id == handoff.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def claim_due(self, now: datetime, skip: Collection[int] = ()) -> Handoff | None:
        """The oldest awaiting handoff whose allotment has passed, locked (SKIP LOCKED: several
        workers share the work and none takes a row another one holds)."""
        conds = [HandoffRow.state == HandoffState.AWAITING.value, HandoffRow.ack_due_at <= now]
        if skip:
            conds.append(HandoffRow.id.not_in(list(skip)))
        row = self.session.scalars(
            select(HandoffRow)
            .where(*conds)
            .order_by(HandoffRow.ack_due_at, HandoffRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        ).first()
        return _handoff(row) if row else None

    def for_case(self, case_id: int, code: str) -> list[Handoff]:
        """The handoffs a case sent and those it received, oldest first."""
        rows = self.session.scalars(
            select(HandoffRow)
            .where(or_(HandoffRow.source_case_id == case_id, HandoffRow.target_case == code))
            .order_by(HandoffRow.id)
        )
        return [_handoff(r) for r in rows]

    def search(
        self, units: Collection[str] | None, state: str | None, offset: int, limit: int
    ) -> tuple[list[Handoff], int]:
        """Handoffs sent or received by the units (None: every unit), newest first."""
        conds = []
        if units is not None:
            unit_list = list(units)
            conds.append(
                or_(HandoffRow.source_unit.in_(unit_list), HandoffRow.target_unit.in_(unit_list))
            )
        if state:
            conds.append(HandoffRow.state == state)
        total = self.session.scalar(select(func.count()).select_from(HandoffRow).where(*conds))
        rows = self.session.scalars(
            select(HandoffRow)
            .where(*conds)
            .order_by(HandoffRow.id.desc())
            .offset(offset)
            .limit(limit)
        )
        return [_handoff(r) for r in rows], int(total or 0)

    def take_up(self, case_code: str, after_seq: int) -> tuple[datetime, str, str] | None:
        """(when, who, what) of the first claim or completion of a task of the case after the
        event `after_seq` (the message's receipt): the receiving side taking the handoff up."""
        case_id = select(CaseRow.id).where(CaseRow.code == case_code).scalar_subquery()
        row = self.session.execute(
            select(CaseEventRow.at, CaseEventRow.actor, CaseEventRow.type)
            .where(
                CaseEventRow.case_id == case_id,
                CaseEventRow.seq > after_seq,
                CaseEventRow.type.in_(TAKE_UP_EVENTS),
            )
            .order_by(CaseEventRow.seq)
            .limit(1)
        ).first()
        return (row[0], row[1], row[2]) if row else None
