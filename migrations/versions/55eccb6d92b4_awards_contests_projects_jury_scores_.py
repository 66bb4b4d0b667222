"""Awards contests, projects, jury scores and public votes

Revision ID: 55eccb6d92b4
Revises: 02b9380a1793
Create Date: 2026-11-23 18:25:15.801448

"""
import sqlalchemy as sa
from alembic import op

revision = '55eccb6d92b4'
down_revision = '02b9380a1793'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('contests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('slug', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('phase', sa.Enum('draft', 'submissions', 'judging', 'voting', 'closed', 'published', name='phase', native_enum=False, length=32), nullable=False),
    sa.Column('submissions_close_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voting_opens_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voting_closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('votes_per_voter', sa.Integer(), nullable=False),
    sa.Column('live_tally', sa.Boolean(), nullable=False),
    sa.Column('combine', sa.Enum('mean', 'median', name='combine', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('votes_per_voter >= 1 AND votes_per_voter <= 20', name=op.f('ck_contests_votes_per_voter_range')),
    sa.ForeignKeyConstraint(['program_id'], ['programs.id'], name=op.f('fk_contests_program_id_programs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contests')),
    sa.UniqueConstraint('slug', name=op.f('uq_contests_slug'))
    )
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contests_program_id'), ['program_id'], unique=False)

    op.create_table('criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=1000), nullable=False),
    sa.Column('weight', sa.Double(), nullable=False),
    sa.Column('max_points', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_points >= 1', name=op.f('ck_criteria_max_points_positive')),
    sa.CheckConstraint('weight > 0', name=op.f('ck_criteria_weight_positive')),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_criteria_contest_id_contests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_criteria'))
    )
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_criteria_contest_id'), ['contest_id'], unique=False)

    op.create_table('juror_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_juror_assignments_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_juror_assignments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_juror_assignments')),
    sa.UniqueConstraint('contest_id', 'user_id', name=op.f('uq_juror_assignments_contest_id_user_id'))
    )
    with op.batch_alter_table('juror_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_juror_assignments_contest_id'), ['contest_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_juror_assignments_user_id'), ['user_id'], unique=False)

    op.create_table('projects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('team', sa.String(length=1000), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=False),
    sa.Column('beneficiaries', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('image', sa.String(length=100), nullable=True),
    sa.Column('status', sa.Enum('submitted', 'accepted', 'returned', name='projectstatus', native_enum=False, length=32), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_projects_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_projects_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_projects_submitted_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_projects_contest_id'), ['contest_id'], unique=False)

    op.create_table('award_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('jury', 'audience', 'special', name='categorykind', native_enum=False, length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('winner_id', sa.Integer(), nullable=True),
    sa.Column('citation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_award_categories_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['winner_id'], ['projects.id'], name=op.f('fk_award_categories_winner_id_projects'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_award_categories'))
    )
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_award_categories_contest_id'), ['contest_id'], unique=False)

    op.create_table('conflicts_of_interest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('automatic', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_conflicts_of_interest_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_conflicts_of_interest_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conflicts_of_interest')),
    sa.UniqueConstraint('user_id', 'project_id', name=op.f('uq_conflicts_of_interest_user_id_project_id'))
    )
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conflicts_of_interest_user_id'), ['user_id'], unique=False)

    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('criterion_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.CheckConstraint('points >= 0', name=op.f('ck_scores_points_not_negative')),
    sa.ForeignKeyConstraint(['criterion_id'], ['criteria.id'], name=op.f('fk_scores_criterion_id_criteria'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_scores_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_scores_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('user_id', 'project_id', 'criterion_id', name=op.f('uq_scores_user_id_project_id_criterion_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_project_id'), ['project_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scores_user_id'), ['user_id'], unique=False)

    op.create_table('vote_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('domain', sa.String(length=254), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_vote_requests_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_vote_requests_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_vote_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_vote_requests_token_hash'))
    )
    with op.batch_alter_table('vote_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_vote_requests_contest_id'), ['contest_id'], unique=False)

    op.create_table('votes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contest_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('voter_key', sa.String(length=64), nullable=False),
    sa.Column('slot', sa.Integer(), nullable=False),
    sa.Column('slot_limit', sa.Integer(), nullable=False),
    sa.Column('receipt_hash', sa.String(length=64), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('network', sa.String(length=16), nullable=False),
    sa.Column('domain', sa.String(length=254), nullable=False),
    sa.Column('voided', sa.Boolean(), nullable=False),
    sa.Column('void_reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('slot >= 1 AND slot <= slot_limit', name=op.f('ck_votes_slot_in_range')),
    sa.ForeignKeyConstraint(['contest_id'], ['contests.id'], name=op.f('fk_votes_contest_id_contests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_votes_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_votes')),
    sa.UniqueConstraint('contest_id', 'voter_key', 'project_id', name=op.f('uq_votes_contest_id_voter_key_project_id')),
    sa.UniqueConstraint('contest_id', 'voter_key', 'slot', name=op.f('uq_votes_contest_id_voter_key_slot')),
    sa.UniqueConstraint('receipt_hash', name=op.f('uq_votes_receipt_hash'))
    )
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.create_index('ix_votes_tally', ['contest_id', 'project_id', 'voided'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('votes', schema=None) as batch_op:
        batch_op.drop_index('ix_votes_tally')

    op.drop_table('votes')
    with op.batch_alter_table('vote_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_vote_requests_contest_id'))

    op.drop_table('vote_requests')
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_user_id'))
        batch_op.drop_index(batch_op.f('ix_scores_project_id'))

    op.drop_table('scores')
    with op.batch_alter_table('conflicts_of_interest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_user_id'))
        batch_op.drop_index(batch_op.f('ix_conflicts_of_interest_project_id'))

    op.drop_table('conflicts_of_interest')
    with op.batch_alter_table('award_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_award_categories_contest_id'))

    op.drop_table('award_categories')
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_projects_contest_id'))

    op.drop_table('projects')
    with op.batch_alter_table('juror_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_juror_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_juror_assignments_contest_id'))

    op.drop_table('juror_assignments')
    with op.batch_alter_table('criteria', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_criteria_contest_id'))

    op.drop_table('criteria')
    with op.batch_alter_table('contests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contests_program_id'))

    op.drop_table('contests')
