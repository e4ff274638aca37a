"""audit: digest chain, access log, append-only triggers on the case history

Revision ID: 0003_audit
Revises: 0002_calendar
Create Date: 2026-11-25 12:00:00

The triggers refuse UPDATE and DELETE on case_event, audit_digest and audit_access for every
role of the application. Only a DBA can get past them, on purpose and visibly: on PostgreSQL
with `SET session_replication_role = replica` (superuser, or a role granted that parameter), on
SQLite by dropping the trigger in the same transaction (the purge does this; see
engine.adapters.audit_repository.append_only_bypass).
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_audit"
down_revision = "0002_calendar"
branch_labels = None
depends_on = None

APPEND_ONLY = ("case_event", "audit_digest", "audit_access")

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION motcua_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'motcua: % on % is refused: the table is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def sqlite_triggers(table: str) -> list[str]:
    """The SQLite statements that make `table` append-only (also used by the purge)."""
    return [
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{op_name.lower()} BEFORE {op_name} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'motcua: {op_name} on {table} is refused: "
        "the table is append-only'); END"
        for op_name in ("UPDATE", "DELETE")
    ]


def upgrade() -> None:
    op.create_table(
        "audit_digest",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("case_count", sa.Integer(), nullable=False),
        sa.Column("event_count", sa.BigInteger(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("note", sa.JSON(), nullable=False),
        sa.Column("prev_digest", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_table(
        "audit_access",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("roles", sa.String(length=500), nullable=False),
        sa.Column("units", sa.String(length=500), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("case_code", sa.String(length=64), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_access", schema=None) as batch_op:
        batch_op.create_index("ix_audit_access_case_code", ["case_code"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(PG_FUNCTION)
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION motcua_append_only()"
            )
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            for statement in sqlite_triggers(table):
                op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        op.execute("DROP FUNCTION IF EXISTS motcua_append_only()")
    elif dialect == "sqlite":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
    with op.batch_alter_table("audit_access", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_access_case_code")
    op.drop_table("audit_access")
    op.drop_table("audit_digest")
