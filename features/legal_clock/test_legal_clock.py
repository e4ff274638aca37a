"""The legal clock scenarios (features/legal_clock/*.feature)."""

from pytest_bdd import scenarios

scenarios("legal_clock")
