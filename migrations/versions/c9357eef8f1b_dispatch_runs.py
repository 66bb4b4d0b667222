"""Dispatch runs: when each dispatcher last finished, for the dispatch lag on /metrics

Revision ID: c9357eef8f1b
Revises: a44908946719
Create Date: 2026-12-02 15:33:22.627540

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c9357eef8f1b"
down_revision = "a44908946719"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "dispatch_runs",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_dispatch_runs")),
    )


def downgrade():
    op.drop_table("dispatch_runs")
