"""Calendar feed versions and mail attachments

Revision ID: 653b3a272a7f
Revises: d5759ae5099e
Create Date: 2026-11-23 12:27:26.727540

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '653b3a272a7f'
down_revision = 'd5759ae5099e'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_version', sa.Integer(), server_default='1', nullable=False))

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attachments', sa.JSON(), nullable=False, server_default='[]'))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_version', sa.Integer(), server_default='1', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('attachments')

    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_column('calendar_version')

