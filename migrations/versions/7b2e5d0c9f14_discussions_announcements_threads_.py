"""Discussions: a cohort's announcements, threads about a subject (an announcement, an event, a module),
replies, who follows which thread, and how far each person's digests have reached

Revision ID: 7b2e5d0c9f14
Revises: c41e7d2a9b60
Create Date: 2026-12-02 00:14:49.869550

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7b2e5d0c9f14"
down_revision = "c41e7d2a9b60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("points_kind", sa.String(length=32), nullable=True),
        sa.Column("points_id", sa.Integer(), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("emailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_announcements_author_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["cohort_id"], ["cohorts.id"], name=op.f("fk_announcements_cohort_id_cohorts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_announcements_author_id"), ["author_id"], unique=False)
        batch_op.create_index("ix_announcements_cohort_created", ["cohort_id", "created_at"], unique=False)

    op.create_table(
        "discussion_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_reply_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["cohort_id"],
            ["cohorts.id"],
            name=op.f("fk_discussion_threads_cohort_id_cohorts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_threads")),
        sa.UniqueConstraint(
            "cohort_id", "kind", "subject_id", name=op.f("uq_discussion_threads_cohort_id_kind_subject_id")
        ),
    )
    op.create_table(
        "discussion_follows",
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("followed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_follows_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_discussion_follows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("thread_id", "user_id", name=op.f("pk_discussion_follows")),
    )
    with op.batch_alter_table("discussion_follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_follows_user_id"), ["user_id"], unique=False)

    op.create_table(
        "discussion_digest_marks",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("digested_through", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_discussion_digest_marks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_discussion_digest_marks")),
    )
    op.create_table(
        "discussion_replies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("quote_of_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("edited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_discussion_replies_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_discussion_replies_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["quote_of_id"],
            ["discussion_replies.id"],
            name=op.f("fk_discussion_replies_quote_of_id_discussion_replies"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["discussion_threads.id"],
            name=op.f("fk_discussion_replies_thread_id_discussion_threads"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussion_replies")),
    )
    with op.batch_alter_table("discussion_replies", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_discussion_replies_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_discussion_replies_hidden_by_id"), ["hidden_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_discussion_replies_quote_of_id"), ["quote_of_id"], unique=False)
        batch_op.create_index(
            "ix_discussion_replies_thread_created", ["thread_id", "created_at", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("discussion_replies", schema=None) as batch_op:
        batch_op.drop_index("ix_discussion_replies_thread_created")
        batch_op.drop_index(batch_op.f("ix_discussion_replies_quote_of_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_hidden_by_id"))
        batch_op.drop_index(batch_op.f("ix_discussion_replies_author_id"))

    op.drop_table("discussion_replies")
    with op.batch_alter_table("discussion_follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_follows_user_id"))

    op.drop_table("discussion_digest_marks")
    op.drop_table("discussion_follows")
    op.drop_table("discussion_threads")
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_index("ix_announcements_cohort_created")
        batch_op.drop_index(batch_op.f("ix_announcements_author_id"))

    op.drop_table("announcements")
