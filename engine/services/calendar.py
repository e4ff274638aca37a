"""Use cases of the working calendar: due dates, a year's days, and the override table admins keep."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import cast

from engine.calendar import (
    CalendarOverride,
    DayInfo,
    LiveCalendar,
    OfficeHours,
    OverrideVersion,
    TimeLimit,
    WorkingCalendar,
    effective_overrides,
    in_force,
    known_overrides,
    parse_limit,
    pinned,
)
from engine.calendar.versions import SHIPPED_BY, ChangeKind
from engine.domain.errors import ConflictError, InvalidInputError, NotFoundError
from engine.domain.model import Actor
from engine.services.access import ADMIN, require_role
from engine.services.context import Context, UnitOfWork

CALENDAR_ADMIN_ROLES = {ADMIN}
FIRST_YEAR, LAST_YEAR = 2000, 2099
MAX_REASON, MAX_LEGAL_REF = 1000, 500
_ATTEMPTS = 3  # a change that loses the race for a version number is retried this often


class DatabaseOverrides:
    """The override table as an OverrideSource for LiveCalendar (read-only units of work)."""

    def __init__(self, reader: Callable[[], UnitOfWork]) -> None:
        self._reader = reader

    def version(self) -> int:
        """The newest version of the table: one cheap max() query."""
        with self._reader() as uow:
            return int(uow.calendar.latest_version())

    def load(self) -> tuple[int, tuple[CalendarOverride, ...]]:
        """The version and the overrides in force, read in one transaction."""
        with self._reader() as uow:
            return int(uow.calendar.latest_version()), effective_overrides(uow.calendar.history())


def live_calendar(
    reader: Callable[[], UnitOfWork], hours: OfficeHours | None = None
) -> LiveCalendar:
    """The effective calendar over the database: public holidays plus the override table."""
    return LiveCalendar(DatabaseOverrides(reader), hours)


@dataclass(frozen=True)
class Appointment:
    """A due date and how it was counted: from where, for which limit, over how many hours."""

    received: datetime
    limit: TimeLimit
    counting_start: datetime
    due: datetime
    working_hours: Decimal


def compute_due(ctx: Context, received: datetime, limit: TimeLimit | str) -> Appointment:
    """The appointment (hẹn trả) of a dossier received at `received` with a time limit."""
    if isinstance(limit, str):
        limit = parse_limit(limit)
    if received.tzinfo is None:
        raise InvalidInputError(
            "the receipt time needs a UTC offset, e.g. 2025-01-24T15:30:00+07:00",
            details=[{"pointer": "/received", "message": "timezone offset missing"}],
        )
    _check_year(received.year, "/received")
    calendar = pinned(ctx.calendar)  # one calendar for the start and the due date
    start = calendar.counting_start(received)
    due = calendar.due(received, limit)
    hours = calendar.working_hours_between(start, due)
    return Appointment(received.astimezone(calendar.hours.tz), limit, start, due, hours)


@dataclass(frozen=True)
class YearCalendar:
    """A year's exceptions to the Monday-Friday week, each with its reason and legal basis."""

    year: int
    non_working_days: list[DayInfo]
    make_up_working_days: list[DayInfo]


def year_calendar(ctx: Context, year: int) -> YearCalendar:
    """Weekdays off (public holidays, extra days off) and make-up working days of one year."""
    _check_year(year, "/year")
    days = ctx.calendar.non_working_days(year)
    return YearCalendar(
        year,
        [d for d in days if d.kind != "workday"],
        [d for d in days if d.kind == "workday"],
    )


def list_overrides(
    ctx: Context, *, year: int | None = None, history: bool = False
) -> list[OverrideVersion]:
    """The overrides in force by day, or (history) every version ever stored, oldest first."""
    if year is not None:
        _check_year(year, "/year")
    with ctx.reader() as uow:
        versions: list[OverrideVersion] = uow.calendar.history(year=year)
    return versions if history else in_force(versions)


@dataclass(frozen=True)
class OverrideChange:
    """The version in force after a change, and whether the change stored a new one."""

    version: OverrideVersion
    created: bool


