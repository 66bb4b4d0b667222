"""Events keep their own iCalendar UID, random for new events

Events made before this revision keep the UID their invitees' calendars already hold
(``event-<id>@fellowship``): changing it would leave a stale copy in every calendar and make later
changes and cancellations miss it.

Revision ID: b7c1e4a9d2f0
Revises: 2e999fda6c4c
Create Date: 2026-12-01 17:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b7c1e4a9d2f0"
down_revision = "2e999fda6c4c"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=255), nullable=True))
    events = sa.table("events", sa.column("id", sa.Integer), sa.column("uid", sa.String))
    op.execute(
        events.update().values(uid=sa.literal("event-") + sa.cast(events.c.id, sa.String) + "@fellowship")
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.alter_column("uid", existing_type=sa.String(length=255), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_events_uid"), ["uid"])


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_events_uid"), type_="unique")
        batch_op.drop_column("uid")
