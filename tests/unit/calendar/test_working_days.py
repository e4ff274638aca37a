"""Which days are worked: weekends, Vietnamese public holidays, Tết and the make-up Saturdays."""

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import holidays
import pytest

import engine.calendar.public_holidays as public_holidays
from engine.calendar import (
    KNOWN_OVERRIDES,
    CalendarOverride,
    DayInfo,
    OfficeHours,
    WorkingCalendar,
    parse_overrides,
)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def test_an_ordinary_monday_is_worked_and_an_ordinary_saturday_and_sunday_are_not(
    cal: WorkingCalendar,
) -> None:
    assert cal.is_working_day(date(2025, 4, 21))
    assert not cal.is_working_day(date(2025, 4, 19))
    assert not cal.is_working_day(date(2025, 4, 20))


def test_tet_2025_gives_monday_27_to_friday_31_january_off_and_work_resumes_monday_3_february(
    cal: WorkingCalendar,
) -> None:
    assert [cal.is_working_day(d) for d in _days(date(2025, 1, 24), date(2025, 2, 3))] == [
        True,  # Fri 24/1
        False,
        False,  # weekend 25-26/1
        False,
        False,
        False,
        False,
        False,  # Tết, Mon 27/1 - Fri 31/1
        False,
        False,  # weekend 1-2/2
        True,  # Mon 3/2
    ]


def test_saturday_8_february_2025_is_not_a_make_up_day(cal: WorkingCalendar) -> None:
    # Thông báo 6150/TB-BLĐTBXH: "05 ngày nghỉ tết Âm lịch và 04 ngày nghỉ hằng tuần", no swap.
    assert not cal.is_working_day(date(2025, 2, 8))


def test_tet_2026_gives_monday_16_to_friday_20_february_off(cal: WorkingCalendar) -> None:
    assert cal.is_working_day(date(2026, 2, 13))
    assert not any(cal.is_working_day(d) for d in _days(date(2026, 2, 14), date(2026, 2, 22)))
    assert cal.is_working_day(date(2026, 2, 23))


@pytest.mark.parametrize(
    ("made_up", "swapped"),
    [
        (date(2025, 4, 26), date(2025, 5, 2)),
        (date(2026, 8, 22), date(2026, 8, 31)),
    ],
)
def test_a_make_up_saturday_is_worked_and_the_weekday_it_was_swapped_with_is_off(
    cal: WorkingCalendar, made_up: date, swapped: date
) -> None:
    assert made_up.weekday() == 5
    assert cal.is_working_day(made_up)
    assert not cal.is_working_day(swapped)


def test_vietnamese_culture_day_24_november_2026_is_off(cal: WorkingCalendar) -> None:
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2026, 11, 23)) and cal.is_working_day(date(2026, 11, 25))


def test_an_instant_is_judged_by_its_vietnamese_date(cal: WorkingCalendar) -> None:
    # 17:30 UTC on Friday 25/4/2025 is already Saturday 26/4 00:30 in Hà Nội: a make-up day.
    assert cal.is_working_day(datetime(2025, 4, 25, 17, 30, tzinfo=UTC))


def test_an_off_override_closes_a_weekday_and_a_workday_override_opens_a_holiday() -> None:
    cal = WorkingCalendar(
        overrides=[
            CalendarOverride(date(2025, 1, 2), "off", "Nghỉ đột xuất", "Quyết định thử"),
            CalendarOverride(date(2025, 1, 1), "workday", "Làm việc ngày lễ", "Quyết định thử"),
        ]
    )
    assert not cal.is_working_day(date(2025, 1, 2))
    assert cal.is_working_day(date(2025, 1, 1))


def test_no_overrides_means_the_make_up_saturday_is_just_a_saturday() -> None:
    assert not WorkingCalendar(overrides=()).is_working_day(date(2025, 4, 26))


def test_without_public_holidays_only_weekends_and_overrides_count() -> None:
    cal = WorkingCalendar(use_public_holidays=False)
    assert cal.is_working_day(date(2025, 1, 1))
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 1, 4))


def test_conflicting_overrides_for_one_day_are_refused() -> None:
    with pytest.raises(ValueError, match="conflicting overrides for 2025-03-03"):
        WorkingCalendar(
            overrides=[
                CalendarOverride(date(2025, 3, 3), "off", "A", ""),
                CalendarOverride(date(2025, 3, 3), "workday", "B", ""),
            ]
        )


def test_non_working_days_2026_lists_the_weekdays_off_and_the_make_up_saturday(
    cal: WorkingCalendar,
) -> None:
    listed = [(info.day.isoformat(), info.kind) for info in cal.non_working_days(2026)]
    assert listed == [
        ("2026-01-01", "holiday"),
        ("2026-02-16", "holiday"),
        ("2026-02-17", "holiday"),
        ("2026-02-18", "holiday"),
        ("2026-02-19", "holiday"),
        ("2026-02-20", "holiday"),
        ("2026-04-27", "holiday"),  # Giỗ Tổ is Sunday 26/4; the Sunday itself is not listed
        ("2026-04-30", "holiday"),
        ("2026-05-01", "holiday"),
        ("2026-08-22", "workday"),
        ("2026-08-31", "holiday"),
        ("2026-09-01", "holiday"),
        ("2026-09-02", "holiday"),
        ("2026-11-24", "holiday"),
    ]


