"""Program privacy threshold

Revision ID: caea9c3eb633
Revises: e37f3db33ebd
Create Date: 2026-11-23 19:07:19.107749

"""

import sqlalchemy as sa
from alembic import op

revision = "caea9c3eb633"
down_revision = "e37f3db33ebd"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("privacy_threshold", sa.Integer(), server_default="3", nullable=False))
        batch_op.create_check_constraint("privacy_threshold_at_least_3", "privacy_threshold >= 3")


def downgrade() -> None:
    with op.batch_alter_table("programs", schema=None) as batch_op:
        batch_op.drop_constraint("privacy_threshold_at_least_3", type_="check")
        batch_op.drop_column("privacy_threshold")
