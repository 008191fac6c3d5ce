"""Information pages: public (they hold no case data), so a victim can read them signed out,
and anyone supporting them can too."""

from __future__ import annotations

from flask import abort, render_template

from portal.access import public
from portal.glossary import GLOSSARY
from portal.info import bp
from portal.info.pages import PAGES
from portal.info.pages import page as find_page


@bp.get("/")
@public
def index() -> str:
    return render_template("info/index.html", pages=PAGES)


@bp.get("/glossary")
@public
def glossary() -> str:
    return render_template("info/glossary.html", page=find_page("glossary"), terms=GLOSSARY)


@bp.get("/<slug>")
@public
def page(slug: str) -> str:
    found = find_page(slug)
    if found is None or found.slug == "glossary":
        abort(404)
    return render_template(found.template, page=found, pages=PAGES)
