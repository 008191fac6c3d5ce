"""Case updates: the earlier date a date change replaced, and when an update was held

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 14:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_event_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("held_at", sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.drop_column("held_at")
        batch_op.drop_column("previous_event_date")
