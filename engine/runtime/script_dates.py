"""Dates and times in model code: `datetime`, `date`, `timedelta`, `timezone`, `time`, on the case clock.

SpiffArena and SpiffWorkflow models compute with dates (`datetime.now()`,
`datetime.datetime.utcnow()`, `time.time()`, `timedelta(days=3)`). Model code gets stand-ins
for those names that behave as Python's, with three differences that make a case replayable:

* "now" is the running command's clock (`timekeeping.current_now`: the injected clock in
  tests, the recorded instant in replay), never the wall clock;
* local time is Vietnam time (Asia/Ho_Chi_Minh) whatever the host's zone: `now()`, `today()`,
  `fromtimestamp()` and `time.localtime()` give Vietnamese wall time, and a naive value is read
  as Vietnamese time by `timestamp()` and `astimezone()`, except a value that came from
  `utcnow()`/`utcfromtimestamp()`, which remembers it is UTC;
* a date, time, datetime or timedelta that model code leaves in the case data is stored as
  ISO-8601 text (`iso_data`), as forms and the API carry dates.

A stand-in is not a class: attribute access on classes is refused by the sandbox, so each
stand-in offers the constructors and constants it names, is callable, and answers isinstance().
"""

from __future__ import annotations

import time as _time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from datetime import time as time_of_day
from typing import Any

from engine.runtime.script_data import JSON_SCALARS
from engine.runtime.timekeeping import CASE_ZONE, current_now

DATE_TYPES = (datetime, date, time_of_day, timedelta)


class CaseDateTime(datetime):
    """A datetime whose "now" is the case clock and whose local zone is Vietnam's."""

    _naive_zone: Any = CASE_ZONE

    @classmethod
    def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
        """The case clock, as Vietnamese wall time (naive) or in `tz`."""
        return cls.fromtimestamp(current_now().timestamp(), tz)

    @classmethod
    def today(cls) -> Any:  # type: ignore[override]
        """The case clock as Vietnamese wall time (naive), as `now()`."""
        return cls.now()

    @classmethod
    def utcnow(cls) -> Any:  # type: ignore[override]
        """The case clock as naive UTC; it remembers it is UTC for timestamp()."""
        return _utc_naive(current_now())

    @classmethod
    def fromtimestamp(cls, t: float, tz: Any = None) -> Any:  # type: ignore[override]
        """The instant `t` as Vietnamese wall time (naive), or in `tz`."""
        instant = datetime.fromtimestamp(t, tz or CASE_ZONE)
        return _case(instant if tz else instant.replace(tzinfo=None))

    @classmethod
    def utcfromtimestamp(cls, t: float) -> Any:  # type: ignore[override]
        """The instant `t` as naive UTC; it remembers it is UTC for timestamp()."""
        return _utc_naive(datetime.fromtimestamp(t, UTC))

    def _aware(self) -> datetime:
        return self.replace(tzinfo=self._naive_zone) if self.tzinfo is None else self

    def timestamp(self) -> float:
        """Seconds since the epoch; a naive value is read in its zone (Vietnam, or UTC)."""
        return datetime.timestamp(self._aware())

    def astimezone(self, tz: Any = None) -> Any:  # type: ignore[override]
        """The same instant in `tz` (default: Vietnam time)."""
        return _case(datetime.astimezone(self._aware(), tz or CASE_ZONE))


class _UtcNaiveDateTime(CaseDateTime):
    """A naive datetime from utcnow()/utcfromtimestamp(): it keeps reading as UTC."""

    _naive_zone = UTC


def _case(value: datetime, kind: type[CaseDateTime] = CaseDateTime) -> Any:
    return kind.combine(value.date(), value.timetz(), tzinfo=value.tzinfo).replace(fold=value.fold)


def _utc_naive(instant: datetime) -> Any:
    return _case(instant.astimezone(UTC).replace(tzinfo=None), _UtcNaiveDateTime)


class CaseDate(date):
    """A date whose today() is the case clock's day in Vietnam."""

    @classmethod
    def today(cls) -> Any:  # type: ignore[override]
        """The case clock's day in Vietnam."""
        return cls.fromtimestamp(current_now().timestamp())

    @classmethod
    def fromtimestamp(cls, t: float) -> Any:  # type: ignore[override]
        """The day of the instant `t` in Vietnam."""
        day = datetime.fromtimestamp(t, CASE_ZONE).date()
        return cls(day.year, day.month, day.day)


class StandIn:
    """Model code's name for a date type or module: callable, isinstance(), listed attributes."""

    __slots__ = ("_attributes", "_build", "_kind", "_name")

    def __init__(
        self,
        name: str,
        build: Callable[..., Any] | None,
        kind: type | tuple[type, ...] | None,
        attributes: Mapping[str, Any],
    ) -> None:
        self._name, self._build, self._kind = name, build, kind
        self._attributes = dict(attributes)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._build is None:
            raise TypeError(f"'{self._name}' is a module; call one of its functions")
        return self._build(*args, **kwargs)

    def __instancecheck__(self, obj: Any) -> bool:
        if self._kind is None:
            raise TypeError(f"isinstance() against the module '{self._name}'")
        return isinstance(obj, self._kind)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._attributes[name]
        except KeyError:
            offered = ", ".join(sorted(self._attributes))
            raise AttributeError(
                f"'{self._name}.{name}' is not available in model code (it has: {offered})"
            ) from None

    def __repr__(self) -> str:
        return f"<{self._name} on the case clock>"

    @property
    def names(self) -> frozenset[str]:
        """The attributes model code may use."""
        return frozenset(self._attributes)


