"""Time is read only through a Clock, so tests advance a fake one instead of sleeping."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Source of the current instant (timezone-aware, UTC)."""

    def now(self) -> datetime:
        """The current instant."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> datetime:
        """The current instant in UTC."""
        return datetime.now(UTC)


class FakeClock:
    """A clock that moves only when told to: for tests, replay and benchmarks."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """The current fake instant."""
        return self._now

    def set(self, instant: datetime) -> None:
        """Jump to an instant (may not go backwards: time never runs back for a case)."""
        if instant.tzinfo is None:
            raise ValueError("instant must be timezone-aware")
        instant = instant.astimezone(UTC)
        if instant < self._now:
            raise ValueError("a clock never goes backwards")
        self._now = instant

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by delta and return the new instant."""
        self.set(self._now + delta)
        return self._now
