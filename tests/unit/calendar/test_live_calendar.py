"""The live calendar: cached over an override source, rebuilt only when the source's version moves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest

from engine.calendar import (
    CalendarOverride,
    LiveCalendar,
    WorkingCalendar,
    known_overrides,
    pinned,
)

from .moments import vn

EXTRA_OFF = CalendarOverride(date(2025, 3, 14), "off", "Nghỉ đột xuất (ví dụ)", "CĐ 01 (ví dụ)")


class FakeSource:
    """An override table in memory that counts how often it is asked."""

    def __init__(self, overrides: Sequence[CalendarOverride] = ()) -> None:
        self.overrides = tuple(overrides)
        self.current_version = 1
        self.version_checks = 0
        self.loads = 0

    def change(self, overrides: Sequence[CalendarOverride]) -> None:
        self.overrides = tuple(overrides)
        self.current_version += 1

    def version(self) -> int:
        self.version_checks += 1
        return self.current_version

    def load(self) -> tuple[int, Sequence[CalendarOverride]]:
        self.loads += 1
        return self.current_version, self.overrides


class FakeMonotonic:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> FakeMonotonic:
    return FakeMonotonic()


def test_nothing_is_read_before_the_calendar_is_first_used() -> None:
    source = FakeSource()
    LiveCalendar(source)
    assert (source.loads, source.version_checks) == (0, 0)


def test_the_calendar_is_loaded_once_and_reused_within_the_check_interval(
    ticks: FakeMonotonic,
) -> None:
    source = FakeSource()
    live = LiveCalendar(source, check_every=5, monotonic=ticks)
    assert live.is_working_day(date(2025, 3, 14))
    ticks.now += 4.9
    source.change([EXTRA_OFF])
    assert live.is_working_day(date(2025, 3, 14)), "a change is seen only after the interval"
    assert (source.loads, source.version_checks) == (1, 0)


def test_a_new_version_is_loaded_after_the_check_interval(ticks: FakeMonotonic) -> None:
    source = FakeSource()
    live = LiveCalendar(source, check_every=5, monotonic=ticks)
    assert live.due(vn(2025, 3, 13, 16), "2WD") == vn(2025, 3, 17, 17)
    source.change([EXTRA_OFF])
    ticks.now += 5
    assert live.due(vn(2025, 3, 13, 16), "2WD") == vn(2025, 3, 18, 17)
    assert live.version == 2
    assert source.loads == 2


def test_an_unchanged_version_costs_one_check_and_no_reload(ticks: FakeMonotonic) -> None:
    source = FakeSource()
    live = LiveCalendar(source, check_every=5, monotonic=ticks)
    first = live.current()
    ticks.now += 6
    assert live.current() is first
    ticks.now += 1
    assert live.current() is first
    assert (source.loads, source.version_checks) == (1, 1)


def test_invalidate_makes_the_next_use_check_the_version(ticks: FakeMonotonic) -> None:
    source = FakeSource()
    live = LiveCalendar(source, check_every=3600, monotonic=ticks)
    live.current()
    source.change([EXTRA_OFF])
    live.invalidate()
    assert not live.is_working_day(date(2025, 3, 14))


def test_a_thread_finding_the_check_in_progress_keeps_the_calendar_it_has(
    ticks: FakeMonotonic,
) -> None:
    source = FakeSource()
    live = LiveCalendar(source, check_every=5, monotonic=ticks)
    first = live.current()
    source.change([EXTRA_OFF])
    ticks.now += 10
    with live._lock:  # another thread is checking
        assert live.current() is first
    assert source.version_checks == 0


def test_a_failing_source_is_not_hidden(ticks: FakeMonotonic) -> None:
    class Broken(FakeSource):
        def load(self) -> tuple[int, Sequence[CalendarOverride]]:
            raise ConnectionError("database down")

    with pytest.raises(ConnectionError):
        LiveCalendar(Broken(), monotonic=ticks).current()


def test_every_delegated_method_answers_as_the_working_calendar_does(
    cal: WorkingCalendar,
) -> None:
    live = LiveCalendar(FakeSource(known_overrides()))
    t, later = vn(2025, 4, 25, 16), vn(2025, 5, 6, 9)
    assert live.hours == cal.hours
    assert live.is_working_day(date(2025, 4, 26)) is cal.is_working_day(date(2025, 4, 26))
    assert live.non_working_days(2025) == cal.non_working_days(2025)
    assert live.next_working_day(date(2025, 4, 29)) == cal.next_working_day(date(2025, 4, 29))
    assert live.start_of_working_day(date(2025, 4, 26)) == vn(2025, 4, 26, 7, 30)
    assert live.end_of_working_day(date(2025, 4, 26)) == vn(2025, 4, 26, 17)
    assert live.next_working_instant(t) == cal.next_working_instant(t)
    assert live.counting_start(t) == cal.counting_start(t)
    assert live.add_working_hours(t, 4) == cal.add_working_hours(t, 4)
    assert live.add_working_days(t, 2) == cal.add_working_days(t, 2)
    assert live.working_hours_between(t, later) == cal.working_hours_between(t, later)
    assert live.roll_deadline(vn(2025, 5, 3, 10)) == cal.roll_deadline(vn(2025, 5, 3, 10))
    assert live.due(t, "3WD") == cal.due(t, "3WD")


def test_pinned_gives_one_fixed_calendar_for_a_command(cal: WorkingCalendar) -> None:
    live = LiveCalendar(FakeSource())
    assert isinstance(pinned(live), WorkingCalendar)
    assert pinned(live) is live.current()
    assert pinned(cal) is cal
