"""Partner API: partners, their API keys, case reference links and accepted events

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 10:31:51.183816

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "partners",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("agency", sa.String(length=20), nullable=False),
        sa.Column("direct_publish_events", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_partners_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partners_organisation_id_organisations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partners")),
    )

    with op.batch_alter_table("partners", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partners_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "partner_api_keys",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_partner_api_keys_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_api_keys_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["users.id"], name=op.f("fk_partner_api_keys_revoked_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_api_keys")),
        sa.UniqueConstraint("prefix", name=op.f("uq_partner_api_keys_prefix")),
    )

    with op.batch_alter_table("partner_api_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_api_keys_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "partner_case_links",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("reference_lookup", sa.String(length=64), nullable=False),
        sa.Column("reference", sa.LargeBinary(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_partner_case_links_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_partner_case_links_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_case_links_partner_id_partners")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_case_links")),
        sa.UniqueConstraint(
            "partner_id",
            "reference_lookup",
            name=op.f("uq_partner_case_links_partner_id_reference_lookup"),
        ),
    )

    with op.batch_alter_table("partner_case_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_partner_case_links_case_id"), ["case_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_partner_case_links_partner_id"), ["partner_id"], unique=False
        )

    op.create_table(
        "partner_events",
        sa.Column("partner_id", sa.Uuid(), nullable=False),
        sa.Column("partner_event_id", sa.String(length=100), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("update_id", sa.Uuid(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_partner_events_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_partner_events_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["update_id"],
            ["case_updates.id"],
            name=op.f("fk_partner_events_update_id_case_updates"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_events")),
        sa.UniqueConstraint(
            "partner_id",
            "partner_event_id",
            name=op.f("uq_partner_events_partner_id_partner_event_id"),
        ),
    )

    with op.batch_alter_table("partner_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_events_case_id"), ["case_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_partner_events_partner_id"), ["partner_id"], unique=False
        )


def downgrade():
    for table in ("partner_events", "partner_case_links", "partner_api_keys", "partners"):
        op.drop_table(table)
