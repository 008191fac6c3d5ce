"""/dev/outbox: what the console provider "sent", for local development only. The blueprint is
registered only in development (``make run``) or debug, never in test or production; it still
declares an access rule (anyone signed in)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, render_template

from notifications.providers.console import read_outbox
from portal.access import role_required
from portal.models import Role

bp = Blueprint("dev_outbox", __name__, url_prefix="/dev")


@bp.get("/outbox")
@role_required(Role.ISVA, Role.SUPERVISOR, Role.ADMIN, Role.VICTIM)
def outbox() -> str:
    settings = current_app.config["WAYPOINT_SETTINGS"]
    if settings.is_production:  # belt and braces: debug is never on in production
        from flask import abort

        abort(404)
    messages = read_outbox(Path(settings.INSTANCE_PATH) / "dev-outbox.jsonl")
    return render_template("dev/outbox.html", messages=messages)
