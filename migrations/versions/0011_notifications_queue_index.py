"""Notifications: a partial index over the rows waiting to be sent, in claim order

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 13:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

QUEUE_PREDICATE = "status IN ('queued', 'failed_retryable') AND coalesced_into_id IS NULL"


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.create_index(
            "ix_notifications_queue",
            ["not_before"],
            unique=False,
            postgresql_where=sa.text(QUEUE_PREDICATE),
            sqlite_where=sa.text(QUEUE_PREDICATE),
        )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_index("ix_notifications_queue")
