"""data protection (issue 17): when a case was anonymised, restrictions of a person's data on a
case, and the claims of the jobs the workers run once a day (retention)

Revision ID: 0019
Revises: 0021
Create Date: 2026-12-03 17:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("anonymised_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "case_restriction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restricted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restricted_by", sa.String(length=254), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=254), nullable=True),
        sa.Column("lift_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_restriction_case_id_case_file"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_restriction")),
    )
    with op.batch_alter_table("case_restriction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_restriction_case_id"), ["case_id"], unique=False)

    op.create_table(
        "scheduled_job",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduled_job")),
    )


def downgrade():
    op.drop_table("scheduled_job")
    with op.batch_alter_table("case_restriction", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_restriction_case_id"))
    op.drop_table("case_restriction")
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("anonymised_at")
