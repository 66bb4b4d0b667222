"""Impact: assistance log, demographics, reporting periods

Revision ID: ae3a5c9a1ee7
Revises: 55eccb6d92b4
Create Date: 2026-11-23 18:51:35.383513

"""
import sqlalchemy as sa
from alembic import op

revision = 'ae3a5c9a1ee7'
down_revision = '55eccb6d92b4'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('reporting_periods',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', name='reportstatus', native_enum=False, length=32), nullable=False),
    sa.Column('narratives', sa.JSON(), nullable=False),
    sa.Column('export_threshold', sa.Integer(), nullable=True),
    sa.Column('snapshot', sa.JSON(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_reporting_periods_dates_in_order')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_reporting_periods_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reporting_periods')),
    sa.UniqueConstraint('program_id', 'starts_on', name=op.f('uq_reporting_periods_program_id_starts_on'))
    )
    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reporting_periods_program_id'), ['program_id'], unique=False)

    op.create_table('assistance_logs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('facilitator_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('one_on_one', 'group_workshop', 'education', 'outreach', name='assistancekind', native_enum=False, length=32), nullable=False),
    sa.Column('stage', sa.Enum('pre_development', 'existing_coop', 'conversion', 'developer', 'other', name='stage', native_enum=False, length=32), nullable=False),
    sa.Column('hours', sa.Double(), nullable=False),
    sa.Column('people', sa.Integer(), nullable=False),
    sa.Column('help_type', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hours >= 0 AND hours <= 24', name=op.f('ck_assistance_logs_hours_in_a_day')),
    sa.CheckConstraint('people >= 0', name=op.f('ck_assistance_logs_people_not_negative')),
    sa.ForeignKeyConstraint(['facilitator_id'], ['users.id'], name=op.f('fk_assistance_logs_facilitator_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_assistance_logs_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_assistance_logs_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_logs'))
    )
    with op.batch_alter_table('assistance_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assistance_logs_facilitator_id'), ['facilitator_id'], unique=False)
        batch_op.create_index('ix_assistance_logs_period', ['program_id', 'given_on'], unique=False)

    op.create_table('demographics',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('community_area', sa.String(length=100), nullable=False),
    sa.Column('races', sa.JSON(), nullable=False),
    sa.Column('race_self', sa.String(length=200), nullable=False),
    sa.Column('gender', sa.String(length=32), nullable=False),
    sa.Column('gender_self', sa.String(length=200), nullable=False),
    sa.Column('age_range', sa.String(length=16), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_demographics_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_demographics'))
    )


def downgrade() -> None:
    op.drop_table('demographics')
    with op.batch_alter_table('assistance_logs', schema=None) as batch_op:
        batch_op.drop_index('ix_assistance_logs_period')
        batch_op.drop_index(batch_op.f('ix_assistance_logs_facilitator_id'))

    op.drop_table('assistance_logs')
    with op.batch_alter_table('reporting_periods', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reporting_periods_program_id'))

    op.drop_table('reporting_periods')
