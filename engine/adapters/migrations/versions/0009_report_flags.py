"""report flags: read a case's data once per write, not fourteen times

Revision ID: 0009_report_flags
Revises: 0008_handoffs

The generated column ``case.report_flags`` (0006_reports) is computed on every write of a case.
Its first function read each of the seven JSON paths twice out of the ``json`` text, so a task
completion parsed the whole case data fourteen times (about 0.1 ms of each write). This one
converts the data to ``jsonb`` once and reads the seven paths from it: the same flags for every
value (a boolean ``true``, a non-empty string, the exact string "dissatisfied"), and still 0
instead of a failed write when the data cannot be read (a NUL escape, ``\\u0000``). The keys
are a frozen copy of engine.domain.indicators.DATA_KEYS at this revision
(tests/unit/test_reports.py compares them). Stored values stay right without a rewrite: the
function answers the same for every row. SQLite has no such column.
"""

import importlib.util
from pathlib import Path

from alembic import op

revision = "0009_report_flags"
down_revision = "0008_handoffs"
branch_labels = None
depends_on = None

# (bit, JSON path, test) frozen from engine.domain.indicators.DATA_KEYS.
FROZEN_KEYS = (
    (1, "{payment,online}", "true"),
    (2, "{payment,exempt}", "true"),
    (4, "{result,e_result_url}", "text"),
    (8, "{documents_digitised}", "true"),
    (16, "{data_reused}", "true"),
    (32, "{satisfaction}", '"dissatisfied"'),
    (64, "{complaint}", "true"),
)


def _test(path: str, kind: str) -> str:
    value = f"doc_b #> '{path}'"
    if kind == "text":
        return f"jsonb_typeof({value}) = 'string' AND {value} <> '\"\"'::jsonb"
    return f"{value} = '{kind}'::jsonb"  # true, or an exact string


PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION motcua_report_flags(doc json) RETURNS integer\n"
    "LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$\n"
    "DECLARE doc_b jsonb;\n"
    "BEGIN\n"
    "  doc_b := doc::jsonb;  -- inside the block, so that its EXCEPTION clause covers it\n"
    "  RETURN "
    + "\n       | ".join(
        f"(CASE WHEN {_test(path, kind)} THEN {bit} ELSE 0 END)" for bit, path, kind in FROZEN_KEYS
    )
    + ";\n"
    "EXCEPTION WHEN others THEN RETURN 0;\n"
    "END $$"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_first_function())


def _first_function() -> str:
    """The function as 0006_reports created it (its module, loaded from the file beside)."""
    path = Path(__file__).with_name("0006_reports.py")
    spec = importlib.util.spec_from_file_location("motcua_migration_0006", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.PG_FUNCTION)
