"""A calendar that follows the override table: cached, rebuilt when the table's version changes.

Pure like the rest of this folder: the table is read through an injected `OverrideSource`
(engine.services.calendar wires one over the database), and time through an injected
monotonic clock, so tests drive both.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from engine.calendar.office_hours import OfficeHours
from engine.calendar.overrides import CalendarOverride
from engine.calendar.time_limit import TimeLimit
from engine.calendar.working_calendar import Amount, DayInfo, WorkingCalendar

# How long a calendar is used before the table's version is checked again (seconds). A change
# made through this process is seen at once (invalidate()); other processes see it within this.
CHECK_EVERY_SECONDS = 5.0


class Calendar(Protocol):
    """What the engine asks of a calendar: WorkingCalendar's API (LiveCalendar delegates it)."""

    @property
    def hours(self) -> OfficeHours: ...
    def is_working_day(self, d: date) -> bool: ...
    def non_working_days(self, year: int) -> list[DayInfo]: ...
    def next_working_day(self, d: date) -> date: ...
    def start_of_working_day(self, d: date) -> datetime: ...
    def end_of_working_day(self, d: date) -> datetime: ...
    def next_working_instant(self, t: datetime) -> datetime: ...
    def counting_start(self, received: datetime) -> datetime: ...
    def add_working_hours(self, t: datetime, hours: Amount) -> datetime: ...
    def add_working_days(self, t: datetime, days: Amount) -> datetime: ...
    def working_hours_between(self, a: datetime, b: datetime) -> Decimal: ...
    def roll_deadline(self, t: datetime) -> datetime: ...
    def due(self, received: datetime, limit: TimeLimit | str) -> datetime: ...
    def with_hours(self, hours: OfficeHours) -> Calendar:
        """The same days (holidays, overrides) counted with other office hours."""
        ...


class OverrideSource(Protocol):
    """Where the overrides in force come from (the database, in production)."""

    def version(self) -> int:
        """A number that changes whenever the overrides in force may have changed (cheap)."""
        ...

    def load(self) -> tuple[int, Sequence[CalendarOverride]]:
        """The version and the overrides in force, read consistently together."""
        ...


@dataclass(frozen=True)
class _Snapshot:
    version: int
    calendar: WorkingCalendar


class LiveCalendar:
    """The effective calendar (public holidays plus the override table), refreshed on change.

    Every WorkingCalendar method delegates to `current()`. A command that needs several answers
    from one and the same calendar (a due date and its timers) should hold `current()` once.
    """

    def __init__(
        self,
        source: OverrideSource,
        hours: OfficeHours | None = None,
        *,
        check_every: float = CHECK_EVERY_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._source = source
        self._hours = hours or OfficeHours()
        self._check_every = check_every
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._snapshot: _Snapshot | None = None
        self._next_check = float("-inf")

    @property
    def hours(self) -> OfficeHours:
        """The office hours every snapshot uses."""
        return self._hours

    @property
    def version(self) -> int | None:
        """The table version of the calendar in use (None before the first load)."""
        return self._snapshot.version if self._snapshot else None

    def current(self) -> WorkingCalendar:
        """The calendar in force, rebuilt if the table's version changed since the last check."""
        snapshot = self._snapshot
        if snapshot is None:
            with self._lock:
                if self._snapshot is None:
                    self._reload()
            return self._calendar()
        if self._monotonic() < self._next_check:
            return snapshot.calendar
        # One thread checks; the others keep the calendar they have rather than queue for it.
        if self._lock.acquire(blocking=False):
            try:
                if self._monotonic() >= self._next_check:
                    if self._source.version() != snapshot.version:
                        self._reload()
                    else:
                        self._next_check = self._monotonic() + self._check_every
            finally:
                self._lock.release()
        return self._calendar()

    def with_hours(self, hours: OfficeHours) -> LiveCalendar:
        """The same override source counted with other office hours."""
        return LiveCalendar(
            self._source, hours, check_every=self._check_every, monotonic=self._monotonic
        )

    def invalidate(self) -> None:
        """Check the table's version on the next use (call after changing the table)."""
        self._next_check = float("-inf")

    def _reload(self) -> None:
        version, overrides = self._source.load()
        calendar = WorkingCalendar(self._hours, overrides)
        self._snapshot = _Snapshot(version, calendar)
        self._next_check = self._monotonic() + self._check_every

    def _calendar(self) -> WorkingCalendar:
        assert self._snapshot is not None
        return self._snapshot.calendar

    # -- the WorkingCalendar API, delegated --------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """See WorkingCalendar.is_working_day."""
        return self.current().is_working_day(d)

    def non_working_days(self, year: int) -> list[DayInfo]:
        """See WorkingCalendar.non_working_days."""
        return self.current().non_working_days(year)

    def next_working_day(self, d: date) -> date:
        """See WorkingCalendar.next_working_day."""
        return self.current().next_working_day(d)

    def start_of_working_day(self, d: date) -> datetime:
        """See WorkingCalendar.start_of_working_day."""
        return self.current().start_of_working_day(d)

    def end_of_working_day(self, d: date) -> datetime:
        """See WorkingCalendar.end_of_working_day."""
        return self.current().end_of_working_day(d)

    def next_working_instant(self, t: datetime) -> datetime:
        """See WorkingCalendar.next_working_instant."""
        return self.current().next_working_instant(t)

    def counting_start(self, received: datetime) -> datetime:
        """See WorkingCalendar.counting_start."""
        return self.current().counting_start(received)

    def add_working_hours(self, t: datetime, hours: Amount) -> datetime:
        """See WorkingCalendar.add_working_hours."""
        return self.current().add_working_hours(t, hours)

    def add_working_days(self, t: datetime, days: Amount) -> datetime:
        """See WorkingCalendar.add_working_days."""
        return self.current().add_working_days(t, days)

    def working_hours_between(self, a: datetime, b: datetime) -> Decimal:
        """See WorkingCalendar.working_hours_between."""
        return self.current().working_hours_between(a, b)

    def roll_deadline(self, t: datetime) -> datetime:
        """See WorkingCalendar.roll_deadline."""
        return self.current().roll_deadline(t)

    def due(self, received: datetime, limit: TimeLimit | str) -> datetime:
        """See WorkingCalendar.due."""
        return self.current().due(received, limit)


def pinned(calendar: Calendar) -> Calendar:
    """One fixed calendar for a whole command: a LiveCalendar's current snapshot, else itself."""
    return calendar.current() if isinstance(calendar, LiveCalendar) else calendar
