"""Access scenarios: unit scope, a citizen's own dossiers, receipt regardless of boundary."""

from pytest_bdd import scenarios

scenarios("access")
