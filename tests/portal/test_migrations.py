"""Models and migrations must agree on every database we support."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db


def test_models_match_migrations(app, session):
    connection = session.connection()
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    diff = compare_metadata(context, db.metadata)
    assert diff == [], f"models and migrations disagree; run `flask db migrate`: {diff}"


def test_migrations_downgrade_to_nothing_and_up_again(make_app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import inspect

    app = make_app()
    with app.app_context():
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade(revision="heads")
        assert {"users", "cases", "assignments", "organisations"} <= set(
            inspect(db.engine).get_table_names()
        )
