"""Welsh: the victim's stored language, and an update's Welsh text (encrypted)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_cy", sa.LargeBinary(), nullable=True))
    with op.batch_alter_table("case_update_versions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body_cy", sa.LargeBinary(), nullable=True))


def downgrade():
    with op.batch_alter_table("case_update_versions", schema=None) as batch_op:
        batch_op.drop_column("body_cy")
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.drop_column("body_cy")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("language")
