"""The victims' blueprint (/my-case): mobile-first pages for the person the case is about.

Views live in modules of this package, each owning one area (home, updates, messages,
preferences, my information); each module is imported at the bottom so its routes register.
"""

from flask import Blueprint

bp = Blueprint("victim", __name__, url_prefix="/my-case")

from portal.victim import (  # noqa: E402,F401
    case,
    dashboard,
    home,
    messages,
    my_information,
    preferences,
    reminders,
    updates,
)
