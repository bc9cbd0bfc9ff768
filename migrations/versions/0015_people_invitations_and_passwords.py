"""people (issue 16): invited users without a password yet, deactivated accounts, service
administrators, and the one-time links that set a password (invitations and resets)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:45:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite adds these columns by copying user_account to a new table, dropping it and renaming
    # the copy: with foreign keys on, dropping it deleted every membership (ON DELETE CASCADE).
    # They are off while the table is copied.
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("service_admin", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    # Everyone created before invitations chose their password when they were created.
    op.execute("UPDATE user_account SET password_set_at = created_at")

    op.create_table(
        "account_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=32), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=254), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_attempts", sa.Integer(), nullable=False),
        sa.Column("email_next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("email_last_error", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "purpose IN ('invitation', 'password_reset')", name=op.f("ck_account_link_purpose_known")
        ),
        sa.ForeignKeyConstraint(
            ["council_id"], ["council.id"], name=op.f("fk_account_link_council_id_council")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_account_link_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_link_token_hash")),
    )
    with op.batch_alter_table("account_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_account_link_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_account_link_outbox", ["email_next_attempt_at"], unique=False)


def downgrade():
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("account_link", schema=None) as batch_op:
        batch_op.drop_index("ix_account_link_outbox")
        batch_op.drop_index(batch_op.f("ix_account_link_user_id"))
    op.drop_table("account_link")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("service_admin")
        batch_op.drop_column("deactivated_at")
        batch_op.drop_column("password_set_at")


def _sqlite_foreign_keys_off() -> None:
    """Before anything else in the migration (a no-op inside a transaction); migrations/env.py
    turns them on again once the migrations are done."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")
