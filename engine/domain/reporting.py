"""Plain types of the service-quality report: the period, the cohort asked for, its tallies."""

from __future__ import annotations

import re
from calendar import monthrange
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from engine.domain.errors import InvalidInputError

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last` (both included)."""

    first: date
    last: date

    @property
    def label(self) -> str:
        """'07/2025' for a calendar month, else '01/07/2025 - 15/07/2025'."""
        if self.first.day == 1 and self.last == _month_end(self.first):
            return f"{self.first:%m/%Y}"
        return f"{self.first:%d/%m/%Y} - {self.last:%d/%m/%Y}"

    def bounds(self, tz: tzinfo) -> tuple[datetime, datetime]:
        """[start, end) as instants: local midnight of `first` to local midnight after `last`."""
        start = datetime.combine(self.first, time(), tzinfo=tz)
        return start, datetime.combine(self.last + timedelta(days=1), time(), tzinfo=tz)

    def months_back(self, count: int) -> list[Period]:
        """The `count` calendar months ending with the month of `last`, oldest first."""
        year, month = self.last.year, self.last.month
        months = []
        for _ in range(count):
            first = date(year, month, 1)
            months.append(Period(first, _month_end(first)))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return months[::-1]


def _month_end(first: date) -> date:
    return first.replace(day=monthrange(first.year, first.month)[1])


def parse_period(period: str | None, first: str | None = None, last: str | None = None) -> Period:
    """A month 'YYYY-MM', or from/to ISO dates (inclusive); InvalidInputError otherwise."""
    if period:
        match = _MONTH.match(period.strip())
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise InvalidInputError(f"period {period!r} is not a month: write e.g. 2025-07")
        start = date(int(match.group(1)), int(match.group(2)), 1)
        return Period(start, _month_end(start))
    if not first or not last:
        raise InvalidInputError("give a period (e.g. 2025-07) or both from and to dates")
    try:
        a, b = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as exc:
        raise InvalidInputError(f"from/to must be dates like 2025-07-01: {exc}") from None
    if b < a:
        raise InvalidInputError("'to' is before 'from'")
    if (b - a).days > 366:
        raise InvalidInputError("a report covers at most one year")
    return Period(a, b)


@dataclass(frozen=True)
class Cohort:
    """The dossiers a report counts: received in [start, end) within the scope, seen at as_of.

    `units` None means every unit; `unit`, `procedure_id` and `channel` narrow further.
    """

    start: datetime
    end: datetime
    as_of: datetime
    units: frozenset[str] | None = None
    unit: str | None = None
    procedure_id: str | None = None
    channel: int | None = None


@dataclass
class Tally:
    """Counts of one slice of the cohort (a unit, a model version, a channel)."""

    unit: str
    version_id: int
    channel: int
    counts: Counter[str] = field(default_factory=Counter)
    paused_hours: float = 0.0

    def add(self, other: dict[str, Any]) -> None:
        """Add named counts."""
        for key, value in other.items():
            self.counts[key] += int(value or 0)