def test_non_working_days_2025_lists_twelve_weekdays_off_and_one_saturday_worked(
    cal: WorkingCalendar,
) -> None:
    listed = [(info.day.isoformat(), info.kind) for info in cal.non_working_days(2025)]
    assert listed == [
        ("2025-01-01", "holiday"),
        ("2025-01-27", "holiday"),
        ("2025-01-28", "holiday"),
        ("2025-01-29", "holiday"),
        ("2025-01-30", "holiday"),
        ("2025-01-31", "holiday"),
        ("2025-04-07", "holiday"),
        ("2025-04-26", "workday"),
        ("2025-04-30", "holiday"),
        ("2025-05-01", "holiday"),
        ("2025-05-02", "holiday"),
        ("2025-09-01", "holiday"),
        ("2025-09-02", "holiday"),
    ]


def test_non_working_days_give_vietnamese_reasons_and_legal_references(
    cal: WorkingCalendar,
) -> None:
    by_day = {info.day: info for info in cal.non_working_days(2026)}
    assert by_day[date(2026, 1, 1)].reason == "Tết Dương lịch"
    assert by_day[date(2026, 2, 17)].reason == "Tết Nguyên đán (mùng 1)"
    assert by_day[date(2026, 4, 27)].reason == "Nghỉ bù Giỗ Tổ Hùng Vương"
    assert by_day[date(2026, 4, 27)].legal_ref == "Bộ luật Lao động 2019, Điều 111 khoản 3"
    assert by_day[date(2026, 4, 30)].reason == "Ngày Giải phóng miền Nam, thống nhất đất nước"
    assert by_day[date(2026, 5, 1)].reason == "Ngày Quốc tế Lao động"
    assert by_day[date(2026, 9, 2)].reason == "Quốc khánh"
    assert by_day[date(2026, 11, 24)].reason == "Ngày Văn hóa Việt Nam"
    assert "31/8/2026" in by_day[date(2026, 8, 22)].reason
    assert by_day[date(2026, 8, 31)].reason == "Nghỉ hoán đổi, làm bù vào ngày 22/08/2026"
    # Both sides of the swap cite the same notice.
    assert "9441/TB-BNV" in by_day[date(2026, 8, 22)].legal_ref
    assert by_day[date(2026, 8, 31)].legal_ref == by_day[date(2026, 8, 22)].legal_ref


def test_non_working_days_list_an_off_override_with_its_own_reason() -> None:
    extra = CalendarOverride(date(2025, 3, 3), "off", "Nghỉ đột xuất", "Quyết định thử")
    listed = WorkingCalendar(overrides=[extra]).non_working_days(2025)
    assert DayInfo(date(2025, 3, 3), "off", "Nghỉ đột xuất", "Quyết định thử") in listed


def test_an_unknown_holiday_name_is_kept_in_english() -> None:
    described = public_holidays.describe("Some New Day")
    assert (described.reason, described.legal_ref) == ("Some New Day", "")


def test_the_shipped_overrides_are_the_two_make_up_saturdays_with_their_notices() -> None:
    assert [(o.day, o.kind) for o in KNOWN_OVERRIDES] == [
        (date(2025, 4, 26), "workday"),
        (date(2026, 8, 22), "workday"),
    ]
    assert "6150/TB-BLĐTBXH" in KNOWN_OVERRIDES[0].legal_ref
    assert "9441/TB-BNV" in KNOWN_OVERRIDES[1].legal_ref


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"day": "2025-01-01"}', "expected a JSON list"),
        (
            '[{"day": "2025-01-01", "kind": "off", "reason": "x"}]',
            r"\[0\]: expected exactly the keys",
        ),
        (
            '[{"day": "01/01/2025", "kind": "off", "reason": "x", "legal_ref": ""}]',
            "not YYYY-MM-DD",
        ),
        ('[{"day": "2025-01-01", "kind": "holiday", "reason": "x", "legal_ref": ""}]', "'off' or"),
        (
            '[{"day": "2025-01-01", "kind": "off", "reason": " ", "legal_ref": ""}]',
            "needs a reason",
        ),
        (
            '[{"day": "2025-01-01", "kind": "off", "reason": 1, "legal_ref": ""}]',
            "must be a string",
        ),
    ],
)
def test_a_malformed_override_file_is_refused_with_the_entry_named(
    text: str, fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        parse_overrides(text, "test.json")


def test_public_holidays_are_computed_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = holidays.country_holidays

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)

    monkeypatch.setattr(holidays, "country_holidays", counting)
    cal = WorkingCalendar()
    for d in _days(date(2025, 1, 1), date(2026, 12, 31)):
        cal.is_working_day(d)
    assert calls == [2025, 2026]


def test_importing_the_calendar_reads_no_data_and_builds_no_calendar() -> None:
    probe = (
        "import engine.calendar as c, engine.calendar.overrides as o;"
        "assert o.known_overrides.cache_info().currsize == 0;"
        "assert c.default_calendar.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, cwd=Path(__file__).parents[3])


def test_office_hours_default_to_eight_hours_monday_to_friday_with_a_15_00_cutoff() -> None:
    hours = OfficeHours()
    assert hours.hours_per_day == 8
    assert hours.weekdays == frozenset({0, 1, 2, 3, 4})
    assert hours.cutoff == time(15, 0)
    assert str(hours.tz) == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"periods": ()}, "at least one period"),
        ({"periods": ((time(12), time(8)),)}, "start before it ends"),
        ({"periods": ((time(8), time(12)), (time(11), time(14)))}, "must not overlap"),
        ({"weekdays": frozenset()}, "non-empty set"),
        ({"weekdays": frozenset({7})}, "non-empty set"),
    ],
)
def test_office_hours_refuse_periods_and_weekdays_that_make_no_sense(
    kwargs: dict[str, object], fragment: str
) -> None:
    with pytest.raises(ValueError, match=fragment):
        OfficeHours(**kwargs)  # type: ignore[arg-type]
