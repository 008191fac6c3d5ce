"""Case updates: the ISVA has told the victim about an ISVA-first update (when, how, a note)

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-07 15:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("told_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("told_how", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("told_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("told_note", sa.LargeBinary(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_updates_told_by_id_users"), "users", ["told_by_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("case_updates", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_updates_told_by_id_users"), type_="foreignkey")
        batch_op.drop_column("told_note")
        batch_op.drop_column("told_by_id")
        batch_op.drop_column("told_how")
        batch_op.drop_column("told_on")
