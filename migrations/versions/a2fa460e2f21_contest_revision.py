"""Contest revision (the public page cache keys on it)

Revision ID: a2fa460e2f21
Revises: caea9c3eb633
Create Date: 2026-11-29 16:41:32.764389

"""

import sqlalchemy as sa
from alembic import op

revision = "a2fa460e2f21"
down_revision = "caea9c3eb633"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("contests", schema=None) as batch_op:
        batch_op.drop_column("revision")
