"""the access log: who viewed or exported a case's personal data, when, through which route (issue 17)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 17:40:00

"""

import sqlalchemy as sa
from alembic import op



# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "case_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=254), nullable=False),
        sa.Column("route", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_access")),
    )
    op.create_index("ix_case_access_case_at", "case_access", ["case_id", "at"])
    op.create_index(op.f("ix_case_access_at"), "case_access", ["at"])


def downgrade():
    op.drop_index(op.f("ix_case_access_at"), table_name="case_access")
    op.drop_index("ix_case_access_case_at", table_name="case_access")
    op.drop_table("case_access")
