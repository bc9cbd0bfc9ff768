"""the data_protection role a user may hold at a council (issue 17)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 15:45:00

"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ROLES = (
    "community_safety_officer", "community_safety_manager", "process_owner", "partner_agency",
    "panel_chair", "appeal_body", "admin",
)  # fmt: skip


def _role_check(roles: tuple[str, ...]) -> None:
    # SQLite cannot alter a constraint: batch mode copies the table with the new one.
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_membership_role_known"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_membership_role_known"), "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")"
        )


def upgrade():
    _role_check((*ROLES, "data_protection"))


def downgrade():
    op.execute("DELETE FROM membership WHERE role = 'data_protection'")
    _role_check(ROLES)
