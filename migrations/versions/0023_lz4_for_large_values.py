"""large values compressed with lz4 on PostgreSQL: a case's workflow, a letter's HTML and data

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 10:30:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# Every task completion rewrites its case's workflow (about 40 KB of JSON), and most write a letter
# (its HTML and data, about 30 KB). PostgreSQL compresses such values with pglz by default; lz4
# compresses them several times faster (bench/bench_engine.py: the completion's write statement
# 1.45 ms -> 1.05 ms of the server's time). Values already stored keep pglz until rewritten; both
# read back alike.
COLUMNS = (("case_file", "workflow"), ("document", "html"), ("document", "data"))


def _set_compression(method: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        # A server before PostgreSQL 14, or built without lz4, keeps pglz: the statement fails
        # inside the block, which says so and goes on.
        op.execute(
            f"""
            DO $$
            BEGIN
                EXECUTE 'ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {method}';
            EXCEPTION WHEN syntax_error OR feature_not_supported OR invalid_parameter_value THEN
                RAISE NOTICE '{table}.{column} keeps the server''s default compression: %', SQLERRM;
            END
            $$
            """
        )


def upgrade():
    _set_compression("lz4")


def downgrade():
    _set_compression("pglz")
