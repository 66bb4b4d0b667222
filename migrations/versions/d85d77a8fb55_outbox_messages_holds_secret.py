"""Outbox messages say whether they hold a secret link; administrators never read those

Messages queued before this revision are all taken to hold one: every kind sent so far carried a password,
invitation, guest, vote or unsubscribe link.

Revision ID: d85d77a8fb55
Revises: b7c1e4a9d2f0
Create Date: 2026-12-08 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d85d77a8fb55"
down_revision = "b7c1e4a9d2f0"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("holds_secret", sa.Boolean(), server_default=sa.false(), nullable=False))
    outbox = sa.table("outbox_messages", sa.column("holds_secret", sa.Boolean))
    op.execute(outbox.update().values(holds_secret=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("holds_secret")
