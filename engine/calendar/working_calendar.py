"""The working calendar: which days are worked, and deadline arithmetic in office time."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from typing import Literal

from engine.calendar.office_hours import OfficeHours
from engine.calendar.overrides import CalendarOverride, known_overrides
from engine.calendar.public_holidays import PublicHolidays, describe
from engine.calendar.time_limit import TimeLimit, parse_limit

DayKind = Literal["holiday", "off", "workday"]
Amount = Decimal | float | int

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_MICROSECONDS_PER_HOUR = Decimal(3_600_000_000)
# No real calendar goes ten years without a working day; past that the configuration is broken.
_MAX_SCAN_DAYS = 3660


@dataclass(frozen=True)
class DayInfo:
    """An exception to the weekly pattern: a weekday off ("holiday", "off") or a "workday"."""

    day: date
    kind: DayKind
    reason: str
    legal_ref: str = ""


class WorkingCalendar:
    """Working days and office-time arithmetic; every instant returned is in `hours.tz`.

    Precedence for a day: an override, then a public holiday, then the weekly pattern.
    `hours` defaults to OfficeHours(); `overrides` defaults to KNOWN_OVERRIDES (pass () for none).
    Durations are returned as Decimal hours, exact to the microsecond.
    """

    def __init__(
        self,
        hours: OfficeHours | None = None,
        overrides: Iterable[CalendarOverride] | None = None,
        use_public_holidays: bool = True,
    ) -> None:
        self.hours = hours or OfficeHours()
        self._tz = self.hours.tz
        self._periods = self.hours.offsets
        self._opening = self._periods[0][0]
        self._closing = self._periods[-1][1]
        self._day_work = self.hours.work_per_day
        self._overrides: dict[date, CalendarOverride] = {}
        for override in known_overrides() if overrides is None else overrides:
            seen = self._overrides.get(override.day)
            if seen is not None and seen.kind != override.kind:
                raise ValueError(f"conflicting overrides for {override.day}: off and workday")
            self._overrides[override.day] = override
        self._public = PublicHolidays() if use_public_holidays else None

    def with_hours(self, hours: OfficeHours) -> WorkingCalendar:
        """The same days (overrides, public holidays) counted with other office hours."""
        return WorkingCalendar(hours, self._overrides.values(), self._public is not None)

    # -- days ---------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """Whether `d` is worked: overrides win over public holidays, which win over weekends."""
        if isinstance(d, datetime):
            d = self._local(d).date()
        override = self._overrides.get(d)
        if override is not None:
            return override.kind == "workday"
        if d.weekday() not in self.hours.weekdays:
            return False
        return self._public is None or d not in self._public.for_year(d.year)

    def non_working_days(self, year: int) -> list[DayInfo]:
        """Public holidays on working weekdays, plus every override of `year`, sorted by day."""
        found: dict[date, DayInfo] = {}
        if self._public is not None:
            for day, name in self._public.for_year(year).items():
                if day.weekday() not in self.hours.weekdays:
                    continue  # a holiday on a weekend changes nothing; its nghỉ bù day is listed
                info = describe(name)
                legal_ref = info.legal_ref
                made_up = self._overrides.get(info.swapped_with) if info.swapped_with else None
                if made_up is not None:
                    legal_ref = made_up.legal_ref  # both sides of a swap cite the same notice
                found[day] = DayInfo(day, "holiday", info.reason, legal_ref)
        for day, override in self._overrides.items():
            if day.year == year:
                found[day] = DayInfo(day, override.kind, override.reason, override.legal_ref)
        return [found[day] for day in sorted(found)]

    def next_working_day(self, d: date) -> date:
        """The first working day strictly after `d`."""
        for _ in range(_MAX_SCAN_DAYS):
            d += _ONE_DAY
            if self.is_working_day(d):
                return d
        raise ValueError(f"no working day within {_MAX_SCAN_DAYS} days after {d}")

    def start_of_working_day(self, d: date) -> datetime:
        """The opening instant of working day `d`; ValueError if `d` is not worked."""
        self._require_working_day(d)
        return self._at(d, self._opening)

    def end_of_working_day(self, d: date) -> datetime:
        """The closing instant of working day `d`; ValueError if `d` is not worked."""
        self._require_working_day(d)
        return self._at(d, self._closing)

    # -- instants -----------------------------------------------------------------------

    def next_working_instant(self, t: datetime) -> datetime:
        """`t` itself if inside an office period, else the start of the next one."""
        local = self._local(t)
        d, position = local.date(), self._position(local)
        if self.is_working_day(d):
            for start, end in self._periods:
                if position < start:
                    return self._at(d, start)
                if position < end:
                    return local
        return self._at(self.next_working_day(d), self._opening)

    def counting_start(self, received: datetime) -> datetime:
        """Where the clock starts for a dossier received at `received` (the 15:00 rule)."""
        local = self._local(received)
        cutoff = self.hours.cutoff
        # "Sau 15 giờ" is strictly after: a dossier stamped 15:00:00 still counts that day.
        if self.is_working_day(local.date()) and (cutoff is None or local.time() <= cutoff):
            return self.next_working_instant(local)
        return self._at(self.next_working_day(local.date()), self._opening)

    def add_working_hours(self, t: datetime, hours: Amount) -> datetime:
        """The earliest instant by which `hours` of office time have passed since `t`.

        An addition that uses up a period exactly ends at that period's close (17:00), not at
        the next opening; adding 0 returns `t` unchanged.
        """
        remaining = self._duration(hours)
        local = self._local(t)
        if remaining == _ZERO:
            return local
        d, position = local.date(), self._position(local)
        while True:
            if self.is_working_day(d):
                if position == _ZERO and remaining > self._day_work:
                    remaining -= self._day_work  # a whole working day: skip its periods
                else:
                    for start, end in self._periods:
                        begin = max(start, position)
                        if begin >= end:
                            continue
                        if remaining <= end - begin:
                            return self._at(d, begin + remaining)
                        remaining -= end - begin
            d, position = d + _ONE_DAY, _ZERO

    def add_working_days(self, t: datetime, days: Amount) -> datetime:
        """`add_working_hours(t, days * hours_per_day)`: 0.5 WD is half an office day."""
        return self.add_working_hours(t, _decimal(days, "days") * self.hours.hours_per_day)

    def working_hours_between(self, a: datetime, b: datetime) -> Decimal:
        """Office time from `a` to `b` in hours, as a Decimal; negative when `b` is before `a`."""
        start, end = self._local(a), self._local(b)
        if end < start:
            return -self.working_hours_between(end, start)
        total = _ZERO
        d = start.date()
        while d <= end.date():
            if self.is_working_day(d):
                low = self._position(start) if d == start.date() else _ZERO
                high = self._position(end) if d == end.date() else _ONE_DAY
                for period_start, period_end in self._periods:
                    overlap = min(period_end, high) - max(period_start, low)
                    if overlap > _ZERO:
                        total += overlap
            d += _ONE_DAY
        return Decimal(total // timedelta(microseconds=1)) / _MICROSECONDS_PER_HOUR

    def roll_deadline(self, t: datetime) -> datetime:
        """Move a deadline out of non-working time (Civil Code 2015 art. 148 k5); see comments."""
        local = self._local(t)
        d, position = local.date(), self._position(local)
        if not self.is_working_day(d) or position > self._closing:
            return self.end_of_working_day(self.next_working_day(d))
        if position < self._opening:
            # Before opening nobody can act on the deadline, so the night gap is treated like the
            # evening before it: every instant from one close to the next opening rolls to the
            # end of the same working day. The lunch break and 17:00 itself stay as they are:
            # the day is a working day and art. 148 k5 only moves deadlines off rest days.
            return self.end_of_working_day(d)
        return local

    def due(self, received: datetime, limit: TimeLimit | str) -> datetime:
        """The deadline for `limit` counted from a dossier received at `received`."""
        if isinstance(limit, str):
            limit = parse_limit(limit)
        start = self.counting_start(received)
        if limit.unit == "SD":
            return self.end_of_working_day(start.date())
        if limit.unit == "WD":
            return self.add_working_days(start, limit.amount)
        return self.add_working_hours(start, limit.amount)

    # -- helpers ------------------------------------------------------------------------

    def _local(self, t: datetime) -> datetime:
        if not isinstance(t, datetime):
            raise TypeError(f"expected a datetime, got {type(t).__name__}")
        if t.tzinfo is None or t.utcoffset() is None:
            raise ValueError(f"naive datetime {t.isoformat()}: pass a timezone-aware instant")
        return t.astimezone(self._tz)

    def _position(self, local: datetime) -> timedelta:
        return local.replace(tzinfo=None) - datetime.combine(local.date(), time())

    def _at(self, d: date, offset: timedelta) -> datetime:
        return datetime.combine(d, time(), tzinfo=self._tz) + offset

    def _duration(self, hours: Amount) -> timedelta:
        value = _decimal(hours, "hours")
        micro = (value * _MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_EVEN)
        return timedelta(microseconds=int(micro))

    def _require_working_day(self, d: date) -> None:
        if not self.is_working_day(d):
            raise ValueError(f"{d} is not a working day")


def _decimal(value: Amount, what: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | float | int):
        raise TypeError(f"{what} must be a Decimal, float or int, got {value!r}")
    # repr() keeps 0.1 as Decimal("0.1") instead of its binary expansion.
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{what} must be a finite number of 0 or more, got {value!r}")
    return number


@cache
def default_calendar() -> WorkingCalendar:
    """The shared calendar for Vietnamese state agencies, built on first call and then reused."""
    return WorkingCalendar()
