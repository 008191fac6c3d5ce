"""A signed-in test client for an app whose database the test does not hold open (apps from
``make_app``, a SQLite file): the user and the server-side session are committed."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from portal.auth.loader import SESSION_KEY
from portal.extensions import db
from portal.models import Role
from portal.services.accounts import sessions
from tests.support.factories import make_org, make_user


def signed_in_client(app: Flask, org_name: str = "Before") -> tuple[FlaskClient, str]:
    """A victim signed in (a live server-side session, its token in the cookie); returns the
    client and the session record's id."""
    with app.app_context(), app.test_request_context():
        session = db.session()
        org = make_org(session, name=org_name)
        user = make_user(session, org, Role.VICTIM)
        limits = sessions.SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"])
        token, record = sessions.start(session, user, limits)
        session.commit()
        record_id = record.id
        db.session.remove()
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    return client, record_id
