"""The fake clock moves only forward and only when told."""

from datetime import UTC, datetime, timedelta

import pytest

from engine.domain.clock import FakeClock


def test_fake_clock_advances_by_the_given_delta() -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    assert clock.advance(timedelta(hours=2)) == datetime(2025, 1, 1, 2, tzinfo=UTC)


def test_fake_clock_refuses_to_go_backwards() -> None:
    clock = FakeClock(datetime(2025, 1, 1, tzinfo=UTC))
    with pytest.raises(ValueError, match="backwards"):
        clock.set(datetime(2024, 12, 31, tzinfo=UTC))


def test_fake_clock_refuses_naive_instants() -> None:
    with pytest.raises(ValueError):
        FakeClock(datetime(2025, 1, 1))
