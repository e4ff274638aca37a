"""The append-only case history: events buffered per command, written in one batch."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from engine.adapters.rows import CaseEventRow, table_of
from engine.domain.model import CaseEvent


def _event(row: CaseEventRow) -> CaseEvent:
    return CaseEvent(
        case_id=row.case_id,
        seq=row.seq,
        type=row.type,
        at=row.at,
        actor=row.actor,
        actor_unit=row.actor_unit,
        payload=row.payload,
        model_hash=row.model_hash,
        prev_hash=row.prev_hash,
        hash=row.hash,
        task_id=row.task_id,
    )


class EventRepository:
    """The append-only case history.

    Events are buffered and written in one multi-row INSERT when the unit of work commits (or
    before any read of the history in the same transaction): a command appends several.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        self.pending: list[dict[str, Any]] = []

    def append(self, event: CaseEvent) -> None:
        """Queue one sealed event for the command's INSERT."""
        self.pending.append(
            {
                "case_id": event.case_id,
                "seq": event.seq,
                "type": event.type,
                "at": event.at,
                "actor": event.actor,
                "actor_unit": event.actor_unit,
                "task_id": event.task_id,
                "payload": event.payload,
                "model_hash": event.model_hash,
                "prev_hash": event.prev_hash,
                "hash": event.hash,
            }
        )

    def take(self) -> list[dict[str, Any]]:
        """The queued events, handed to a caller that writes them (and no longer here)."""
        rows, self.pending = self.pending, []
        return rows

    def flush(self) -> None:
        """Write the queued events."""
        if self.pending:
            rows = self.take()
            # Core executemany (no ids fetched back): one pipelined batch on PostgreSQL.
            self.session.execute(insert(table_of(CaseEventRow)), rows)

    def for_case(self, case_id: int) -> list[CaseEvent]:
        """Every event of a case in order."""
        self.flush()
        rows = self.session.scalars(
            select(CaseEventRow).where(CaseEventRow.case_id == case_id).order_by(CaseEventRow.seq)
        )
        return [_event(r) for r in rows]
