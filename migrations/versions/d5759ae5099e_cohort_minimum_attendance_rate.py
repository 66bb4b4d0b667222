"""Cohort minimum attendance rate

Revision ID: d5759ae5099e
Revises: e7d910c20e57
Create Date: 2026-11-23 12:23:20.927923

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5759ae5099e'
down_revision = 'e7d910c20e57'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_attendance_rate', sa.Integer(), nullable=True))
        batch_op.create_check_constraint('rate_is_a_percentage', 'min_attendance_rate BETWEEN 0 AND 100')



def downgrade() -> None:
    with op.batch_alter_table('cohorts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_cohorts_rate_is_a_percentage'), type_='check')
        batch_op.drop_column('min_attendance_rate')

