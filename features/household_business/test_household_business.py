"""Household-business registration scenarios (features/household_business/*.feature)."""

from pytest_bdd import scenarios

scenarios("household_business")
