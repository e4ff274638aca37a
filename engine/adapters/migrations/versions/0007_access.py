"""access: the counter that received a dossier (phi địa giới) and the applicant's personal ID

Revision ID: 0007_access
Revises: 0006_reports

``case.receiving_unit`` is NULL when the handling unit received the dossier itself (every case
before this revision). ``case.applicant_id`` lets a citizen list their own dossiers; existing
cases take it from their applicant JSON.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_access"
down_revision = "0006_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("receiving_unit", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("applicant_id", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_case_receiving_unit", ["receiving_unit"], unique=False)
        batch_op.create_index("ix_case_applicant_id", ["applicant_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """UPDATE "case" SET applicant_id = left(applicant ->> 'personal_id', 64)
               WHERE json_typeof(applicant -> 'personal_id') = 'string'"""
        )
    else:
        op.execute(
            """UPDATE "case" SET applicant_id = substr(json_extract(applicant, '$.personal_id'), 1, 64)
               WHERE json_type(applicant, '$.personal_id') = 'text'"""
        )


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+): a batch would copy the table, and
    # SQLite cannot drop "case" while the task and history tables point at it.
    op.drop_index("ix_case_applicant_id", table_name="case")
    op.drop_index("ix_case_receiving_unit", table_name="case")
    op.drop_column("case", "applicant_id")
    op.drop_column("case", "receiving_unit")
