"""Format checks are enforced, not just annotations: date, date-time, time, email."""

from __future__ import annotations

import pytest

from forms import load_form


def _errors(fmt: str, value: str) -> list[str]:
    schema = {"type": "object", "properties": {"v": {"type": "string", "format": fmt}}}
    return [e.code for e in load_form(schema).validate({"v": value})]


@pytest.mark.parametrize("value", ["2025-02-28", "2024-02-29", "2000-01-01"])
def test_real_calendar_dates_are_accepted(value: str) -> None:
    assert _errors("date", value) == []


@pytest.mark.parametrize(
    "value", ["2025-02-30", "2025-02-29", "2025-13-01", "2025-2-3", "20250220", "2025-02-20T00:00"]
)
def test_impossible_or_misshapen_dates_are_rejected(value: str) -> None:
    assert _errors("date", value) == ["format"]


@pytest.mark.parametrize(
    "value", ["2025-03-04T08:30:00+07:00", "2025-03-04T01:30:00Z", "2025-03-04t01:30:00.5z"]
)
def test_date_times_with_a_time_zone_are_accepted(value: str) -> None:
    assert _errors("date-time", value) == []


@pytest.mark.parametrize(
    "value",
    ["2025-03-04T08:30:00", "2025-02-30T08:30:00Z", "2025-03-04T24:00:00Z", "2025-03-04 08:30Z"],
)
def test_date_times_without_zone_or_with_impossible_parts_are_rejected(value: str) -> None:
    assert _errors("date-time", value) == ["format"]


@pytest.mark.parametrize("value", ["08:30:00", "23:59:59.250", "08:30:00+07:00"])
def test_times_with_seconds_are_accepted(value: str) -> None:
    assert _errors("time", value) == []


@pytest.mark.parametrize("value", ["8:30", "08:30", "25:00:00", "08:61:00"])
def test_malformed_times_are_rejected(value: str) -> None:
    assert _errors("time", value) == ["format"]


@pytest.mark.parametrize("value", ["hoa.nguyen@example.vn", "a+b@mail.gov.vn"])
def test_plain_email_addresses_are_accepted(value: str) -> None:
    assert _errors("email", value) == []


@pytest.mark.parametrize(
    "value", ["hoa", "hoa@", "@example.vn", "hoa@example", "h oa@x.vn", "hoa..n@example.vn"]
)
def test_malformed_email_addresses_are_rejected(value: str) -> None:
    assert _errors("email", value) == ["format"]
