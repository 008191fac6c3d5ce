"""Rotating SECRET_KEY: with the old key in SECRET_KEY_FALLBACKS, people signed in stay signed
in and the unsubscribe links in emails already sent still work; without it, neither does, and
a link that no longer works changes nothing."""

from __future__ import annotations

import uuid

from flask import Flask

from notifications.models import Channel, ContactPoint
from notifications.unsubscribe import make_token
from portal.extensions import db
from tests.notifications.conftest import add_point
from tests.support.factories import make_org, make_user
from tests.support.signin import signed_in_client

OLD = "the-key-we-are-rotating-away-from-" + "o" * 16
NEW = "the-key-we-are-rotating-to-now-" + "n" * 16
ONE_CLICK = {"List-Unsubscribe": "One-Click"}


def _rotated(make_app, before: Flask, **settings: str) -> Flask:
    """The same database, served after the key changed."""
    return make_app(
        DATABASE_URL=before.config["SQLALCHEMY_DATABASE_URI"], SECRET_KEY=NEW, **settings
    )


def test_people_signed_in_stay_signed_in_when_the_old_key_is_a_fallback(make_app):
    before = make_app(SECRET_KEY=OLD)
    client, _ = signed_in_client(before)
    cookie = client.get_cookie("session")
    assert cookie is not None
    assert client.get("/my-case/").status_code == 200

    kept = _rotated(make_app, before, SECRET_KEY_FALLBACKS=f"some-older-key-{'x' * 20},{OLD}")
    browser = kept.test_client()
    browser.set_cookie("session", cookie.value)
    assert browser.get("/my-case/").status_code == 200

    dropped = _rotated(make_app, before)
    browser = dropped.test_client()
    browser.set_cookie("session", cookie.value)
    response = browser.get("/my-case/")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def _email_point(app: Flask) -> tuple[str, uuid.UUID]:
    with app.app_context():
        session = db.session()
        user = make_user(session, make_org(session))
        point = add_point(session, user, Channel.EMAIL, "rotating@example.org")
        session.commit()
        token, point_id = make_token(OLD, point), point.id
        db.session.remove()
    return token, point_id


def _enabled(app: Flask, point_id: uuid.UUID) -> bool:
    with app.app_context():
        point = db.session.get(ContactPoint, point_id)
        db.session.remove()
        assert point is not None
        return point.enabled


def test_unsubscribe_links_signed_with_the_old_key_work_while_it_is_a_fallback(make_app):
    before = make_app(SECRET_KEY=OLD)
    token, point_id = _email_point(before)

    dropped = _rotated(make_app, before)
    response = dropped.test_client().post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 404
    assert _enabled(dropped, point_id)

    kept = _rotated(make_app, before, SECRET_KEY_FALLBACKS=OLD)
    response = kept.test_client().post(f"/unsubscribe/{token}", data=ONE_CLICK)
    assert response.status_code == 200
    assert not _enabled(kept, point_id)
