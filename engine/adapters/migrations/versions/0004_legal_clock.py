"""the legal clock: intervals, SLA state and milestones, 766 verdict; task kind and verdict

Revision ID: 0004_legal_clock
Revises: 0003_audit
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_legal_clock"
down_revision = "0003_audit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("legal_clock", sa.JSON(), nullable=False, server_default="{}")
        )
        batch_op.add_column(
            sa.Column("sla_state", sa.String(length=16), nullable=False, server_default="none")
        )
        batch_op.add_column(sa.Column("sla_next_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("supplement_count", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("reappointments", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("paused_hours", sa.Float(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("on_time", sa.Boolean(), nullable=True))
        batch_op.create_index("ix_case_unit_sla_state", ["unit", "sla_state"], unique=False)
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="bpmn")
        )
        batch_op.add_column(sa.Column("verdict", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("task", schema=None) as batch_op:
        batch_op.drop_column("verdict")
        batch_op.drop_column("kind")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_unit_sla_state")
        for name in (
            "on_time",
            "paused_hours",
            "reappointments",
            "supplement_count",
            "sla_next_at",
            "sla_state",
            "legal_clock",
        ):
            batch_op.drop_column(name)
