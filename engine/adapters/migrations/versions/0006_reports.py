"""reports: the 766 facts of a case's data as stored flags (PostgreSQL), indexes for the report

Revision ID: 0006_reports
Revises: 0005_messaging

Reading JSON paths out of a million cases' data at report time costs PostgreSQL close to a
minute, so PostgreSQL keeps the facts of engine.domain.indicators.DATA_KEYS in a generated
column ``case.report_flags`` (a bit set), computed when a case is written. The function is a
frozen copy of DATA_KEYS at this revision (tests/unit/test_reports.py compares them); a
change of keys is a new migration. A value it cannot read (a NUL escape anywhere in the data)
makes every flag false instead of failing the write. SQLite computes the same facts at report
time (pilot-sized data), so it needs no column.
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_reports"
down_revision = "0005_messaging"
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
    value = f"doc #> '{path}'"
    if kind == "true":
        return f"json_typeof({value}) = 'boolean' AND ({value})::text = 'true'"
    if kind == "text":
        return f"json_typeof({value}) = 'string' AND ({value})::text <> '\"\"'"
    return f"json_typeof({value}) = 'string' AND ({value})::text = '{kind}'"


PG_FUNCTION = (
    "CREATE OR REPLACE FUNCTION motcua_report_flags(doc json) RETURNS integer\n"
    "LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$\n"
    "DECLARE flags integer := 0;\n"
    "BEGIN\n"
    + "".join(
        f"  IF {_test(path, kind)} THEN flags := flags | {bit}; END IF;\n"
        for bit, path, kind in FROZEN_KEYS
    )
    + "  RETURN flags;\n"
    "EXCEPTION WHEN others THEN RETURN 0;\n"
    "END $$"
)


REPORT_COLUMNS = [
    "unit",
    "model_version_id",
    "channel",
    "procedure_id",
    "status",
    "accepted_at",
    "finished_at",
    "appointment_at",
    "on_time",
    "supplement_count",
    "reappointments",
    "sla_state",
    "paused_hours",
    "report_flags",
    "id",
]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        op.execute(
            'ALTER TABLE "case" ADD COLUMN report_flags integer NOT NULL '
            "GENERATED ALWAYS AS (motcua_report_flags(data)) STORED"
        )
        # The cohort of a report is a range of receipt instants: with every column the report
        # reads included, PostgreSQL answers from the index alone (an index-only scan) instead
        # of reading the wide case rows (their data and workflow state).
        op.create_index(
            "ix_case_report",
            "case",
            ["received_at"],
            postgresql_include=REPORT_COLUMNS,
        )
    # Metrics: cases started, finished and open by SLA state from one index-only scan.
    op.create_index("ix_case_metrics", "case", ["procedure_id", "completed", "sla_state"])
    # Late steps are few among many: a partial index finds them without reading every task.
    op.create_index(
        "ix_task_late",
        "task",
        ["case_id"],
        postgresql_where=sa.text("verdict = 'late'"),
        sqlite_where=sa.text("verdict = 'late'"),
    )
    op.create_index("ix_task_state_verdict", "task", ["state", "kind", "verdict"])
    op.create_index("ix_case_event_type_at", "case_event", ["type", "at"])


def downgrade() -> None:
    op.drop_index("ix_case_event_type_at", table_name="case_event")
    op.drop_index("ix_task_state_verdict", table_name="task")
    op.drop_index("ix_task_late", table_name="task")
    op.drop_index("ix_case_metrics", table_name="case")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_case_report", table_name="case")
        op.execute('ALTER TABLE "case" DROP COLUMN report_flags')
        op.execute("DROP FUNCTION IF EXISTS motcua_report_flags(json)")
