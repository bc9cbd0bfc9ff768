"""partner managers: the partner_manager role, and whom a task's escalation reached (issue 15)

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-03 17:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None

ROLES = (
    "community_safety_officer", "community_safety_manager", "process_owner", "partner_agency",
    "panel_chair", "appeal_body", "admin", "data_protection",
)  # fmt: skip


def _role_check(roles: tuple[str, ...]) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_membership_role_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_role_known"), "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"
        )


def upgrade():
    _role_check((*ROLES, "partner_manager"))
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalated_to", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("escalated_agency", sa.String(length=32), nullable=True))
    # Tasks escalated before: every escalation so far went to the council's managers.
    op.execute(
        "UPDATE case_task SET escalated_to = 'community_safety_manager' WHERE escalated_at IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table("case_task", schema=None) as batch_op:
        batch_op.drop_column("escalated_agency")
        batch_op.drop_column("escalated_to")
    op.execute("DELETE FROM membership WHERE role = 'partner_manager'")
    _role_check(ROLES)
