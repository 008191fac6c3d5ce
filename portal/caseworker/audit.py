"""A supervisor's view of their organisation's audit trail, newest first."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from portal.access import role_required
from portal.caseworker import bp
from portal.extensions import db
from portal.logs import current_request_id
from portal.models import AuditOutcome, Case, Role
from portal.rules import Action, can
from portal.services import audit

PER_PAGE = 50


@bp.get("/audit")
@role_required(Role.SUPERVISOR)
def audit_trail() -> str:
    user = current_user._get_current_object()
    if not can(user, Action.VIEW_AUDIT, user.organisation):
        abort(404)
    page_number = max(1, min(request.args.get("page", 1, type=int) or 1, 100_000))
    page = db.paginate(
        audit.organisation_trail(user.organisation_id),
        page=page_number,
        per_page=PER_PAGE,
        error_out=False,
        count=True,
    )
    events = list(page.items)
    case_ids = {e.case_id for e in events if e.case_id is not None}
    # Only this organisation's cases are named; another service's case stays an id.
    references = {
        case_id: reference
        for case_id, reference in db.session.execute(
            select(Case.id, Case.reference).where(
                Case.id.in_(case_ids), Case.organisation_id == user.organisation_id
            )
        )
    }
    page_html = render_template(
        "caseworker/audit.html",
        page=page,
        events=events,
        people=audit.actors(db.session(), events),
        references=references,
        **audit.labels(),
    )
    # Watching the watchers: looking at the trail is itself on the trail. (The request commits
    # it after rendering: a commit expires the rows, and reloading each would cost a query per
    # row.)
    audit.record(
        db.session(),
        actor=user,
        action="audit.view_organisation",
        outcome=AuditOutcome.ALLOWED,
        object_type="organisation",
        object_id=user.organisation_id,
        request_id=current_request_id(),
    )
    return page_html
