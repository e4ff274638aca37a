"""Appointment deadlines: from the receipt instant and a time limit to the hh:mm on the slip."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from engine.calendar import InvalidTimeLimitError, TimeLimit, WorkingCalendar, default_calendar

from .moments import VN, vn


def test_a_dossier_received_after_15_00_before_tet_2025_is_due_three_working_days_after_tet(
    cal: WorkingCalendar,
) -> None:
    # Friday 24/1 15:30 is after the cut-off; 27/1-2/2 are Tết and weekend; counting starts
    # Monday 3/2 07:30 and 24 office hours fill Monday, Tuesday and Wednesday.
    assert cal.due(vn(2025, 1, 24, 15, 30), "3WD") == vn(2025, 2, 5, 17, 0)


def test_a_dossier_received_before_15_00_before_tet_2025_counts_the_friday_afternoon(
    cal: WorkingCalendar,
) -> None:
    # Friday 14:30-17:00 is 2.5 h (lunch already past); Monday 3/2 and Tuesday 4/2 add 16 h;
    # the last 5.5 h run Wednesday 07:30-11:30 and 13:00-14:30.
    assert cal.due(vn(2025, 1, 24, 14, 30), "3WD") == vn(2025, 2, 5, 14, 30)


def test_tet_2026_is_skipped_between_a_friday_and_the_monday_after(cal: WorkingCalendar) -> None:
    # Thursday 12/2 16:00 counts from Friday 13/2; 14/2-22/2 are off; Monday 23/2 is day two.
    assert cal.due(vn(2026, 2, 12, 16, 0), "2WD") == vn(2026, 2, 23, 17, 0)


def test_quoc_khanh_2025_is_skipped(cal: WorkingCalendar) -> None:
    # Friday 29/8 10:00-17:00 is 5.5 h; 30/8-2/9 are off; Wednesday 3/9 07:30 + 2.5 h.
    assert cal.due(vn(2025, 8, 29, 10, 0), "1WD") == vn(2025, 9, 3, 10, 0)


def test_the_15_00_rule_splits_14_59_and_15_01(cal: WorkingCalendar) -> None:
    # 14:59-17:00 is 2 h 01; the remaining 1 h 59 runs from Tuesday 07:30.
    assert cal.due(vn(2025, 3, 3, 14, 59), "4WH") == vn(2025, 3, 4, 9, 29)
    assert cal.due(vn(2025, 3, 3, 15, 1), "4WH") == vn(2025, 3, 4, 11, 30)


def test_a_working_hours_limit_skips_the_lunch_break(cal: WorkingCalendar) -> None:
    assert cal.due(vn(2025, 3, 3, 10, 30), "2WH") == vn(2025, 3, 3, 14, 0)


def test_half_a_working_day_from_13_30_ends_at_08_00_the_next_morning(
    cal: WorkingCalendar,
) -> None:
    assert cal.due(vn(2025, 3, 3, 13, 30), "0.5WD") == vn(2025, 3, 4, 8, 0)


def test_five_working_days_equal_forty_working_hours(cal: WorkingCalendar) -> None:
    # Monday 08:00-17:00 is 7.5 h; Tuesday-Friday add 32 h; the last 0.5 h is Monday 07:30-08:00.
    assert cal.due(vn(2025, 3, 3, 8, 0), "5WD") == vn(2025, 3, 10, 8, 0)
    assert cal.due(vn(2025, 3, 3, 8, 0), "40WH") == vn(2025, 3, 10, 8, 0)


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (vn(2025, 3, 3, 9, 0), vn(2025, 3, 3, 17, 0)),
        (vn(2025, 3, 3, 15, 30), vn(2025, 3, 4, 17, 0)),  # after 15:00: returned the next day
        (vn(2025, 3, 7, 16, 0), vn(2025, 3, 10, 17, 0)),
        (vn(2025, 3, 8, 10, 0), vn(2025, 3, 10, 17, 0)),  # Saturday receipt
        (vn(2026, 8, 21, 15, 30), vn(2026, 8, 22, 17, 0)),  # next working day is a make-up Saturday
    ],
)
def test_a_same_day_limit_is_due_at_the_close_of_the_counting_day(
    cal: WorkingCalendar, received: datetime, expected: datetime
) -> None:
    assert cal.due(received, "SD") == expected


def test_a_make_up_saturday_counts_toward_the_deadline(cal: WorkingCalendar) -> None:
    # Friday 25/4/2025 10:00-17:00 is 5.5 h; the remaining 2.5 h run Saturday 26/4 07:30-10:00.
    assert cal.due(vn(2025, 4, 25, 10, 0), "1WD") == vn(2025, 4, 26, 10, 0)
    # Friday 21/8/2026 15:30 counts from Saturday 22/8, a make-up day, which it fills.
    assert cal.due(vn(2026, 8, 21, 15, 30), "1WD") == vn(2026, 8, 22, 17, 0)


def test_vietnamese_culture_day_2026_is_skipped(cal: WorkingCalendar) -> None:
    # Monday 23/11 15:30 counts from the next working day, Wednesday 25/11 (24/11 is off).
    assert cal.due(vn(2026, 11, 23, 15, 30), "1WD") == vn(2026, 11, 25, 17, 0)


def test_due_takes_a_time_limit_object_or_its_text(cal: WorkingCalendar) -> None:
    received = vn(2025, 3, 3, 10, 30)
    assert cal.due(received, TimeLimit(Decimal(2), "WH")) == vn(2025, 3, 3, 14, 0)
    assert cal.due(received, " 2wh ") == vn(2025, 3, 3, 14, 0)


def test_due_refuses_a_limit_it_cannot_read(cal: WorkingCalendar) -> None:
    with pytest.raises(InvalidTimeLimitError):
        cal.due(vn(2025, 3, 3, 10, 30), "3 ngày")


def test_due_answers_in_vietnam_time_for_a_utc_receipt(cal: WorkingCalendar) -> None:
    due = cal.due(datetime(2025, 3, 3, 8, 30, tzinfo=UTC), "1WD")  # 15:30 in VN: after cut-off
    assert due == vn(2025, 3, 4, 17, 0)
    assert due.tzinfo == VN


def test_the_default_calendar_is_built_once_and_knows_the_shipped_make_up_days() -> None:
    assert default_calendar() is default_calendar()
    assert default_calendar().is_working_day(date(2025, 4, 26))
