"""Inter-agency scenarios (features/inter_agency/*.feature)."""

from pytest_bdd import scenarios

# Relative to bdd_features_base_dir ("features"): only this folder's feature files.
scenarios("inter_agency")
