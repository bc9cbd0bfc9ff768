"""case search terms: what staff find a case by

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:30:00

"""

import json

import sqlalchemy as sa
from alembic import op

from app.domain.search import TERM_LENGTH, case_terms

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# Byte order on PostgreSQL, so a prefix is a range of the index whatever the database's locale
# (SQLite compares bytes already).
TERM = sa.String(TERM_LENGTH).with_variant(sa.String(TERM_LENGTH, collation="C"), "postgresql")


def upgrade():
    terms = op.create_table(
        "case_search_term",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("term", TERM, nullable=False),
        sa.Column("council_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case_file.id"], name=op.f("fk_case_search_term_case_id_case_file"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["council_id"], ["council.id"], name=op.f("fk_case_search_term_council_id_council")),
        sa.PrimaryKeyConstraint("case_id", "term", name=op.f("pk_case_search_term")),
    )
    op.create_index("ix_case_search_term_council_term", "case_search_term", ["council_id", "term"])
    # The cases opened before search: indexed from their applications.
    cases = op.get_bind().execute(sa.text("SELECT id, council_id, reference, application FROM case_file"))
    rows = []
    for case_id, council_id, reference, application in cases:
        if isinstance(application, str):  # SQLite's JSON comes back as text here
            application = json.loads(application)
        for term in case_terms(reference, application or {}):
            rows.append({"case_id": case_id, "term": term, "council_id": council_id})
    if rows:
        op.bulk_insert(terms, rows)


def downgrade():
    op.drop_index("ix_case_search_term_council_term", table_name="case_search_term")
    op.drop_table("case_search_term")
