"""Credentials: each certificate's signed Open Badges credential and its place in the revocation list

Revision ID: d57a97d088cb
Revises: 9d4c1e7a2b58
Create Date: 2026-12-02 03:12:32.925634

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d57a97d088cb"
down_revision = "9d4c1e7a2b58"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("kid", sa.String(length=100), nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("status_list", sa.Integer(), nullable=False),
        sa.Column("status_index", sa.Integer(), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_reason", sa.Text(), nullable=False),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["certificate_id"],
            ["certificates.id"],
            name=op.f("fk_credentials_certificate_id_certificates"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"],
            ["users.id"],
            name=op.f("fk_credentials_revoked_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("certificate_id", name=op.f("uq_credentials_certificate_id")),
        sa.UniqueConstraint(
            "status_list", "status_index", name=op.f("uq_credentials_status_list_status_index")
        ),
        sa.UniqueConstraint("uuid", name=op.f("uq_credentials_uuid")),
    )


def downgrade():
    op.drop_table("credentials")
