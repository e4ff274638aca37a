"""Model versions and migration scenarios (features/model_versions/*.feature)."""

from pytest_bdd import scenarios

scenarios("model_versions")
