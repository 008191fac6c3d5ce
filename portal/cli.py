"""Flask CLI commands: ``flask --app portal demo seed``."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.extensions import db

demo_cli = AppGroup("demo", help="Demo data for a local portal.")


@demo_cli.command("seed")
def demo_seed() -> None:
    """Create demo data (idempotent) and print the demo sign-ins."""
    from portal import demo

    if current_app.config["WAYPOINT_SETTINGS"].is_production:
        raise click.ClickException("Refusing to seed demo data in production.")
    people = demo.seed(db.session())
    db.session.commit()
    click.echo("Demo sign-ins (local demo only):")
    for person in people:
        click.echo(f"  {person.role.value:<10} {person.email:<42} {person.passphrase}")
