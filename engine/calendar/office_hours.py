"""Office hours of a state agency: daily periods, working weekdays, the intake cut-off, the zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time, timedelta, tzinfo
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

VN_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)


def _offset(t: time) -> timedelta:
    return timedelta(hours=t.hour, minutes=t.minute, seconds=t.second, microseconds=t.microsecond)


@dataclass(frozen=True)
class OfficeHours:
    """When an agency works; the defaults are the 8-hour administrative day of DOMAIN §1.6.

    `cutoff`: a dossier received after it counts from the next working day (the 15:00 rule);
    None disables the rule. An online channel that applies the "last hour before closing"
    rule uses its own instance with `cutoff=time(16, 0)`.
    """

    periods: tuple[tuple[time, time], ...] = (
        (time(7, 30), time(11, 30)),
        (time(13, 0), time(17, 0)),
    )
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    cutoff: time | None = time(15, 0)
    tz: tzinfo = field(default=VN_TZ)

    def __post_init__(self) -> None:
        if not self.periods:
            raise ValueError("office hours need at least one period")
        previous_end: time | None = None
        for start, end in self.periods:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError("office periods are wall-clock times: give naive times")
            if start >= end:
                raise ValueError(f"office period {start}-{end} must start before it ends")
            if previous_end is not None and start < previous_end:
                raise ValueError("office periods must be in order and must not overlap")
            previous_end = end
        if not self.weekdays or not self.weekdays <= frozenset(range(7)):
            raise ValueError("weekdays must be a non-empty set of 0 (Monday) .. 6 (Sunday)")
        if self.cutoff is not None and self.cutoff.tzinfo is not None:
            raise ValueError("the cut-off is a wall-clock time: give a naive time")

    @property
    def offsets(self) -> tuple[tuple[timedelta, timedelta], ...]:
        """The periods as (start, end) offsets from local midnight."""
        return tuple((_offset(start), _offset(end)) for start, end in self.periods)

    @property
    def work_per_day(self) -> timedelta:
        """Office time in one working day."""
        return sum((end - start for start, end in self.offsets), timedelta(0))

    @property
    def hours_per_day(self) -> Decimal:
        """Working hours in one working day (8 by default: 1 WD = 8 WH)."""
        return Decimal(self.work_per_day // timedelta(microseconds=1)) / _MICROSECONDS_PER_HOUR


def office_hours_from_dict(raw: dict[str, object], where: str = "office hours") -> OfficeHours:
    """Office hours from their JSON form, e.g. a ward that also receives on Saturday mornings::

        {"periods": [["07:30", "11:30"], ["13:00", "17:00"]], "weekdays": [0, 1, 2, 3, 4],
         "cutoff": "15:00"}

    Missing keys take the defaults; `"cutoff": null` disables the 15:00 rule.
    """
    default = OfficeHours()
    try:
        periods = raw.get("periods")
        weekdays = raw.get("weekdays")
        cutoff = raw.get("cutoff", "15:00")
        return OfficeHours(
            periods=tuple(
                (time.fromisoformat(str(start)), time.fromisoformat(str(end)))
                for start, end in cast(list[Any], periods)
            )
            if periods is not None
            else default.periods,
            weekdays=frozenset(int(d) for d in cast(list[Any], weekdays))
            if weekdays is not None
            else default.weekdays,
            cutoff=time.fromisoformat(str(cutoff)) if cutoff is not None else None,
        )
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{where}: {exc}") from exc


def office_hours_to_dict(hours: OfficeHours) -> dict[str, Any]:
    """The JSON form of office hours (what office_hours_from_dict reads), as a case records
    the hours it counts with."""
    return {
        "periods": [
            [start.isoformat("minutes"), end.isoformat("minutes")] for start, end in hours.periods
        ],
        "weekdays": sorted(hours.weekdays),
        "cutoff": hours.cutoff.isoformat("minutes") if hours.cutoff is not None else None,
    }
