"""Sign-in through identity providers: accounts bound to a provider's (issuer, subject), and
administrators' leave for a provider to bind an account it would not bind on its own

Revision ID: 9d4c1e7a2b58
Revises: 7b2e5d0c9f14
Create Date: 2026-12-02 00:55:40.557280

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9d4c1e7a2b58"
down_revision = "7b2e5d0c9f14"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "provider_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_provider_identities_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_identities")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_provider_identities_issuer_subject")),
    )
    with op.batch_alter_table("provider_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provider_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "provider_link_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=32), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["granted_by_id"],
            ["users.id"],
            name=op.f("fk_provider_link_grants_granted_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_provider_link_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_provider_link_grants")),
    )
    with op.batch_alter_table("provider_link_grants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_provider_link_grants_granted_by_id"), ["granted_by_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_provider_link_grants_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("provider_link_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_link_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_provider_link_grants_granted_by_id"))

    op.drop_table("provider_link_grants")
    with op.batch_alter_table("provider_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provider_identities_user_id"))

    op.drop_table("provider_identities")
