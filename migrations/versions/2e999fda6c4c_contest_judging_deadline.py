"""Contest judging deadline (when jurors should have submitted their scores)

Revision ID: 2e999fda6c4c
Revises: a2fa460e2f21
Create Date: 2026-12-01 14:15:11.706885

"""

import sqlalchemy as sa
from alembic import op

revision = "2e999fda6c4c"
down_revision = "a2fa460e2f21"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("judging_closes_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("judging_closes_at")
