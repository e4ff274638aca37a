"""calendar override table, seeded with the shipped 2025-2026 decisions

Revision ID: 0002_calendar
Revises: 0001
Create Date: 2026-11-25 09:00:00

The seed rows are frozen here as shipped in engine/calendar/vn_overrides.json at this revision;
entries added to that file later reach existing databases through
engine.services.calendar.seed_known_overrides (run by `motcua db upgrade`, serve and worker).
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002_calendar"
down_revision = "0001"
branch_labels = None
depends_on = None

_SEED = [
    (
        date(2025, 4, 26),
        "workday",
        "Làm bù cho ngày nghỉ thứ Sáu 02/5/2025 (hoán đổi ngày làm việc dịp 30/4 – 1/5)",
        "Thông báo 6150/TB-BLĐTBXH (2024) của Bộ Lao động – Thương binh và Xã hội về lịch nghỉ "
        "lễ, Tết năm 2025 đối với cán bộ, công chức, viên chức",
    ),
    (
        date(2026, 8, 22),
        "workday",
        "Làm bù cho ngày nghỉ thứ Hai 31/8/2026 (hoán đổi ngày làm việc dịp Quốc khánh)",
        "Thông báo 9441/TB-BNV (2025) của Bộ Nội vụ về lịch nghỉ Tết Âm lịch và Quốc khánh năm "
        "2026 đối với cán bộ, công chức, viên chức",
    ),
]


def upgrade() -> None:
    table = op.create_table(
        "calendar_override",
        sa.Column("version", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("legal_ref", sa.Text(), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supersedes", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('off', 'workday', 'withdrawn')", name="ck_calendar_override_kind"
        ),
        sa.PrimaryKeyConstraint("version"),
    )
    with op.batch_alter_table("calendar_override", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_override_day"), ["day"], unique=False)

    # SQLite keeps no offset: instants are stored as naive UTC there (see rows.UtcDateTime).
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    op.bulk_insert(
        table,
        [
            {
                "version": version,
                "day": day,
                "kind": kind,
                "reason": reason,
                "legal_ref": legal_ref,
                "changed_by": "system",
                "changed_at": now,
                "supersedes": None,
            }
            for version, (day, kind, reason, legal_ref) in enumerate(_SEED, start=1)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("calendar_override", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_override_day"))
    op.drop_table("calendar_override")
