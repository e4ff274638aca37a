"""Versions of the override table: the newest version of a day is in force, withdrawals clear it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from engine.calendar import CalendarOverride, OverrideVersion, effective_overrides, in_force

AT = datetime(2025, 3, 10, 2, 0, tzinfo=UTC)


def _v(version: int, day: date, kind: str, reason: str = "lý do") -> OverrideVersion:
    return OverrideVersion(day, kind, reason, "ref", "qt.thu", AT, version)  # type: ignore[arg-type]


def test_the_newest_version_of_a_day_is_the_one_in_force() -> None:
    history = [
        _v(1, date(2025, 3, 14), "off", "first"),
        _v(2, date(2025, 3, 15), "workday"),
        _v(3, date(2025, 3, 14), "off", "corrected"),
    ]
    assert [(v.day.day, v.reason) for v in in_force(history)] == [(14, "corrected"), (15, "lý do")]


def test_a_withdrawn_day_has_no_override_in_force() -> None:
    history = [_v(1, date(2025, 3, 14), "off"), _v(2, date(2025, 3, 14), "withdrawn")]
    assert in_force(history) == []
    assert effective_overrides(history) == ()


def test_a_day_set_again_after_a_withdrawal_is_in_force_again() -> None:
    history = [
        _v(3, date(2025, 3, 14), "off", "again"),
        _v(1, date(2025, 3, 14), "off"),
        _v(2, date(2025, 3, 14), "withdrawn"),
    ]
    assert effective_overrides(history) == (
        CalendarOverride(date(2025, 3, 14), "off", "again", "ref"),
    )


@pytest.mark.parametrize(
    ("kind", "reason", "changed_at", "message"),
    [
        ("holiday", "lý do", AT, "not off, workday or withdrawn"),
        ("off", "  ", AT, "needs a reason"),
        ("off", "lý do", datetime(2025, 3, 10, 9), "timezone-aware"),
    ],
)
def test_a_malformed_change_is_refused(
    kind: str, reason: str, changed_at: datetime, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        OverrideVersion(date(2025, 3, 14), kind, reason, "", "qt.thu", changed_at)  # type: ignore[arg-type]
