"""The legal-clock parts of the report: the 766 verdict of the cases SQL cannot judge alone, and
office time summed over many cases without walking the calendar once per case."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from engine.calendar import Calendar


def _at(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def on_time_766(
    row: dict[str, Any], as_of: datetime, calendar: Calendar, time_limit: str | None
) -> bool:
    """The 766 verdict of one case at `as_of` from its legal clock (DOMAIN §2, indicator 2.1).

    More than one supplement request is overdue. The appointment is the original one (paused
    time added, a re-appointment does not move it); without one, the statutory limit counted
    from receipt; with no limit at all nothing can be late. A resolved case is on time when it
    finished by the appointment; an open one while the appointment is not passed; an open case
    whose clock is paused (waiting for the citizen) is judged at the moment the pause began.
    """
    if int(row["supplement_count"] or 0) > 1:
        return False
    clock = row.get("legal_clock") or {}
    appointment = _at(clock.get("original_appointment")) or row.get("appointment_at")
    if appointment is None and time_limit:
        appointment = calendar.due(row["received_at"], time_limit)
    if appointment is None:
        return True
    if row["resolved"]:
        return bool(row["finished_at"] <= appointment)
    moment = as_of
    intervals = clock.get("intervals") or []
    if row.get("sla_state") == "paused" and intervals and intervals[-1].get("to") is None:
        paused_from = _at(intervals[-1].get("from"))
        if paused_from is not None and intervals[-1].get("state") == "paused":
            moment = min(as_of, paused_from)
    return bool(appointment >= moment)


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
