"""Model import scenarios (features/model_import/*.feature)."""

from pytest_bdd import scenarios

# Relative to bdd_features_base_dir ("features"): only this folder's feature files.
scenarios("model_import")
