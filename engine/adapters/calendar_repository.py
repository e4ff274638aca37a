"""The calendar override table: append-only versions of extra days off and make-up workdays."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.adapters.rows import CalendarOverrideRow
from engine.calendar.versions import ChangeKind, OverrideVersion
from engine.domain.errors import ConflictError


def _change(row: CalendarOverrideRow) -> OverrideVersion:
    kind: ChangeKind = row.kind  # type: ignore[assignment]  # the CHECK constraint holds it
    return OverrideVersion(
        day=row.day,
        kind=kind,
        reason=row.reason,
        legal_ref=row.legal_ref,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        version=row.version,
        supersedes=row.supersedes,
    )


class CalendarOverrideRepository:
    """Versions of the override table. There is no update and no delete: a change is a new row."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def latest_version(self) -> int:
        """The newest version in the table (0 when empty): changes whenever the table does."""
        return (
            self.session.scalar(select(func.coalesce(func.max(CalendarOverrideRow.version), 0)))
            or 0
        )

    def history(self, *, day: date | None = None, year: int | None = None) -> list[OverrideVersion]:
        """Every version, oldest first; optionally of one day or of one year only."""
        query = select(CalendarOverrideRow).order_by(CalendarOverrideRow.version)
        if day is not None:
            query = query.where(CalendarOverrideRow.day == day)
        if year is not None:
            query = query.where(
                CalendarOverrideRow.day >= date(year, 1, 1),
                CalendarOverrideRow.day <= date(year, 12, 31),
            )
        return [_change(row) for row in self.session.scalars(query)]

    def latest(self, day: date) -> OverrideVersion | None:
        """The newest version of one day (a withdrawal included), or None if it has none."""
        row = self.session.scalars(
            select(CalendarOverrideRow)
            .where(CalendarOverrideRow.day == day)
            .order_by(CalendarOverrideRow.version.desc())
            .limit(1)
        ).first()
        return _change(row) if row else None

    def add(self, change: OverrideVersion) -> OverrideVersion:
        """Store a change as the next version; ConflictError if another writer took that number."""
        previous = self.latest(change.day)
        stored = change.stored(
            self.latest_version() + 1, previous.version if previous is not None else None
        )
        self.session.add(
            CalendarOverrideRow(
                version=stored.version,
                day=stored.day,
                kind=stored.kind,
                reason=stored.reason,
                legal_ref=stored.legal_ref,
                changed_by=stored.changed_by,
                changed_at=stored.changed_at,
                supersedes=stored.supersedes,
            )
        )
        try:
            self.session.flush()
        except IntegrityError:
            raise ConflictError(
                "the calendar override table changed meanwhile; retry the change"
            ) from None
        return stored
