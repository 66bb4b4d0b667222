"""Completion rules and certificates

Revision ID: e37f3db33ebd
Revises: ae3a5c9a1ee7
Create Date: 2026-11-23 19:00:40.811327

"""
import sqlalchemy as sa
from alembic import op

revision = 'e37f3db33ebd'
down_revision = 'ae3a5c9a1ee7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('holder', sa.String(length=200), nullable=False),
    sa.Column('program', sa.String(length=200), nullable=False),
    sa.Column('cohort', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('modules', sa.JSON(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_certificates_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_certificates_code')),
    sa.UniqueConstraint('cohort_id', 'user_id', name=op.f('uq_certificates_cohort_id_user_id'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)

    op.create_table('completion_rules',
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('min_attendance_rate', sa.Integer(), nullable=False),
    sa.Column('required_modules', sa.JSON(), nullable=False),
    sa.CheckConstraint('min_attendance_rate BETWEEN 0 AND 100', name=op.f('ck_completion_rules_rate_is_a_percentage')),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_completion_rules_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cohort_id', name=op.f('pk_completion_rules'))
    )


def downgrade() -> None:
    op.drop_table('completion_rules')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))

    op.drop_table('certificates')
