"""Messages: a partial index of the victim's messages nobody has opened yet

The caseload's "unread" signal counts them per case for every case in scope. From the
covering index of 0016 that meant reading every one of the victim's messages of each case
(~20 a case) to keep the few unread; this index holds only the unread ones, so a 300-case
caseload costs 300 probes of a nearly empty index.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 21:45:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

UNREAD = "direction = 'to_service' AND read_by_service_at IS NULL"


def upgrade():
    op.create_index(
        "ix_messages_unread_case",
        "messages",
        ["case_id"],
        postgresql_where=sa.text(UNREAD),
        sqlite_where=sa.text(UNREAD),
    )


def downgrade():
    op.drop_index("ix_messages_unread_case", table_name="messages")
