"""The victim's dashboard for one case: where the case is, the next known date, everything new
(``whats_new``), open rights windows, a way to message their ISVA, and crisis routes. It never
names the offence (TRAUMA_INFORMED.md rule 14), and shows nothing of a sensitive update the
victim has not chosen to read (``disclosure``): stages, dates and windows come from the queries
that apply that rule, titles from ``disclosure.title``."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, url_for
from werkzeug.routing import BuildError

from portal.extensions import db
from portal.models import Case
from portal.policy import case_route
from portal.rules import Action, Audience
from portal.services.updates import queries as update_queries
from portal.services.updates import whats_new
from portal.victim import bp
from portal.victim.update_view import update_view


def link_if_built(endpoint: str, **values: Any) -> str | None:
    """The URL of a page another part of the portal provides, or None if it does not exist
    (so this page never fails because a neighbouring feature is missing)."""
    if endpoint not in current_app.view_functions:
        return None
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


@bp.get("/cases/<uuid:case_id>/dashboard")
@case_route(Action.VIEW_CASE_CONTENT, Audience.VICTIM)
def dashboard(case: Case) -> str:
    return render_dashboard(case)


def render_dashboard(case: Case) -> str:
    """The dashboard page; the caller has checked the victim may see this case's content."""
    session = db.session()
    published = update_queries.published(session, case)
    next_date = update_queries.next_known_date(published)
    return render_template(
        "victim/dashboard.html",
        case=case,
        stages=update_queries.stage_progress(published),
        next_date=next_date,
        next_date_view=update_view(next_date) if next_date else None,
        new=whats_new.for_case(session, case, published),
        windows=update_queries.open_windows(published),
        messages_url=link_if_built("victim.messages", case_id=case.id)
        or f"/my-case/cases/{case.id}/messages",
        preferences_url=link_if_built("victim.notification_choices")
        or link_if_built("victim.preferences"),
    )
