"""The engine's notion of "now" and working time, injected into SpiffWorkflow's timers.

SpiffWorkflow's timer definitions read ``datetime.now(timezone.utc)`` from their own module, so
a timer would follow the wall clock whatever clock the service injected. ``install()`` replaces
that module's ``datetime`` with a subclass whose ``now()`` asks the clock of the command that is
running (a context variable set by ``RuntimeEnv.active()``); outside a command it is the wall
clock. Every other ``datetime`` behaviour is inherited unchanged.

The same environment gives models two helpers for working time in the Vietnamese calendar:
``working_days(n)`` and ``working_hours(n)`` return the ISO-8601 duration from now to the instant
``n`` working days or hours later (office hours, weekends, holidays and make-up days counted), so a
timer written as ``working_days(2)`` in a *timeDuration* fires when two working days have passed.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

from engine.calendar.office_hours import VN_TZ

if TYPE_CHECKING:
    from engine.runtime.connectors import ConnectorRegistry

# Local time of the engine whatever the host's zone: a naive date in a model is Vietnamese time.
CASE_ZONE = VN_TZ


class Calendar(Protocol):
    """The part of the working calendar the runtime needs."""

    def next_working_instant(self, t: datetime) -> datetime: ...
    def add_working_hours(self, t: datetime, hours: Any) -> datetime: ...
    def add_working_days(self, t: datetime, days: Any) -> datetime: ...


@dataclass(frozen=True)
class RuntimeEnv:
    """What one command's engine run sees as the current time and the working calendar."""

    now: Callable[[], datetime]
    calendar: Calendar | None = None
    # The connectors service tasks call (engine.bootstrap builds them); None: no service tasks.
    connectors: ConnectorRegistry | None = None
    # Who gave the command (an officer completing a task); None when the engine runs on its own.
    user: str | None = None

    @contextmanager
    def active(self) -> Iterator[RuntimeEnv]:
        """Make this environment the one SpiffWorkflow's timers and our helpers read."""
        install()
        token = _CURRENT.set(self)
        try:
            yield self
        finally:
            _CURRENT.reset(token)

    def helpers(self) -> dict[str, Callable[..., Any]]:
        """Functions models may call in expressions and scripts."""
        return {
            "working_days": self.working_days,
            "working_hours": self.working_hours,
            "get_current_user": self.get_current_user,
        }

    def get_current_user(self) -> dict[str, str] | None:
        """SpiffArena's helper: `{"username": ...}` of who gave the command; None for the
        engine's own moves (timers, messages), which no user gives."""
        return {"username": self.user} if self.user else None

    def working_days(self, days: float | int | str) -> str:
        """ISO-8601 duration from now until `days` working days have passed."""
        return self._until(lambda cal, start: cal.add_working_days(start, _amount(days)))

    def working_hours(self, hours: float | int | str) -> str:
        """ISO-8601 duration from now until `hours` working hours have passed."""
        return self._until(lambda cal, start: cal.add_working_hours(start, _amount(hours)))

    def _until(self, target: Callable[[Calendar, datetime], datetime]) -> str:
        if self.calendar is None:
            raise RuntimeError("working time needs a calendar; none is configured")
        now = self.now()
        # Time outside office hours does not count: start from the next working instant.
        due = target(self.calendar, self.calendar.next_working_instant(now))
        seconds = max(0, round((due - now).total_seconds()))
        return f"PT{seconds}S"


def _amount(value: float | int | str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("a working-time amount must be a number")
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise ValueError(f"{value!r} is not a number of working days or hours") from None
    if not amount.is_finite() or amount < 0 or amount > 10_000:
        raise ValueError(f"{value!r} must be between 0 and 10000")
    return amount


_CURRENT: contextvars.ContextVar[RuntimeEnv | None] = contextvars.ContextVar(
    "motcua_runtime_env", default=None
)


def instant(text: str) -> datetime:
    """The instant an ISO-8601 date names; without an offset it is Vietnamese time (CASE_ZONE)."""
    value = datetime.fromisoformat(text)
    return value if value.tzinfo is not None else value.replace(tzinfo=CASE_ZONE)


def wall_now() -> datetime:
    """The wall clock (UTC), for runs outside any service command."""
    return datetime.now(UTC)


def current_now() -> datetime:
    """The running command's time, or the wall clock outside a command (always aware, UTC)."""
    env = _CURRENT.get()
    now = env.now() if env is not None else datetime.now(UTC)
    return now.astimezone(UTC)


class _EngineDatetime(datetime):
    """``datetime`` whose ``now()`` follows the running command's clock.

    SpiffWorkflow asks ``due < now`` (its only ordering comparisons are those three due checks);
    a timer is due *at* its instant, as in Camunda and Flowable, so here ``<`` answers ``<=``.
    Without it a worker running at exactly the due instant would pass the timer by.
    """

    def __lt__(self, other: Any) -> bool:
        return datetime.__le__(self, other)

    @classmethod
    def now(cls, tz: Any = None) -> Any:  # type: ignore[override]
        now = current_now()
        if tz is None:
            return now.astimezone(CASE_ZONE).replace(tzinfo=None)
        return now.astimezone(tz)


_LIBRARY_DURATION = _spiff_timer.TimerEventDefinition.parse_iso_duration


def _parse_iso_duration(expression: str) -> Any:
    # The library drops a leading '-': "-PT1M" (a negative timedelta) would wait one minute.
    if str(expression).lstrip().startswith("-"):
        raise ValueError(f"timer duration {expression!r} is negative: a timer cannot wait back")
    return _LIBRARY_DURATION(expression)


def install() -> None:
    """Point SpiffWorkflow's timer module at the engine clock and zone (idempotent).

    The library reads a naive timer date (`2026-12-10T08:00`) in the host's zone, fixed when it
    is imported; here it is Vietnamese time on every host, so a worker in a UTC container and
    one set to Hanoi time fire it at the same instant, and replay agrees with both. A negative
    duration is refused instead of being read as positive.
    """
    if _spiff_timer.datetime is not _EngineDatetime:
        _spiff_timer.datetime = _EngineDatetime  # type: ignore[misc]
        _spiff_timer.LOCALTZ = CASE_ZONE
        timer = _spiff_timer.TimerEventDefinition
        timer.parse_iso_duration = staticmethod(_parse_iso_duration)  # type: ignore[method-assign]
