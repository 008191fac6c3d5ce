"""Indexes for national scale: the caseload's signals and an ISVA's cases read from indexes

Found with bench/plans.py at 30,000 victims (1.2M messages): each caseload signal read every
message, update and notification row of the ISVA's 300 cases from the heap. Covering indexes
(INCLUDE, PostgreSQL only) let those grouped queries run from the index; the partial ones hold
only the few rows a signal looks for.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

OPEN_PREDICATE = "status = 'open'"
FAILED_PREDICATE = "status = 'failed_permanent'"


def upgrade():
    op.create_index(
        "ix_cases_organisation_status",
        "cases",
        ["organisation_id", "status"],
        postgresql_include=["id", "reference", "opened_at", "victim_id"],
    )
    op.create_index(
        "ix_messages_case_direction_seq",
        "messages",
        ["case_id", "direction", "seq"],
        postgresql_include=["created_at", "read_by_service_at"],
    )
    op.create_index(
        "ix_case_updates_case_status",
        "case_updates",
        ["case_id", "status"],
        postgresql_include=[
            "published_at",
            "due_on",
            "event_key",
            "event_date",
            "window_closes_on",
        ],
    )
    op.create_index(
        "ix_assignments_isva_case",
        "assignments",
        ["isva_id", "case_id"],
        postgresql_include=["starts_at", "ends_at"],
    )
    op.create_index(
        "ix_callback_requests_open_case",
        "callback_requests",
        ["case_id"],
        postgresql_where=sa.text(OPEN_PREDICATE),
        sqlite_where=sa.text(OPEN_PREDICATE),
    )
    op.create_index(
        "ix_notifications_failed_case",
        "notifications",
        ["case_id"],
        postgresql_where=sa.text(FAILED_PREDICATE),
        sqlite_where=sa.text(FAILED_PREDICATE),
    )


def downgrade():
    op.drop_index("ix_notifications_failed_case", table_name="notifications")
    op.drop_index("ix_callback_requests_open_case", table_name="callback_requests")
    op.drop_index("ix_assignments_isva_case", table_name="assignments")
    op.drop_index("ix_case_updates_case_status", table_name="case_updates")
    op.drop_index("ix_messages_case_direction_seq", table_name="messages")
    op.drop_index("ix_cases_organisation_status", table_name="cases")
