"""status links per recipient (with the nonce their token derives from); the public form's
limits per source address

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 08:20:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("status_link", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("nonce", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_status_link_case_recipient", ["case_id", "recipient"], unique=False)
    op.create_table(
        "apply_source",
        sa.Column("source_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("hits", sa.JSON(), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("source_hash", "kind", name=op.f("pk_apply_source")),
    )
    with op.batch_alter_table("apply_source", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_apply_source_last_at"), ["last_at"], unique=False)


def downgrade():
    with op.batch_alter_table("apply_source", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_apply_source_last_at"))
    op.drop_table("apply_source")
    with op.batch_alter_table("status_link", schema=None) as batch_op:
        batch_op.drop_index("ix_status_link_case_recipient")
        batch_op.drop_column("nonce")
        batch_op.drop_column("recipient")
