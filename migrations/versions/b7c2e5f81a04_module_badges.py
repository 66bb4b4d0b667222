"""Module badges: a credential may be an approved worksheet's, says whose it is, and cohorts choose them

Revision ID: b7c2e5f81a04
Revises: d57a97d088cb
Create Date: 2026-12-02 06:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7c2e5f81a04"
down_revision = "d57a97d088cb"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worksheet_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.alter_column("certificate_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_credentials_worksheet_id_worksheets"),
            "worksheets",
            ["worksheet_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_credentials_user_id_users"), "users", ["user_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_unique_constraint(batch_op.f("uq_credentials_worksheet_id"), ["worksheet_id"])
        batch_op.create_index(batch_op.f("ix_credentials_user_id"), ["user_id"], unique=False)
        batch_op.create_check_constraint("one_subject", "certificate_id IS NULL OR worksheet_id IS NULL")
    op.execute(
        "UPDATE credentials SET user_id = "
        "(SELECT certificates.user_id FROM certificates WHERE certificates.id = credentials.certificate_id)"
    )
    op.create_table(
        "module_badge_cohorts",
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("chosen_by_id", sa.Integer(), nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_module_badge_cohorts_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["chosen_by_id"],
            ["users.id"],
            name=op.f("fk_module_badge_cohorts_chosen_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("cohort_id", name=op.f("pk_module_badge_cohorts")),
    )


def downgrade() -> None:
    op.drop_table("module_badge_cohorts")
    op.execute("DELETE FROM credentials WHERE certificate_id IS NULL")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_credentials_one_subject"), type_="check")
        batch_op.drop_index(batch_op.f("ix_credentials_user_id"))
        batch_op.drop_constraint(batch_op.f("uq_credentials_worksheet_id"), type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_credentials_user_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_credentials_worksheet_id_worksheets"), type_="foreignkey")
        batch_op.alter_column("certificate_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("user_id")
        batch_op.drop_column("worksheet_id")
