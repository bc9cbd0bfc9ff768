"""cases by council and stage: the index the ctflow_cases metric counts from

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 15:00:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    # (council_id, stage) serves every lookup the index on council_id alone served.
    op.create_index("ix_case_file_council_stage", "case_file", ["council_id", "stage"])
    op.drop_index("ix_case_file_council_id", table_name="case_file")


def downgrade():
    op.create_index("ix_case_file_council_id", "case_file", ["council_id"])
    op.drop_index("ix_case_file_council_stage", table_name="case_file")