def set_override(
    ctx: Context, actor: Actor, day: date, kind: str, reason: str, legal_ref: str
) -> OverrideChange:
    """Declare an extra day off or a make-up working day (admin); stored as a new version.

    Re-sending what is already in force stores nothing. A change the public holidays and the
    weekly pattern already make (an "off" Sunday, a "workday" Tuesday) is a ConflictError.
    """
    require_role(actor, CALENDAR_ADMIN_ROLES, "changing the working calendar")
    if kind not in ("off", "workday"):
        raise _invalid("/kind", f"kind {kind!r} is not 'off' or 'workday'")
    _check_year(day.year, "/day")
    reason, legal_ref = _text(reason, "/reason", MAX_REASON), _text(legal_ref, "/legal_ref")
    base = WorkingCalendar(ctx.calendar.hours, overrides=())
    for attempt in range(_ATTEMPTS):
        with ctx.uow() as uow:
            current = uow.calendar.latest(day)
            if current is not None and (current.kind, current.reason, current.legal_ref) == (
                kind,
                reason,
                legal_ref,
            ):
                return OverrideChange(current, False)
            if base.is_working_day(day) == (kind == "workday"):
                raise _no_change(day, kind, current)
            try:
                stored = uow.calendar.add(_change(ctx, actor, day, kind, reason, legal_ref))
            except ConflictError:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            uow.commit()
        _changed(ctx)
        return OverrideChange(stored, True)
    raise AssertionError("unreachable")  # pragma: no cover


def withdraw_override(
    ctx: Context, actor: Actor, day: date, reason: str, legal_ref: str = ""
) -> OverrideVersion:
    """Withdraw the override of `day` (admin): a new version; the day follows the holidays again."""
    require_role(actor, CALENDAR_ADMIN_ROLES, "changing the working calendar")
    reason = _text(reason, "/reason", MAX_REASON)
    legal_ref = legal_ref.strip()
    if len(legal_ref) > MAX_LEGAL_REF:
        raise _invalid("/legal_ref", f"the legal reference is longer than {MAX_LEGAL_REF}")
    for attempt in range(_ATTEMPTS):
        with ctx.uow() as uow:
            current = uow.calendar.latest(day)
            if current is None or current.kind == "withdrawn":
                raise NotFoundError(f"no calendar override is in force on {day}")
            try:
                stored = uow.calendar.add(_change(ctx, actor, day, "withdrawn", reason, legal_ref))
            except ConflictError:
                if attempt == _ATTEMPTS - 1:
                    raise
                continue
            uow.commit()
        _changed(ctx)
        return stored
    raise AssertionError("unreachable")  # pragma: no cover


def seed_known_overrides(ctx: Context) -> int:
    """Store each shipped decision (vn_overrides.json) whose day the table has never seen.

    A day an admin already changed, or withdrew, is left as it is. Processes that start together
    may race here: the loser of a version number re-reads and finds the day stored. Returns how
    many versions were added.
    """
    for attempt in range(_ATTEMPTS):
        try:
            added = _seed_once(ctx)
        except ConflictError:
            if attempt == _ATTEMPTS - 1:
                raise
            continue
        if added:
            _changed(ctx)
        return added
    raise AssertionError("unreachable")  # pragma: no cover


def _seed_once(ctx: Context) -> int:
    with ctx.uow() as uow:
        seen = {v.day for v in uow.calendar.history()}
        missing = [o for o in known_overrides() if o.day not in seen]
        for known in missing:
            uow.calendar.add(
                OverrideVersion(
                    known.day,
                    known.kind,
                    known.reason,
                    known.legal_ref,
                    SHIPPED_BY,
                    ctx.clock.now(),
                )
            )
        uow.commit()
    return len(missing)


def _change(
    ctx: Context, actor: Actor, day: date, kind: str, reason: str, legal_ref: str
) -> OverrideVersion:
    return OverrideVersion(
        day, cast(ChangeKind, kind), reason, legal_ref, actor.sub, ctx.clock.now()
    )


def _no_change(day: date, kind: str, current: OverrideVersion | None) -> ConflictError:
    state = "a working day" if kind == "workday" else "a day off"
    message = f"{day:%A %d/%m/%Y} is already {state} by the public holidays and the weekly pattern"
    if current is not None and current.kind != "withdrawn":
        message += f"; withdraw its {current.kind!r} override (version {current.version}) instead"
    else:
        message += "; an override would change nothing"
    return ConflictError(message, details=[{"pointer": "/kind", "message": message}])


def _changed(ctx: Context) -> None:
    # This process sees its own change at once; other processes within the check interval.
    if isinstance(ctx.calendar, LiveCalendar):
        ctx.calendar.invalidate()


def _check_year(year: int, pointer: str) -> None:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise _invalid(pointer, f"the calendar covers {FIRST_YEAR}-{LAST_YEAR}, not {year}")


def _text(value: str, pointer: str, limit: int = MAX_LEGAL_REF) -> str:
    value = value.strip()
    if not value:
        raise _invalid(pointer, f"{pointer[1:]} must not be empty")
    if len(value) > limit:
        raise _invalid(pointer, f"{pointer[1:]} is longer than {limit} characters")
    return value


def _invalid(pointer: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, details=[{"pointer": pointer, "message": message}])
