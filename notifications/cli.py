"""``flask notifications work [--once] [--concurrency N]``: the worker process."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

notifications_cli = AppGroup("notifications", help="The notification worker.")


@notifications_cli.command("work")
@click.option("--once", is_flag=True, help="Send everything due now, then exit.")
@click.option("--concurrency", default=4, show_default=True, help="Sends in flight at once.")
def work(once: bool, concurrency: int) -> None:
    """Drain the outbox: claim due notifications, send them, record what happened."""
    from notifications.worker import Worker

    worker = Worker(current_app._get_current_object(), concurrency=concurrency)  # type: ignore[attr-defined]
    worker.install_signal_handlers()
    click.echo(f"notification worker {worker.name} started", err=True)
    sent = worker.run(once=once)
    click.echo(f"notification worker {worker.name} stopped after {sent} sends", err=True)
