"""Vietnamese working-day calendar: pure deadline arithmetic, no database, no import-time work."""

from __future__ import annotations

from typing import Any

from engine.calendar.live import Calendar, LiveCalendar, OverrideSource, pinned
from engine.calendar.office_hours import (
    VN_TZ,
    OfficeHours,
    office_hours_from_dict,
    office_hours_to_dict,
)
from engine.calendar.overrides import CalendarOverride, known_overrides, parse_overrides
from engine.calendar.time_limit import InvalidTimeLimitError, TimeLimit, parse_limit
from engine.calendar.versions import (
    HistoricOverrides,
    OverrideVersion,
    effective_overrides,
    in_force,
)
from engine.calendar.working_calendar import DayInfo, WorkingCalendar, default_calendar

# Declared for type checkers only; the JSON is read on first access (see __getattr__).
KNOWN_OVERRIDES: tuple[CalendarOverride, ...]

__all__ = [
    "KNOWN_OVERRIDES",
    "VN_TZ",
    "Calendar",
    "CalendarOverride",
    "DayInfo",
    "HistoricOverrides",
    "InvalidTimeLimitError",
    "LiveCalendar",
    "OfficeHours",
    "OverrideSource",
    "OverrideVersion",
    "TimeLimit",
    "WorkingCalendar",
    "default_calendar",
    "effective_overrides",
    "in_force",
    "known_overrides",
    "office_hours_from_dict",
    "office_hours_to_dict",
    "parse_limit",
    "parse_overrides",
    "pinned",
]


def __getattr__(name: str) -> Any:
    if name == "KNOWN_OVERRIDES":
        return known_overrides()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
