"""one audit list per council: changes to settings, people and roles (issue 16)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 14:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "council_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject", sa.String(length=254), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_council_audit_council_at", "council_audit", ["council_id", "at"])


def downgrade():
    op.drop_index("ix_council_audit_council_at", table_name="council_audit")
    op.drop_table("council_audit")
