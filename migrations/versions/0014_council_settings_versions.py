"""a council's settings kept as numbered versions, and the version each case was received under (issue 16)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_settings_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("council_id", "number", name="uq_council_settings_version_number"),
    )
    op.create_index(
        op.f("ix_council_settings_version_council_id"), "council_settings_version", ["council_id"]
    )
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("settings_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("settings_version")
    op.drop_index(op.f("ix_council_settings_version_council_id"), table_name="council_settings_version")
    op.drop_table("council_settings_version")
