"""Autosave counter and per-field review comments

Revision ID: 852279b6185b
Revises: 67e06bed33e6
Create Date: 2026-11-23 17:48:03.356505

"""

import sqlalchemy as sa
from alembic import op

revision = "852279b6185b"
down_revision = "67e06bed33e6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_comments", sa.JSON(), server_default="{}", nullable=False))

    with op.batch_alter_table("worksheets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("worksheets", schema=None) as batch_op:
        batch_op.drop_column("draft_version")

    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_column("field_comments")
