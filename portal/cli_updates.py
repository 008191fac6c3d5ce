"""``flask updates publish-due [--every N]``: publish scheduled updates whose time has come.

Safe to run every minute from cron, or as a long-running process with ``--every 60`` (``make
run`` starts one). Each run is one transaction; on PostgreSQL rows are locked and skipped, so two
runners never publish the same update twice, and notifications are deduplicated by source key.
"""

from __future__ import annotations

import logging
import time

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

updates_cli = AppGroup("updates", help="Case updates.")
log = logging.getLogger(__name__)


def run_once() -> int:
    """One pass in one transaction (BEGIN IMMEDIATE on SQLite: the write lock up front)."""
    from sqlalchemy.orm import Session

    from portal.services.update_schedule import publish_due

    engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
    # A request context so translated messages (a refused schedule's reason) have a locale.
    with (
        current_app.test_request_context(),
        Session(bind=engine) as session,
        session.begin(),
    ):
        return publish_due(session)


@updates_cli.command("publish-due")
@click.option("--every", type=float, default=None, help="Keep running, checking every N seconds.")
@click.option(
    "--liveness-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Touched after each pass; `python -m portal.liveness FILE` checks it.",
)
def publish_due_command(every: float | None, liveness_file: str | None) -> None:
    """Publish every scheduled update that is due now."""
    from portal.liveness import Heartbeat

    heartbeat = Heartbeat(liveness_file)
    try:
        while True:
            published = run_once()
            heartbeat()
            log.info("published %d scheduled updates", published)
            if every is None:
                click.echo(f"published {published} scheduled updates", err=True)
                return
            time.sleep(every)
    finally:
        heartbeat.stopped()
