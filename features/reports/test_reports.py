"""The report scenarios (features/reports/*.feature)."""

from pytest_bdd import scenarios

scenarios("reports")
