"""gunicorn's settings for the portal: ``gunicorn --config python:portal.gunicorn_config
portal.wsgi:app``.

Workers follow the cores the process may use, the app is loaded once in the master so a bad
setting stops the server before it listens, and the access log is scrubbed exactly like the
development server's (no query strings, no tokens in paths, no referrers or request headers).
Forwarded headers are left to the app's ``PROXY_HOPS`` / ``TRUSTED_PROXIES`` (portal/proxy.py):
gunicorn's own ``forwarded_allow_ips`` would be a second, differently configured, place.
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger

from portal.logs import scrub_request_line

# The environment variables this file reads (the deploy artefacts' static test checks them).
ENVIRONMENT = ("WEB_BIND", "WEB_CONCURRENCY", "WEB_THREADS", "WEB_TIMEOUT")


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _number(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, not {raw!r}.") from None
    if value < 1:
        raise SystemExit(f"{name} must be at least 1, not {value}.")
    return value


bind = os.environ.get("WEB_BIND", "").strip() or "127.0.0.1:8000"
# gunicorn's advice for synchronous workers: two per core plus one.
workers = _number("WEB_CONCURRENCY", 2 * _cores() + 1)
threads = _number("WEB_THREADS", 1)
worker_class = "gthread" if threads > 1 else "sync"
timeout = _number("WEB_TIMEOUT", 30)
graceful_timeout = timeout
keepalive = 5  # behind a reverse proxy that reuses its connections
preload_app = True
# Recycle workers now and then, staggered, so slow growth in one never becomes an outage.
max_requests = 2000
max_requests_jitter = 200
if os.path.isdir("/dev/shm"):  # noqa: S108 (the heartbeat file: in memory, not on a container's disk)
    worker_tmp_dir = "/dev/shm"  # noqa: S108
# No control socket (gunicorn 24+): nothing here uses it, and it would write to $HOME.
control_socket_disable = True
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
accesslog = "-"
errorlog = "-"
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms request_id=%({x-request-id}o)s'


class ScrubbedLogger(Logger):
    """gunicorn's logger with the access line's atoms cleaned before formatting."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = scrub_request_line(atoms["r"])
        atoms["U"] = scrub_request_line(atoms["U"] or "")
        atoms["q"] = ""
        atoms["f"] = "-"  # a referrer is a full address, query string and all
        for key in [k for k in atoms if k.startswith("{") and k.endswith("}i")]:
            del atoms[key]  # request headers: cookies, tokens
        return atoms


logger_class = ScrubbedLogger


def post_fork(server: Any, worker: Any) -> None:
    """Each worker opens its own database connections: none made in the master may be shared
    across the fork (SQLAlchemy's advice for pre-fork servers)."""
    from portal.extensions import db
    from portal.wsgi import app

    with app.app_context():
        db.engine.dispose(close=False)
