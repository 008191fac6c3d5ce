"""Alembic environment for Waypoint (run through Flask-Migrate: ``flask --app portal db ...``).

Custom column types are rendered as their plain SQL types so migrations never import app code,
SQLite gets batch mode for ALTERs, and type changes are compared so models == migrations holds.
"""

import logging

from alembic import context
from flask import current_app

from portal.crypto import EncryptedText
from portal.db import UTCDateTime

config = context.config
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_metadata():
    return current_app.extensions["migrate"].db.metadata


def render_item(type_, obj, autogen_context):
    """Render our TypeDecorators as the SQL types they store."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, EncryptedText):
        return "sa.LargeBinary()"
    return False


def process_revision_directives(context_, revision, directives):
    if getattr(config.cmd_opts, "autogenerate", False):
        script = directives[0]
        if script.upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")


def configure_args(connection):
    args = dict(current_app.extensions["migrate"].configure_args)
    args.setdefault("process_revision_directives", process_revision_directives)
    return {
        "connection": connection,
        "target_metadata": get_metadata(),
        "render_item": render_item,
        "render_as_batch": connection.dialect.name == "sqlite",
        "compare_type": True,
        **args,
    }


def run_migrations_offline():
    context.configure(
        url=get_engine().url.render_as_string(hide_password=False),
        target_metadata=get_metadata(),
        literal_binds=True,
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(**configure_args(connection))
        with context.begin_transaction():
            context.run_migrations()
        return
    with get_engine().connect() as connection:
        context.configure(**configure_args(connection))
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
