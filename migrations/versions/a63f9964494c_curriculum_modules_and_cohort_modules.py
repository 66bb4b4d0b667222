"""Curriculum modules and cohort modules

Revision ID: a63f9964494c
Revises: 3e121ec98f2d
Create Date: 2026-11-23 12:51:00.261773

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a63f9964494c'
down_revision = '3e121ec98f2d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('program_kind', sa.String(length=32), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('title', sa.JSON(), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('body', sa.JSON(), nullable=False),
    sa.Column('questions', sa.JSON(), nullable=False),
    sa.Column('layout', sa.String(length=32), nullable=False),
    sa.Column('fields', sa.JSON(), nullable=False),
    sa.Column('current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_modules')),
    sa.UniqueConstraint('slug', 'version', name=op.f('uq_modules_slug_version'))
    )
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_modules_slug'), ['slug'], unique=False)

    op.create_table('cohort_modules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_cohort_modules_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cohort_modules')),
    sa.UniqueConstraint('cohort_id', 'slug', name=op.f('uq_cohort_modules_cohort_id_slug'))
    )
    with op.batch_alter_table('cohort_modules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cohort_modules_cohort_id'), ['cohort_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('cohort_modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cohort_modules_cohort_id'))

    op.drop_table('cohort_modules')
    with op.batch_alter_table('modules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_modules_slug'))

    op.drop_table('modules')
