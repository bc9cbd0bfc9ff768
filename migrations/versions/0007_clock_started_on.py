"""the statutory clock's start on each case

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 06:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.add_column(sa.Column("clock_started_on", sa.Date(), nullable=True))
    # Cases opened before the clock was recorded ran their limits from receipt.
    op.execute("UPDATE case_file SET clock_started_on = received_on")


def downgrade():
    with op.batch_alter_table("case_file", schema=None) as batch_op:
        batch_op.drop_column("clock_started_on")
