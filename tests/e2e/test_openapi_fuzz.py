"""schemathesis against /openapi.json, through the WSGI app (no network), bounded for CI.

Every operation gets requests built from its schema (valid ones, and invalid ones to see them
refused), with a token that holds every role but the read-only auditor's and the citizen's;
operations on a dossier or task get them a second time with the id of a real one. Each answer
must be no 5xx, have a documented status code and content type, and match its schema.
Hypothesis runs derandomized (same examples every run, nothing stored) and without deadline.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import text

from tests.e2e.helpers import UNIT, open_task, start_case

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 20
ALL_BUT_READ_ONLY = [
    "admin",
    "officer",
    "counter",
    "civil_status",
    "leader",
    "analyst",
    "operator",
    "integration",
]
MODES = (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)


@pytest.fixture(autouse=True)
def _forget_override_changes(ctx: Any) -> Iterator[None]:
    """PostgreSQL tests share one schema: drop the calendar overrides an admin stored here."""
    yield
    with ctx.db_engine.begin() as conn:
        conn.execute(text("DELETE FROM calendar_override WHERE changed_by <> 'system'"))


def _fuzz(operation: Any, headers: dict[str, str], real: dict[str, str]) -> None:
    """Run one operation's examples; the first failing check raises (shrunk by Hypothesis)."""
    strategy = operation.as_strategy(MODES[0]) | operation.as_strategy(MODES[1])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        if real and case.path_parameters:
            case.path_parameters.update(
                {k: v for k, v in real.items() if k in case.path_parameters}
            )
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_operation_answers_as_its_openapi_document_says(
    app: Any, client: Any, token_for: Any
) -> None:
    counter = token_for("mc.lan", ["officer", "counter"], [UNIT])
    code = start_case(client, counter)["code"]
    task_id = open_task(client, counter, code, "counter_check")["id"]
    real = {"code": code, "task_id": task_id, "procedure_id": "birth_registration"}
    headers = token_for("fuzz", ALL_BUT_READ_ONLY, [UNIT])
    schema = schemathesis.openapi.from_wsgi("/openapi.json", app)
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40
    for operation in operations:
        passes = [{}]
        if any(name in operation.path for name in ("{code}", "{task_id}", "{procedure_id}")):
            passes.append(real)
        for ids in passes:
            try:
                _fuzz(operation, headers, ids)
            except (Exception, BaseExceptionGroup) as exc:  # every finding, not the first only
                where = f"{operation.label}{' (real ids)' if ids else ''}"
                failures.append(f"{where}:\n{str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
