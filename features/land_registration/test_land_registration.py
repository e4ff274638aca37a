"""First land registration with the tax office (features/land_registration/*.feature)."""

from pytest_bdd import scenarios

# Relative to bdd_features_base_dir ("features"): only this folder's feature files.
scenarios("land_registration")
