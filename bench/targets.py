"""The pages the page benchmark and the plan capture request, for a seeded database: a bench
victim's dashboard, timeline and conversation, and a 300-case ISVA's caseload (sorted and
filtered) and case page, each with a signed-in session cookie made the way sign-in makes one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bench.seed import database_url, keys_file
from portal.normalise import normalise_email

BENCH_CASE = "WP-0000000"  # case 0: its ISVA is isva0, who holds every n-th case
BENCH_ISVA = "isva0@bench.example.org"
PUBLIC_BASE_URL = "https://waypoint.bench.invalid"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    cookie: str  # "name=value" for the Cookie header
    # A reference, not a page the targets judge: the portal's own floor per request.
    reference: bool = False


def server_env(victims: int, url: str | None = None) -> dict[str, str]:
    """Production settings for the seeded database (secrets as seeded; providers never called
    by the pages measured). ``url`` names a database seeded elsewhere (``--database-url``)."""
    url = url or database_url(victims)
    keys = json.loads(keys_file(url).read_text())
    return {
        "WAYPOINT_ENV": "production",
        "DATABASE_URL": url.replace("postgresql://", "postgresql+psycopg://"),
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/15",
        "SMS_PROVIDER": "twilio",
        "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
        "TWILIO_AUTH_TOKEN": "bench-not-a-token",
        "TWILIO_FROM_NUMBER": "+447700900000",
        "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
        "EMAIL_PROVIDER": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "9",
        "MAIL_FROM": "no-reply@bench.example.org",
        "LOG_LEVEL": "WARNING",
        **keys,
    }


def make_app(victims: int, url: str | None = None) -> Any:
    from portal import create_app
    from portal.config import Settings

    return create_app(Settings.from_env(server_env(victims, url)))


def in_process(victims: int, url: str | None = None) -> tuple[list[Page], Any, Any]:
    """The pages, the app's engine and a test client that sends each page's Cookie header as
    given: for measuring pages in this process (bench.cpu, bench.plans)."""
    app = make_app(victims, url)
    from portal.extensions import db

    with app.app_context():
        targets = pages(app)
        engine = db.engine
    return targets, engine, app.test_client(use_cookies=False)


def pages(app: Any) -> list[Page]:
    """Sessions for the bench victim and ISVA (committed), and the pages to request."""
    from flask import url_for
    from sqlalchemy import select

    from portal.auth.loader import SESSION_KEY, limits
    from portal.crypto import lookup_hash
    from portal.extensions import db
    from portal.models import Case, User
    from portal.services.accounts import sessions

    with app.test_request_context(base_url="https://waypoint.bench.invalid"):
        session = db.session()
        case = session.scalars(select(Case).where(Case.reference == BENCH_CASE)).one()
        victim = session.get_one(User, case.victim_id)
        isva = session.scalars(
            select(User).where(
                User.email_lookup == lookup_hash(normalise_email(BENCH_ISVA), "email")
            )
        ).one()
        serializer = app.session_interface.get_signing_serializer(app)
        name = app.config["SESSION_COOKIE_NAME"]
        cookies = {}
        for who, user in (("victim", victim), ("isva", isva)):
            token, _ = sessions.start(session, user, limits())
            cookies[who] = f"{name}={serializer.dumps({SESSION_KEY: token})}"
        session.commit()
        v, i = cookies["victim"], cookies["isva"]
        return [
            Page("victim dashboard", url_for("victim.dashboard", case_id=case.id), v),
            Page("victim timeline", url_for("victim.timeline", case_id=case.id), v),
            Page("conversation", url_for("victim.messages", case_id=case.id), v),
            Page("caseload (urgency)", url_for("caseworker.home"), i),
            Page(
                "caseload (waiting, unread)",
                url_for("caseworker.home", sort="waiting", signal="unread"),
                i,
            ),
            Page("case page", url_for("caseworker.case_page", case_id=case.id), i),
            # The floor under every page above, measured beside them: the portal's request
            # hooks, a signed-in session check and one query, then a page with the layout.
            Page("floor: health check", url_for("public.healthz"), v, reference=True),
            Page("floor: static page", url_for("public.accessibility"), v, reference=True),
        ]
