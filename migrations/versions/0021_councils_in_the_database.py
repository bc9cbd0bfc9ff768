"""a council's identity and its unversioned policy (process, sender, consent, ineligible review)
kept on its row, and counties as a table: councils are read from the database, councils.toml
only seeds them (issue 16)

Revision ID: 0021
Revises: 0017
Create Date: 2026-12-03 17:20:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # SQLite adds the county's foreign key by copying the council table to a new one, dropping it
    # and renaming the copy: with foreign keys on, dropping a table that memberships and cases
    # point at fails. They are off while the table is copied.
    _sqlite_foreign_keys_off()
    county = op.create_table(
        "county",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_county")),
    )
    # The counties the rows already name; `ctflow councils import` writes the file's names over
    # these ("north-wales" -> "North Wales" until then).
    existing = op.get_bind().execute(sa.text("SELECT DISTINCT county FROM council")).scalars().all()
    if existing:
        op.bulk_insert(county, [{"id": c, "name": c.replace("-", " ").title()} for c in existing])
    with op.batch_alter_table("council", schema=None) as batch_op:
        # Null until the row is imported again (its policy is the file's meanwhile).
        batch_op.add_column(sa.Column("process_key", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("sender", sa.String(length=16), nullable=False, server_default="smtp"))
        batch_op.add_column(sa.Column("consent", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("ineligible_review", sa.JSON(), nullable=True))
        batch_op.create_foreign_key(op.f("fk_council_county_county"), "county", ["county"], ["id"])


def downgrade():
    _sqlite_foreign_keys_off()
    with op.batch_alter_table("council", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_council_county_county"), type_="foreignkey")
        batch_op.drop_column("ineligible_review")
        batch_op.drop_column("consent")
        batch_op.drop_column("sender")
        batch_op.drop_column("process_key")
    op.drop_table("county")


def _sqlite_foreign_keys_off() -> None:
    """Before anything else in the migration (a no-op inside a transaction); migrations/env.py
    turns them on again once the migrations are done."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA foreign_keys=OFF")
