"""Sealed anonymous answers: held encrypted until dispatch releases them in shuffled batches

An anonymous answer is now stored first in ``sealed_responses`` (encrypted with a key derived from
SECRET_KEY), in the transaction of its receipt, and `flask fellowship dispatch` moves it to
``anonymous_responses`` in a shuffled batch of at least the minimum group, rewriting the survey's receipts
in a random order in the same transaction. Answers stored before this revision stay where they are and keep
their storage order (SQLite's rowid, PostgreSQL's physical order and transaction id), which follows the
order of their receipts; `flask fellowship reshuffle-anonymous`, run once after upgrading, stores them and
their receipts again in a random order.

Revision ID: f3a9d2c61b07
Revises: a8e4b7c90d15
Create Date: 2026-12-10 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f3a9d2c61b07"
down_revision = "a8e4b7c90d15"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sealed_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"],
            ["surveys.id"],
            name=op.f("fk_sealed_responses_survey_id_surveys"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sealed_responses")),
    )
    with op.batch_alter_table("sealed_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sealed_responses_survey_id"), ["survey_id"], unique=False)


def downgrade() -> None:
    """Answers still sealed are lost: run `flask fellowship dispatch` after the evaluations close first."""
    with op.batch_alter_table("sealed_responses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sealed_responses_survey_id"))
    op.drop_table("sealed_responses")
