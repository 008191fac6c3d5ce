"""An email's unsubscribe link in a real browser, signed out, at 320 and 1280 px with axe:
opening it changes nothing; the "Stop emails" button turns emails off and says how to turn
them back on; a link that does not work says nothing has changed."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from notifications.models import Channel, ContactPoint
from notifications.render import denied_words
from notifications.unsubscribe import make_token
from portal.extensions import db
from portal.models import Role
from tests.e2e.browser import check
from tests.e2e.conftest import WIDTHS
from tests.notifications.conftest import add_point
from tests.support.factories import make_org, make_user


@pytest.fixture(scope="module")
def links(live_server) -> dict[int, tuple[str, str]]:
    """For each width, a victim's email contact point and its unsubscribe path."""
    with live_server.app.app_context():
        session = db.session()
        org = make_org(session)
        found = {}
        for width in WIDTHS:
            victim = make_user(session, org, Role.VICTIM, name="Ruth")
            point = add_point(session, victim, Channel.EMAIL, f"ruth.stop{width}@example.org")
            token = make_token(live_server.app.config["SECRET_KEY"], point)
            found[width] = (str(point.id), f"/unsubscribe/{token}")
        session.commit()
        db.session.remove()
    return found


def _enabled(live_server, point_id: str) -> bool:
    with live_server.app.app_context():
        point = db.session.get(ContactPoint, uuid.UUID(point_id))
        assert point is not None
        enabled = point.enabled
        db.session.remove()
    return enabled


@pytest.mark.parametrize("width", WIDTHS)
def test_the_unsubscribe_link_asks_then_stops_emails(live_server, new_page, links, width):
    point_id, path = links[width]
    page, log = new_page(width=width)
    page.goto(live_server.path(path))
    expect(page.locator("h1")).to_have_text("Stop emails")
    check(page, width)
    assert not denied_words(page.locator("main").inner_text())
    assert _enabled(live_server, point_id), "opening the link must change nothing"

    page.get_by_role("button", name="Stop emails").click()
    expect(page.locator("h1")).to_have_text("Emails are off")
    check(page, width)
    text = page.locator("main").inner_text()
    assert "turn emails back on from ‘How we contact you’ after you sign in" in text
    assert not denied_words(text)
    assert not _enabled(live_server, point_id)

    page.goto(live_server.path("/unsubscribe/not-a-real-link"))
    expect(page.locator("h1")).to_have_text("This link does not work")
    check(page, width)
    assert log.hosts == {live_server.url.removeprefix("http://")}
