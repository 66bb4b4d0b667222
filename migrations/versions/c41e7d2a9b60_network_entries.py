"""The co-op network: entries (offers and needs) and organisations' network profiles, with a text index

The text index differs by database and is not in the models' metadata (see fellowship/network/models.py):
on PostgreSQL a GIN trigram index (the pg_trgm extension, a trusted extension since PostgreSQL 13, so the
database's owner may create it); on SQLite an FTS5 table with the trigram tokenizer, kept in step with
``network_entries.search_text`` by triggers. The application folds accents before indexing, so neither
needs ``unaccent``.

Revision ID: c41e7d2a9b60
Revises: f3a9d2c61b07
Create Date: 2026-12-10 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c41e7d2a9b60"
down_revision = "f3a9d2c61b07"
branch_labels = None
depends_on = None

FTS = "network_entries_fts"
SQLITE_UP = (
    f"CREATE VIRTUAL TABLE {FTS} USING fts5(search_text, tokenize='trigram')",
    f"INSERT INTO {FTS}(rowid, search_text) SELECT id, search_text FROM network_entries",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON network_entries BEGIN "
    f"INSERT INTO {FTS}(rowid, search_text) VALUES (new.id, new.search_text); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF search_text ON network_entries BEGIN "
    f"UPDATE {FTS} SET search_text = new.search_text WHERE rowid = old.id; END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON network_entries BEGIN "
    f"DELETE FROM {FTS} WHERE rowid = old.id; END",
)
KINDS = ("offer", "need")
CATEGORIES = ("tech", "business", "work", "tools", "in_kind", "space", "mentoring")


def upgrade() -> None:
    op.create_table(
        "network_profiles",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("in_public_directory", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_network_profiles_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_network_profiles")),
    )
    op.create_table(
        "network_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum(*KINDS, name="entrykind", native_enum=False, length=32), nullable=False),
        sa.Column(
            "category", sa.Enum(*CATEGORIES, name="category", native_enum=False, length=32), nullable=False
        ),
        sa.Column("title", sa.String(length=120), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("skills", sa.JSON(), nullable=False),
        sa.Column("place", sa.String(length=120), nullable=False),
        sa.Column("languages", sa.String(length=100), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hidden_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden_reason", sa.String(length=500), nullable=False),
        sa.Column("hidden_by_id", sa.Integer(), nullable=True),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("skill_keys", sa.String(length=600), nullable=False),
        sa.Column("place_key", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(organization_id IS NULL) <> (user_id IS NULL)", name=op.f("ck_network_entries_one_owner")
        ),
        sa.ForeignKeyConstraint(
            ["hidden_by_id"],
            ["users.id"],
            name=op.f("fk_network_entries_hidden_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organizations.id"],
            name=op.f("fk_network_entries_organization_id_organizations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_network_entries_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_entries")),
    )
    with op.batch_alter_table("network_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_network_entries_confirmed_at"), ["confirmed_at"], unique=False)
        batch_op.create_index("ix_network_entries_kind_category", ["kind", "category"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_network_entries_organization_id"), ["organization_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_network_entries_user_id"), ["user_id"], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_network_entries_search_trgm",
            "network_entries",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )
    elif dialect == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        # pg_trgm stays: other objects of the database may use it.
        op.drop_index("ix_network_entries_search_trgm", table_name="network_entries")
    elif dialect == "sqlite":
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{trigger}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    with op.batch_alter_table("network_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_network_entries_user_id"))
        batch_op.drop_index(batch_op.f("ix_network_entries_organization_id"))
        batch_op.drop_index("ix_network_entries_kind_category")
        batch_op.drop_index(batch_op.f("ix_network_entries_confirmed_at"))
    op.drop_table("network_entries")
    op.drop_table("network_profiles")
