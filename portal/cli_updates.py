"""``flask updates publish-due [--every N]``: publish scheduled updates whose time has come,
send the reminders victims asked for, and the automatic "no change yet" check-ins.

Safe to run every minute from cron, or as a long-running process with ``--every 60`` (``make
run`` starts one). Each of the three jobs is one transaction; on PostgreSQL scheduled rows are
locked and skipped, reminders and check-ins are claimed by a unique key, so two runners never
send the same thing twice, and notifications are deduplicated by source key.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy.orm import Session

from portal.extensions import db

updates_cli = AppGroup("updates", help="Case updates.")
log = logging.getLogger(__name__)


def _in_transaction(job: Callable[[Session], int]) -> int:
    """One job in one transaction (BEGIN IMMEDIATE on SQLite: the write lock up front)."""
    engine = db.engine.execution_options(sqlite_begin="IMMEDIATE")
    # A request context so translated messages (a refused schedule's reason, a check-in's
    # starter text) have a locale.
    with (
        current_app.test_request_context(),
        Session(bind=engine) as session,
        session.begin(),
    ):
        return job(session)


def run_once() -> int:
    """One pass: publish what is due, then reminders and check-ins, each in its own transaction
    (one failing does not hold back the others). Returns how many updates were published."""
    from portal.services.updates import checkins, reminders
    from portal.services.updates.schedule import publish_due

    published = _in_transaction(publish_due)
    for name, job in (("reminders", reminders.sweep), ("check-ins", checkins.sweep)):
        try:
            log.info("sent %d %s", _in_transaction(job), name)
        except Exception:
            log.exception("the %s sweep failed; it runs again next time", name)
    return published


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
