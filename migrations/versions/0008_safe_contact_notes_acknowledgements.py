"""Safe-contact notes per case, and failed notifications acknowledged by staff (issue 7)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28 10:50:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "safe_contact_notes",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("safe_times", sa.LargeBinary(), nullable=True),
        sa.Column("voicemail_safe", sa.String(length=10), nullable=False),
        sa.Column("notes", sa.LargeBinary(), nullable=True),
        sa.Column("updated_by_id", sa.Uuid(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_safe_contact_notes_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_safe_contact_notes_updated_by_id_users"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_safe_contact_notes")),
    )
    op.create_table(
        "notification_acknowledgements",
        sa.Column("notification_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Uuid(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["users.id"],
            name=op.f("fk_notification_acknowledgements_acknowledged_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_notification_acknowledgements_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["notification_id"],
            ["notifications.id"],
            name=op.f("fk_notification_acknowledgements_notification_id_notifications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_acknowledgements")),
        sa.UniqueConstraint(
            "notification_id", name=op.f("uq_notification_acknowledgements_notification_id")
        ),
    )
    with op.batch_alter_table("notification_acknowledgements", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_notification_acknowledgements_case_id"), ["case_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("notification_acknowledgements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_notification_acknowledgements_case_id"))
    op.drop_table("notification_acknowledgements")
    op.drop_table("safe_contact_notes")
