"""``flask notifications work`` (the worker process) and ``flask notifications status``."""

from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="The notification worker.")


@notifications_cli.command("work")
@click.option("--once", is_flag=True, help="Send everything due now, then exit.")
@click.option("--concurrency", default=4, show_default=True, help="Sends in flight at once.")
@click.option(
    "--liveness-file",
    type=click.Path(dir_okay=False),
    default=None,
    help="Touched while the worker loops; `python -m portal.liveness FILE` checks it.",
)
def work(once: bool, concurrency: int, liveness_file: str | None) -> None:
    """Drain the outbox: claim due notifications, send them, record what happened."""
    from notifications.worker import Worker
    from portal.liveness import Heartbeat

    worker = Worker(
        current_app._get_current_object(),  # type: ignore[attr-defined]
        concurrency=concurrency,
        heartbeat=Heartbeat(liveness_file),
    )
    worker.install_signal_handlers()
    click.echo(f"notification worker {worker.name} started", err=True)
    sent = worker.run(once=once)
    click.echo(f"notification worker {worker.name} stopped after {sent} sends", err=True)


@notifications_cli.command("status")
@click.option("--json", "as_json", is_flag=True, help="One JSON object, for monitoring.")
def status(as_json: bool) -> None:
    """The outbox now: what waits, what is in doubt, what failed in the last hour."""
    from notifications.status import queue_status
    from portal.clock import utcnow
    from portal.extensions import db

    figures = queue_status(db.session(), utcnow())
    db.session.rollback()
    if as_json:
        click.echo(json.dumps(figures.as_dict()))
        return
    oldest = figures.oldest_due_seconds
    rows = [
        ("Waiting to be sent", str(figures.queue_depth)),
        ("  of which due now", str(figures.due_now)),
        ("Oldest due send waiting", "-" if oldest is None else f"{oldest:.0f} s"),
        ("Being sent", str(figures.sending)),
        ("In doubt (to reconcile)", str(figures.in_doubt)),
        ("Failed in the last hour", str(figures.failed_last_hour)),
    ]
    for label, value in rows:
        click.echo(f"{label:<26}{value:>10}")
