"""One shipped-defaults calendar shared by the calendar tests (it only caches, never changes)."""

import pytest

from engine.calendar import WorkingCalendar


@pytest.fixture(scope="session")
def cal() -> WorkingCalendar:
    """The calendar with default office hours, public holidays and the shipped overrides."""
    return WorkingCalendar()
