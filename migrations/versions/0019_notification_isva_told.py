"""Notifications: isva_told, so the worker's claim-time check honours an ISVA-first choice
that was met (the ISVA told the victim before the notification was queued)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 18:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("isva_told", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("isva_told")
