"""each case's action plan: the review's actions and how each is followed through

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 11:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    # Null on every case reviewed before plans were followed: their recommendations stay in
    # ``outcome`` as they were recorded.
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_plan", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("action_plan")
