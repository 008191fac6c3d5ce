"""Information pages and the glossary: public, plain English, and free of any case data."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("info", __name__, url_prefix="/information")

from portal.info import views  # noqa: E402,F401
