"""Office-time arithmetic: opening hours, the lunch break, the 15:00 rule and rolled deadlines."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import pytest

from engine.calendar import OfficeHours, WorkingCalendar

from .moments import VN, vn

# Week of Monday 3 March 2025: no holiday in it or in the week after.
MON = (2025, 3, 3)
TUE = (2025, 3, 4)
FRI = (2025, 3, 7)
SAT = (2025, 3, 8)
SUN = (2025, 3, 9)
NEXT_MON = (2025, 3, 10)


@pytest.mark.parametrize(
    ("t", "expected"),
    [
        (vn(*MON, 10, 0), vn(*MON, 10, 0)),
        (vn(*MON, 6, 0), vn(*MON, 7, 30)),
        (vn(*MON, 11, 30), vn(*MON, 13, 0)),
        (vn(*MON, 12, 15), vn(*MON, 13, 0)),
        (vn(*MON, 17, 0), vn(*TUE, 7, 30)),
        (vn(*FRI, 17, 30), vn(*NEXT_MON, 7, 30)),
        (vn(*SAT, 10, 0), vn(*NEXT_MON, 7, 30)),
        (vn(2025, 4, 29, 18, 0), vn(2025, 5, 5, 7, 30)),  # 30/4, 1/5, 2/5 off, then the weekend
    ],
)
def test_next_working_instant_is_now_inside_office_hours_else_the_next_opening(
    cal: WorkingCalendar, t: datetime, expected: datetime
) -> None:
    assert cal.next_working_instant(t) == expected


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (vn(*MON, 14, 59), vn(*MON, 14, 59)),
        (vn(*MON, 15, 0), vn(*MON, 15, 0)),
        (vn(*MON, 15, 1), vn(*TUE, 7, 30)),
        (vn(*MON, 6, 45), vn(*MON, 7, 30)),
        (vn(*MON, 12, 15), vn(*MON, 13, 0)),
        (vn(*FRI, 15, 30), vn(*NEXT_MON, 7, 30)),
        (
            vn(*SAT, 9, 0),
            vn(*NEXT_MON, 7, 30),
        ),  # a Saturday-morning counter does not start the clock
        (vn(2025, 4, 25, 16, 0), vn(2025, 4, 26, 7, 30)),  # the make-up Saturday is the next day
    ],
)
def test_counting_start_applies_the_15_00_rule(
    cal: WorkingCalendar, received: datetime, expected: datetime
) -> None:
    assert cal.counting_start(received) == expected


def test_a_later_cutoff_counts_a_15_30_dossier_the_same_day() -> None:
    online = WorkingCalendar(OfficeHours(cutoff=time(16, 0)))
    assert online.counting_start(vn(*MON, 15, 30)) == vn(*MON, 15, 30)
    assert online.counting_start(vn(*MON, 16, 1)) == vn(*TUE, 7, 30)


def test_without_a_cutoff_only_closing_time_moves_the_start() -> None:
    no_cutoff = WorkingCalendar(OfficeHours(cutoff=None))
    assert no_cutoff.counting_start(vn(*MON, 16, 30)) == vn(*MON, 16, 30)
    assert no_cutoff.counting_start(vn(*MON, 17, 30)) == vn(*TUE, 7, 30)


@pytest.mark.parametrize(
    ("t", "hours", "expected"),
    [
        (vn(*MON, 10, 30), 2, vn(*MON, 14, 0)),  # 10:30-11:30, lunch, 13:00-14:00
        (vn(*MON, 9, 30), 2, vn(*MON, 11, 30)),  # ends at the morning close, not at 13:00
        (vn(*MON, 13, 0), 4, vn(*MON, 17, 0)),  # ends at 17:00, not at Tuesday 07:30
        (vn(*MON, 7, 30), 8, vn(*MON, 17, 0)),
        (vn(*MON, 7, 30), 16, vn(*TUE, 17, 0)),
        (vn(*SAT, 10, 0), 8, vn(*NEXT_MON, 17, 0)),
        (vn(*SAT, 10, 0), 9, vn(2025, 3, 11, 8, 30)),
        (vn(*FRI, 16, 0), 2, vn(*NEXT_MON, 8, 30)),
        (vn(*SAT, 10, 0), 1, vn(*NEXT_MON, 8, 30)),
        (vn(*MON, 7, 30), 1.5, vn(*MON, 9, 0)),
        (vn(*MON, 7, 30), Decimal("0.25"), vn(*MON, 7, 45)),
        (vn(*MON, 7, 30), Decimal(1) / Decimal(3), vn(*MON, 7, 50)),
        (
            vn(2025, 4, 29, 16, 0),
            8,
            vn(2025, 5, 5, 16, 0),
        ),  # 1 h Tuesday, 7 h Monday after 30/4-4/5
    ],
)
def test_add_working_hours_moves_through_office_periods_only(
    cal: WorkingCalendar, t: datetime, hours: Decimal | float | int, expected: datetime
) -> None:
    assert cal.add_working_hours(t, hours) == expected


def test_adding_zero_working_hours_returns_the_same_instant(cal: WorkingCalendar) -> None:
    assert cal.add_working_hours(vn(*MON, 10, 0), 0) == vn(*MON, 10, 0)
    assert cal.add_working_hours(vn(*SAT, 10, 0), Decimal(0)) == vn(*SAT, 10, 0)


def test_add_working_hours_answers_in_vietnam_time_whatever_zone_it_was_given(
    cal: WorkingCalendar,
) -> None:
    result = cal.add_working_hours(datetime(2025, 3, 3, 3, 30, tzinfo=UTC), 2)  # 10:30 in VN
    assert result == vn(*MON, 14, 0)
    assert result.tzinfo == VN and result.hour == 14


@pytest.mark.parametrize(
    ("hours", "error"),
    [
        (-1, ValueError),
        (Decimal("-0.5"), ValueError),
        (float("nan"), ValueError),
        (Decimal("Infinity"), ValueError),
        (True, TypeError),
        ("2", TypeError),
    ],
)
def test_add_working_hours_refuses_negative_or_non_numeric_hours(
    cal: WorkingCalendar, hours: Any, error: type[Exception]
) -> None:
    with pytest.raises(error):
        cal.add_working_hours(vn(*MON, 10, 0), hours)


def test_twenty_working_days_from_a_monday_morning_end_four_fridays_later(
    cal: WorkingCalendar,
) -> None:
    assert cal.add_working_days(vn(*MON, 7, 30), 20) == vn(2025, 3, 28, 17, 0)


def test_half_a_working_day_is_four_office_hours(cal: WorkingCalendar) -> None:
    assert cal.add_working_days(vn(*MON, 7, 30), Decimal("0.5")) == vn(*MON, 11, 30)
    assert cal.add_working_days(vn(*MON, 13, 30), 0.5) == vn(*TUE, 8, 0)


def test_a_working_day_follows_the_configured_hours_per_day() -> None:
    mornings = WorkingCalendar(OfficeHours(periods=((time(8), time(12)),)))
    assert mornings.add_working_days(vn(*MON, 8, 0), 1) == vn(*MON, 12, 0)
    assert mornings.add_working_days(vn(*MON, 10, 0), 2) == vn(2025, 3, 5, 10, 0)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (vn(*FRI, 16, 0), vn(*NEXT_MON, 9, 0), Decimal("2.5")),  # across a weekend
        (vn(*NEXT_MON, 9, 0), vn(*FRI, 16, 0), Decimal("-2.5")),
        (vn(2025, 4, 29, 16, 0), vn(2025, 5, 6, 8, 30), Decimal("10")),  # across 30/4-2/5
        (vn(2026, 2, 13, 7, 30), vn(2026, 2, 23, 17, 0), Decimal("16")),  # across Tết 2026
        (vn(2025, 4, 25, 17, 0), vn(2025, 4, 28, 7, 30), Decimal("8")),  # the make-up Saturday
        (vn(*MON, 11, 45), vn(*MON, 12, 45), Decimal("0")),  # lunch
        (vn(*MON, 7, 0), vn(*MON, 20, 0), Decimal("8")),
        (vn(*MON, 10, 0), vn(*MON, 10, 0), Decimal("0")),
    ],
)
def test_working_hours_between_counts_office_time_only(
    cal: WorkingCalendar, a: datetime, b: datetime, expected: Decimal
) -> None:
    result = cal.working_hours_between(a, b)
    assert isinstance(result, Decimal)
    assert result == expected


def test_the_working_day_opens_at_07_30_and_closes_at_17_00(cal: WorkingCalendar) -> None:
    assert cal.start_of_working_day(date(*MON)) == vn(*MON, 7, 30)
    assert cal.end_of_working_day(date(*MON)) == vn(*MON, 17, 0)
    assert cal.end_of_working_day(date(2025, 4, 26)) == vn(2025, 4, 26, 17, 0)


def test_a_non_working_day_has_no_end_of_working_day(cal: WorkingCalendar) -> None:
    with pytest.raises(ValueError, match="2025-03-08 is not a working day"):
        cal.end_of_working_day(date(*SAT))


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (vn(*SAT, 10, 0), vn(*NEXT_MON, 17, 0)),  # weekend: end of Monday
        (vn(*SUN, 23, 59), vn(*NEXT_MON, 17, 0)),
        (vn(*FRI, 18, 0), vn(*NEXT_MON, 17, 0)),  # after closing: end of the next working day
        (vn(*MON, 17, 1), vn(*TUE, 17, 0)),
        (vn(*TUE, 6, 0), vn(*TUE, 17, 0)),  # before opening: end of that same day
        (vn(*MON, 17, 0), vn(*MON, 17, 0)),  # closing time itself is inside the day
        (vn(*MON, 10, 0), vn(*MON, 10, 0)),
        (vn(*MON, 12, 0), vn(*MON, 12, 0)),  # lunch on a working day is not a rest day
        (vn(2025, 4, 30, 10, 0), vn(2025, 5, 5, 17, 0)),  # holiday run 30/4-4/5
        (vn(2025, 4, 25, 20, 0), vn(2025, 4, 26, 17, 0)),  # the next working day is a Saturday
    ],
)
def test_roll_deadline_moves_a_deadline_out_of_rest_time(
    cal: WorkingCalendar, deadline: datetime, expected: datetime
) -> None:
    assert cal.roll_deadline(deadline) == expected


NAIVE = datetime(2025, 3, 3, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.next_working_instant(NAIVE),
        lambda c: c.counting_start(NAIVE),
        lambda c: c.add_working_hours(NAIVE, 1),
        lambda c: c.add_working_days(NAIVE, 1),
        lambda c: c.working_hours_between(NAIVE, vn(*MON, 11, 0)),
        lambda c: c.working_hours_between(vn(*MON, 9, 0), NAIVE),
        lambda c: c.roll_deadline(NAIVE),
        lambda c: c.due(NAIVE, "1WD"),
    ],
)
def test_a_naive_datetime_is_refused(
    cal: WorkingCalendar, call: Callable[[WorkingCalendar], object]
) -> None:
    with pytest.raises(ValueError, match="naive datetime 2025-03-03T10:00:00"):
        call(cal)
