"""The WSGI entry point for a production server: ``gunicorn portal.wsgi:app``.

Built from the environment at import, so a bad setting stops the server before it takes a
request (the master imports this once with ``preload_app``; see portal/gunicorn_config.py).
"""

from __future__ import annotations

from portal import create_app

app = create_app()
