"""The caseload: the ISVA's home page (and a supervisor's, with "my cases / whole team").

One GET form drives everything (search, a filter per signal, sort, page), so the page works
without JavaScript and every view of it can be bookmarked. Unknown values fall back to the
defaults: bad input never breaks the page.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template, request, url_for
from flask_login import current_user

from portal.extensions import db
from portal.models import Role, User
from portal.services import audit
from portal.services.caseload.listing import PER_PAGE, UNASSIGNED, Scope, Signal, Sort, caseload


def _choice(enum_type: Any, value: str | None, default: Any) -> Any:
    try:
        return enum_type(value)
    except ValueError:
        return default


def parse_args(user: User) -> dict[str, Any]:
    """The caseload's query string as typed values (anything unknown is ignored)."""
    is_supervisor = Role(user.role) is Role.SUPERVISOR
    default_scope = Scope.TEAM if is_supervisor else Scope.MINE
    scope = _choice(Scope, request.args.get("scope"), default_scope)
    if not is_supervisor:
        scope = Scope.MINE
    signals = []
    for value in request.args.getlist("signal")[: len(Signal)]:
        if value in Signal.__members__.values():
            signals.append(Signal(value))
    page = request.args.get("page", 1, type=int) or 1
    isva: uuid.UUID | str | None = None
    raw_isva = request.args.get("isva") or ""
    if is_supervisor and raw_isva == UNASSIGNED:
        isva = UNASSIGNED
    elif is_supervisor and raw_isva:
        try:
            isva = uuid.UUID(raw_isva)
        except ValueError:
            isva = None
    return {
        "isva": isva,
        "scope": scope,
        "sort": _choice(Sort, request.args.get("sort"), Sort.URGENCY),
        "signals": signals,
        "q": (request.args.get("q") or "").strip()[:100],
        "page": max(1, min(page, 100_000)),
        "closed": request.args.get("status") == "closed",
    }


def caseload_page() -> str:
    user: User = current_user._get_current_object()
    args = parse_args(user)
    result = caseload(db.session(), user, per_page=PER_PAGE, **args)
    # The list names victims and can be searched by name, so a look at it is a read of case
    # data: audited, without the search words (they may be a victim's name).
    audit.record(
        db.session(),
        actor=user,
        action="caseload.search" if args["q"] else "caseload.view",
        object_type="caseload",
        object_id=args["scope"].value,
    )
    people: dict[Any, User] = {}
    if args["scope"] is Scope.TEAM:
        people = audit.users_by_id(db.session(), {r.isva_id for r in result.rows if r.isva_id})

    def link(**changes: Any) -> str:
        values: dict[str, Any] = {
            "scope": args["scope"].value,
            "sort": args["sort"].value,
            "signal": [s.value for s in args["signals"]],
            "q": args["q"] or None,
            "page": None,
            "isva": str(args["isva"]) if args["isva"] else None,
            "status": "closed" if args["closed"] else None,
        }
        values.update(changes)
        return url_for("caseworker.home", **{k: v for k, v in values.items() if v})

    return render_template(
        "caseworker/caseload/index.html",
        result=result,
        args=args,
        people=people,
        link=link,
        Signal=Signal,
        Sort=Sort,
        Scope=Scope,
        is_supervisor=Role(user.role) is Role.SUPERVISOR,
    )
