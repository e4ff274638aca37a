"""messaging: outbox, message subscriptions and incidents (inter-agency handoffs, portal sync)

Revision ID: 0005_messaging
Revises: 0004_legal_clock
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_messaging"
down_revision = "0004_legal_clock"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
AT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "message_outbox",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("stream", sa.String(length=1200), nullable=False),
        sa.Column("dossier", sa.String(length=200), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=True),
        sa.Column("source_case", sa.String(length=64), nullable=True),
        sa.Column("source_seq", sa.Integer(), nullable=True),
        sa.Column("sender", sa.String(length=200), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=True),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("next_attempt_at", AT, nullable=True),
        sa.Column("expires_at", AT, nullable=True),
        sa.Column("delivered_at", AT, nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_index("ix_message_outbox_due", "message_outbox", ["state", "next_attempt_at"])
    op.create_index("ix_message_outbox_stream", "message_outbox", ["stream", "id"])
    op.create_index(
        "ix_message_outbox_name_dossier", "message_outbox", ["name", "dossier", "state"]
    )
    op.create_table(
        "message_subscription",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("case_id", BIG_ID, nullable=False),
        sa.Column("case_code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("element_id", sa.String(length=200), nullable=False),
        sa.Column("dossier", sa.String(length=200), nullable=True),
        sa.Column("correlation", sa.JSON(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_message_subscription_name_dossier", "message_subscription", ["name", "dossier"]
    )
    op.create_index("ix_message_subscription_case", "message_subscription", ["case_id"])
    op.create_table(
        "incident",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("outbox_id", BIG_ID, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("case_code", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("created_at", AT, nullable=False),
        sa.Column("resolved_at", AT, nullable=True),
        sa.Column("resolved_by", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["outbox_id"], ["message_outbox.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_state", "incident", ["state", "id"])


def downgrade() -> None:
    op.drop_index("ix_incident_state", table_name="incident")
    op.drop_table("incident")
    op.drop_index("ix_message_subscription_case", table_name="message_subscription")
    op.drop_index("ix_message_subscription_name_dossier", table_name="message_subscription")
    op.drop_table("message_subscription")
    op.drop_index("ix_message_outbox_name_dossier", table_name="message_outbox")
    op.drop_index("ix_message_outbox_stream", table_name="message_outbox")
    op.drop_index("ix_message_outbox_due", table_name="message_outbox")
    op.drop_table("message_outbox")
