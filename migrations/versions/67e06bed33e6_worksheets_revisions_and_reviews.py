"""Worksheets, revisions and reviews

Revision ID: 67e06bed33e6
Revises: a63f9964494c
Create Date: 2026-11-23 12:57:19.307995

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '67e06bed33e6'
down_revision = 'a63f9964494c'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('worksheets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('module_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', name='worksheetstatus', native_enum=False, length=32), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohorts.id'], name=op.f('fk_worksheets_cohort_id_cohorts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['module_id'], ['modules.id'], name=op.f('fk_worksheets_module_id_modules'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_worksheets_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worksheets')),
    sa.UniqueConstraint('cohort_id', 'user_id', 'slug', name=op.f('uq_worksheets_cohort_id_user_id_slug'))
    )
    with op.batch_alter_table('worksheets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_worksheets_cohort_id'), ['cohort_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_worksheets_user_id'), ['user_id'], unique=False)

    op.create_table('worksheet_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheets.id'], name=op.f('fk_worksheet_revisions_worksheet_id_worksheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_worksheet_revisions')),
    sa.UniqueConstraint('worksheet_id', 'number', name=op.f('uq_worksheet_revisions_worksheet_id_number'))
    )
    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worksheet_id', sa.Integer(), nullable=False),
    sa.Column('revision_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.Enum('draft', 'submitted', 'changes_requested', 'approved', name='worksheetstatus', native_enum=False, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_reviews_reviewer_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revision_id'], ['worksheet_revisions.id'], name=op.f('fk_reviews_revision_id_worksheet_revisions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worksheet_id'], ['worksheets.id'], name=op.f('fk_reviews_worksheet_id_worksheets'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews'))
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reviews_worksheet_id'), ['worksheet_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reviews_worksheet_id'))

    op.drop_table('reviews')
    op.drop_table('worksheet_revisions')
    with op.batch_alter_table('worksheets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_worksheets_user_id'))
        batch_op.drop_index(batch_op.f('ix_worksheets_cohort_id'))

    op.drop_table('worksheets')
