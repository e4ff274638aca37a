"""SQL expressions the report needs that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Date, Integer, and_, case, cast, func, literal_column, or_
from sqlalchemy.sql.elements import ColumnElement

from engine.adapters.rows import CaseRow
from engine.domain.indicators import KEY, DataKey


def _sqlite_path(key: DataKey) -> str:
    return "$" + "".join('."' + part.replace('"', '""') + '"' for part in key.path)


def fact(dialect: str, name: str) -> ColumnElement[bool]:
    """True where the named fact of engine.domain.indicators.DATA_KEYS holds for the case.

    PostgreSQL reads the bit the database stored when the case was written (migration
    0006_reports); SQLite reads the JSON at query time.
    """
    key = KEY[name]
    if dialect == "postgresql":
        flags = literal_column('"case".report_flags', Integer)
        return flags.op("&")(key.bit) != 0
    path = _sqlite_path(key)
    kind = func.json_type(CaseRow.data, path)
    value = func.json_extract(CaseRow.data, path)
    if key.kind == "true":
        return kind == "true"
    if key.kind == "text":
        return and_(kind == "text", value != "")
    return and_(kind == "text", value == key.value)


def count(condition: ColumnElement[bool]) -> Any:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END)."""
    return func.sum(case((condition, 1), else_=0))


def case_value(condition: ColumnElement[bool], value: Any, otherwise: Any = None) -> Any:
    """CASE WHEN condition THEN value ELSE otherwise END."""
    return case((condition, value), else_=otherwise)


def local_day(dialect: str, column: Any, tz: tzinfo, near: datetime) -> Any:
    """The local calendar day of an instant column (an ISO date string on SQLite)."""
    if dialect == "postgresql":
        return cast(func.timezone(_tz_name(tz), column), Date())
    return func.date(column, _sqlite_offset(tz, near))


def seconds_of_day(dialect: str, column: Any, tz: tzinfo, near: datetime) -> Any:
    """Seconds since local midnight of an instant column."""
    if dialect == "postgresql":
        local = func.timezone(_tz_name(tz), column)
        return func.date_part("epoch", local - func.date_trunc("day", local))
    offset, back = _sqlite_offset(tz, near), _sqlite_offset(tz, near, sign=-1)
    day_start_utc = func.julianday(func.date(column, offset), back)
    return (func.julianday(column) - day_start_utc) * 86400.0


def worked_seconds(dialect: str, seconds: Any, periods: list[tuple[float, float]]) -> Any:
    """Office seconds of a day up to `seconds` after midnight: sum of clamp(x - start, 0, len)."""
    greatest = func.greatest if dialect == "postgresql" else func.max
    least = func.least if dialect == "postgresql" else func.min
    total: Any = None
    for start, end in periods:
        part = least(greatest(seconds - start, 0.0), end - start)
        total = part if total is None else total + part
    return total


def either(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """OR of conditions."""
    return or_(*conditions)


def _tz_name(tz: tzinfo) -> str:
    name = getattr(tz, "key", None)
    if not name:
        raise ValueError("the calendar's time zone needs an IANA name for PostgreSQL")
    return str(name)


def _sqlite_offset(tz: tzinfo, near: datetime, sign: int = 1) -> str:
    # SQLite has no time zones: use the zone's offset at the report's period (Vietnam has had
    # a fixed +07:00 since 1975).
    offset = near.astimezone(tz).utcoffset() or timedelta(0)
    seconds = sign * int(offset.total_seconds())
    return f"{'+' if seconds >= 0 else '-'}{abs(seconds)} seconds"


def utc(value: datetime) -> datetime:
    """A timezone-aware instant in UTC (bound parameters compare with stored UTC instants)."""
    return value.astimezone(UTC)