def _time_now() -> float:
    return current_now().timestamp()


def _struct(secs: float | None, zone: Any) -> _time.struct_time:
    return datetime.fromtimestamp(_time_now() if secs is None else secs, zone).timetuple()


def _strftime(fmt: str, t: Any = None) -> str:
    return _time.strftime(fmt, _struct(None, CASE_ZONE) if t is None else t)


def _mktime(t: Any) -> float:
    return CaseDateTime(*tuple(t)[:6]).timestamp()


def _methods(kind: type, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(kind, name) for name in names}


def _limits(kind: type) -> dict[str, Any]:
    """A date type's constants: its least and greatest values and its resolution."""
    return {name: getattr(kind, name) for name in ("min", "max", "resolution")}


def _build() -> dict[str, StandIn]:
    zone = StandIn("timezone", timezone, timezone, {"utc": UTC})
    delta = StandIn("timedelta", timedelta, timedelta, _limits(timedelta))
    day_time = StandIn(
        "time", time_of_day, time_of_day, {"fromisoformat": time_of_day.fromisoformat}
    )
    day_names = ("today", "fromtimestamp", "fromisoformat", "fromordinal", "fromisocalendar")
    day = StandIn("date", CaseDate, date, _methods(CaseDate, day_names) | _limits(date))
    stamp_names = (
        *("now", "today", "utcnow", "fromtimestamp", "utcfromtimestamp", "fromisoformat"),
        *("strptime", "combine", "fromordinal", "fromisocalendar"),
    )
    moment = StandIn(
        "datetime", CaseDateTime, datetime, _methods(CaseDateTime, stamp_names) | _limits(datetime)
    )
    # `datetime` is also the module, as SpiffWorkflow's tutorial uses it (datetime.datetime.now()).
    module = {"datetime": moment, "date": day, "time": day_time, "timedelta": delta}
    moment._attributes |= module | {"timezone": zone, "UTC": UTC, "MINYEAR": 1, "MAXYEAR": 9999}
    clock = StandIn(
        "time",
        None,
        None,
        {
            "time": _time_now,
            "time_ns": lambda: round(_time_now() * 1e9),
            "localtime": lambda secs=None: _struct(secs, CASE_ZONE),
            "gmtime": lambda secs=None: _struct(secs, UTC),
            "strftime": _strftime,
            "mktime": _mktime,
        },
    )
    return {"datetime": moment, "date": day, "timedelta": delta, "timezone": zone, "time": clock}


STAND_INS: dict[str, StandIn] = _build()


def iso_duration(value: timedelta) -> str:
    """ISO-8601 text of a timedelta, e.g. P1DT2H30M or -PT1.5S."""
    sign = "-" if value < timedelta(0) else ""
    value = abs(value)
    hours, rest = divmod(value.seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    second_text = f"{seconds + value.microseconds / 1e6:g}" if value.microseconds else str(seconds)
    clock = "".join(
        f"{amount}{unit}"
        for amount, unit in ((hours, "H"), (minutes, "M"), (second_text, "S"))
        if amount not in (0, "0")
    )
    days = f"{value.days}D" if value.days else ""
    if not days and not clock:
        return "PT0S"
    return f"{sign}P{days}{'T' + clock if clock else ''}"


def _iso(value: Any) -> Any:
    if isinstance(value, timedelta):
        return iso_duration(value)
    if isinstance(value, (date, time_of_day)):
        return value.isoformat()
    if type(value) is dict:
        items = {k: _iso(v) for k, v in value.items()}
        return items if any(items[k] is not v for k, v in value.items()) else value
    if type(value) in _SEQUENCES:
        converted = [_iso(v) for v in value]  # a container holding a date becomes a list
        return (
            converted if any(a is not b for a, b in zip(converted, value, strict=True)) else value
        )
    return value


def iso_data(values: dict[str, Any]) -> None:
    """Replace, in place, every date, time, datetime and timedelta in values by ISO-8601 text.

    Call it on data check_data has bounded and found dates in; a container without a date is
    kept as it is.
    """
    for name, value in values.items():
        if type(value) not in JSON_SCALARS:
            values[name] = _iso(value)


_SEQUENCES = (list, tuple, set, frozenset)
# The exact types model code may hold besides the stored scalars (script_data.DATA_SCALARS);
# iso_data turns them into text before the data is kept.
DATE_SCALARS = frozenset({date, time_of_day, CaseDateTime, _UtcNaiveDateTime, CaseDate})
