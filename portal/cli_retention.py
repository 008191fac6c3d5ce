"""``flask retention run [--dry-run]``: destroy the content of cases past their retention period
(and of closed cases whose erasure a supervisor approved).

Safe to schedule (daily from cron): one transaction, idempotent (a destroyed case is never
picked again), and on SQLite it takes the write lock up front. Output names ids and counts only.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

retention_cli = AppGroup("retention", help="Data retention.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be destroyed; change nothing.")
def run_command(dry_run: bool) -> None:
    """Destroy case content and contact details past the retention period."""
    from sqlalchemy.orm import Session

    from portal.services.rights import retention

    engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
    with current_app.test_request_context(), Session(bind=engine) as session:
        outcome = retention.run(session, dry_run=dry_run)
        lines = list(retention.describe(outcome))
        if dry_run:
            session.rollback()
        else:
            session.commit()
    for line in lines:
        click.echo(line)
