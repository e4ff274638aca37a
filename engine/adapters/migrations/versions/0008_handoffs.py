"""handoffs: messages sent to another agency and the receiving side's acknowledgement

Revision ID: 0008_handoffs
Revises: 0007_access

One row per message a case sends to another agency (liên thông), written with its outbox row:
the acknowledgement allotment and its due instant, where the message was delivered, and when
and how the receiving side acknowledged it; the worker escalates an awaiting row whose
allotment has passed (index ``ix_handoff_due``). Nothing existed before: no data to move.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_handoffs"
down_revision = "0007_access"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "handoff",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("outbox_id", BIG_ID, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source_case_id", BIG_ID, nullable=False),
        sa.Column("source_case", sa.String(length=64), nullable=False),
        sa.Column("source_unit", sa.String(length=64), nullable=False),
        sa.Column("dossier", sa.String(length=200), nullable=True),
        sa.Column("endpoint", sa.String(length=1000), nullable=True),
        sa.Column("sent_at", AT, nullable=False),
        sa.Column("allotment", sa.String(length=16), nullable=False),
        sa.Column("ack_due_at", AT, nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("target_case", sa.String(length=64), nullable=True),
        sa.Column("target_unit", sa.String(length=64), nullable=True),
        sa.Column("delivered_at", AT, nullable=True),
        sa.Column("receipt_seq", sa.Integer(), nullable=True),
        sa.Column("needs_take_up", sa.Boolean(), nullable=False),
        sa.Column("acknowledged_at", AT, nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_how", sa.String(length=32), nullable=True),
        sa.Column("escalated_at", AT, nullable=True),
        sa.Column("escalation_task_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["message_outbox.id"]),
        sa.ForeignKeyConstraint(["source_case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("outbox_id"),
    )
    op.create_index("ix_handoff_due", "handoff", ["state", "ack_due_at"])
    op.create_index("ix_handoff_source", "handoff", ["source_case_id", "id"])
    op.create_index("ix_handoff_target", "handoff", ["target_case", "id"])


def downgrade() -> None:
    op.drop_index("ix_handoff_target", table_name="handoff")
    op.drop_index("ix_handoff_source", table_name="handoff")
    op.drop_index("ix_handoff_due", table_name="handoff")
    op.drop_table("handoff")
