"""The victims' blueprint (/my-case): mobile-first pages for the person the case is about.

Views live in modules of this package, each owning one area (home, updates, messages,
preferences, my information); each module is imported at the bottom so its routes register.
"""

from flask import Blueprint

bp = Blueprint("victim", __name__, url_prefix="/my-case")

from portal.victim import home  # noqa: E402,F401
from portal.victim import case  # noqa: E402,F401
from portal.victim import messages  # noqa: E402,F401
from portal.victim import dashboard, updates  # noqa: E402,F401
from portal.victim import preferences  # noqa: E402,F401
