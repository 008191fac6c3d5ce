"""The bare page the portal's pages are compared with: a Flask view that renders a Jinja
template (compiled once, autoescaped, like the portal's) to ``size`` bytes of HTML, with no
database, session or portal hooks. Served by the same gunicorn settings as the portal
(``gunicorn --config python:portal.gunicorn_config bench.bare:app``)."""

from __future__ import annotations

from flask import Flask, render_template
from jinja2 import DictLoader

PARAGRAPH = "Paragraph {n} of the bare page: plain words, escaped like any other & value."
TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Bare page</title></head>
<body><main>{% for n in range(count) %}<p class="govuk-body">{{ text.format(n=n) }}</p>
{% endfor %}</main></body></html>
"""
PER_PARAGRAPH = len('<p class="govuk-body"></p>\n') + len(
    PARAGRAPH.format(n=100).replace("&", "&amp;")
)

app = Flask(__name__)
app.jinja_loader = DictLoader({"bare.html": TEMPLATE})


@app.get("/bare/<int:size>")
def bare(size: int) -> str:
    count = max(0, size - len(TEMPLATE)) // PER_PARAGRAPH
    return render_template("bare.html", count=count, text=PARAGRAPH)
