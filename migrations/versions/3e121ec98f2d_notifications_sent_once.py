"""Notifications sent once

Revision ID: 3e121ec98f2d
Revises: 653b3a272a7f
Create Date: 2026-11-23 12:27:41.156966

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e121ec98f2d'
down_revision = '653b3a272a7f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('notifications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_type', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('recipient', sa.String(length=254), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('subject_type', 'subject_id', 'recipient', 'kind', name=op.f('uq_notifications_subject_type_subject_id_recipient_kind'))
    )


def downgrade() -> None:
    op.drop_table('notifications')
