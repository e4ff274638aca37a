"""The legal-clock parts of the report: the 766 verdict of the cases SQL cannot judge alone, and
office time summed over many cases without walking the calendar once per case."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from engine.calendar import Calendar


def _clock(row: dict[str, Any]) -> dict[str, Any]:
    """The legal clock of a row, parsed only when the verdict depends on it."""
    if "legal_clock" in row:
        return dict(row["legal_clock"] or {})
    if not (row.get("reappointments") or row.get("sla_state") == "paused"):
        return {}
    parsed = json.loads(row.get("clock") or "{}")
    return parsed if isinstance(parsed, dict) else {}


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class Judge:
    """The 766 verdict of cases at one instant, with the statutory deadlines memoised per day."""

    def __init__(self, calendar: Calendar, as_of: datetime) -> None:
        self.calendar = calendar
        self.as_of = as_of
        self._bounds: dict[tuple[str, date], tuple[datetime, datetime]] = {}

    def on_time(self, row: dict[str, Any], time_limit: str | None) -> bool:
        """The 766 verdict of one case (DOMAIN §2, indicator 2.1).

        More than one supplement request is overdue. The appointment is the original one
        (paused time added, a re-appointment does not move it); without one, the statutory
        limit counted from receipt; with no limit at all nothing can be late. A resolved case
        is on time when it finished by the appointment; an open one while the appointment is
        not passed; an open case whose clock is paused (waiting for the citizen) is judged at
        the moment the pause began.
        """
        if int(row["supplement_count"] or 0) > 1:
            return False
        clock = _clock(row)
        moment = row["finished_at"] if row["resolved"] else self._moment(row, clock)
        appointment = _at(clock.get("original_appointment")) or row.get("appointment_at")
        if appointment is not None:
            return bool(appointment >= moment)
        if not time_limit:
            return True
        return self._due_not_before(row["received_at"], time_limit, moment)

    def _moment(self, row: dict[str, Any], clock: dict[str, Any]) -> datetime:
        intervals = clock.get("intervals") or []
        if row.get("sla_state") == "paused" and intervals and intervals[-1].get("to") is None:
            paused_from = _at(intervals[-1].get("from"))
            if paused_from is not None and intervals[-1].get("state") == "paused":
                return min(self.as_of, paused_from)
        return self.as_of

    def _due_not_before(self, received: datetime, limit: str, moment: datetime) -> bool:
        """due(received) >= moment, computing the deadline only when the day's bounds don't say.

        Deadlines never move earlier for a later receipt, so the deadlines of the day's first
        instant and of the next day's first instant bracket every receipt of that day.
        """
        tz = self.calendar.hours.tz
        day = received.astimezone(tz).date()
        bounds = self._bounds.get((limit, day))
        if bounds is None:
            start = datetime.combine(day, time(), tzinfo=tz)
            bounds = (
                self.calendar.due(start, limit),
                self.calendar.due(start + timedelta(days=1), limit),
            )
            self._bounds[(limit, day)] = bounds
        if moment <= bounds[0]:
            return True
        if moment > bounds[1]:
            return False
        return bool(self.calendar.due(received, limit) >= moment)


def on_time_766(
    row: dict[str, Any], as_of: datetime, calendar: Calendar, time_limit: str | None
) -> bool:
    """The 766 verdict of one case at `as_of` (see Judge.on_time)."""
    return Judge(calendar, as_of).on_time(row, time_limit)


def net_working_hours(
    rows: list[tuple[str, str, int, int, float]], calendar: Calendar
) -> dict[str, float]:
    """Office hours from start to end summed per unit, from per-day sums of both instants.

    With W(t) = office hours from a reference day to t, the office time between a and b is
    W(b) - W(a), so the sum over cases is the sum of W at the ends minus the sum at the starts;
    W of an instant is (working days before its day) x hours per day + the office time of its
    own day before it, which the database sums per day (engine.adapters.report_sql).
    """
    if not rows:
        return {}
    hours_per_day = float(calendar.hours.hours_per_day)
    first, last = min(r[2] for r in rows), max(r[2] for r in rows)
    before: dict[int, int] = {}
    working: dict[int, bool] = {}
    count = 0
    for ordinal in range(first, last + 1):
        before[ordinal] = count
        working[ordinal] = calendar.is_working_day(date.fromordinal(ordinal))
        count += working[ordinal]
    total: dict[str, float] = defaultdict(float)
    for side, unit, ordinal, cases, seconds in rows:
        w = cases * before[ordinal] * hours_per_day + (seconds / 3600 if working[ordinal] else 0)
        total[unit] += w if side == "end" else -w
    return dict(total)
