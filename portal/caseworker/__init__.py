"""The caseworker blueprint (/caseworker): ISVAs, supervisors and admins on desktops.

Views live in modules of this package, one area each (caseload, case page, accounts, ...),
imported at the bottom so their routes register.
"""

from flask import Blueprint

bp = Blueprint("caseworker", __name__, url_prefix="/caseworker")

from portal.caseworker import (  # noqa: E402,F401
    accounts,
    audit,
    case_sections,
    cases,
    checkins,
    compliance,
    home,
    messages,
    messaging_settings,
    notification_settings,
    organisation,
    partners,
    staff,
    subject_access,
    team,
    updates,
)
