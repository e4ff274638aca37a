"""Birth registration scenarios (features/birth_registration/*.feature)."""

from pytest_bdd import scenarios

scenarios("birth_registration")
