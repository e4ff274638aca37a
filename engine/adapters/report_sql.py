"""SQL expressions the report needs that SQLite and PostgreSQL spell differently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import Integer, and_, case, cast, func, literal_column, or_
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


def local_epoch(dialect: str, column: Any, offset_seconds: int) -> Any:
    """Seconds since 1970-01-01 00:00 local time of an instant column (a fixed UTC offset)."""
    if dialect == "postgresql":
        return func.date_part("epoch", column) + offset_seconds
    return (func.julianday(column) - 2440587.5) * 86400.0 + offset_seconds


def day_number(dialect: str, epoch: Any) -> Any:
    """Whole local days since 1970-01-01 of a local epoch."""
    if dialect == "postgresql":
        return cast(func.floor(epoch / 86400), Integer)
    return cast(epoch / 86400, Integer)  # epochs here are positive: truncation is floor


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


def utc_offset(tz: tzinfo, near: datetime) -> int:
    """The zone's UTC offset in seconds at an instant. Vietnam has kept +07:00 since 1975; a
    zone with daylight saving would need the offset per row, which these queries do not do."""
    offset = near.astimezone(tz).utcoffset() or timedelta(0)
    return int(offset.total_seconds())


def utc(value: datetime) -> datetime:
    """A timezone-aware instant in UTC (bound parameters compare with stored UTC instants)."""
    return value.astimezone(UTC)
