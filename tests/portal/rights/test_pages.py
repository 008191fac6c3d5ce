"""'My information' and its downloads, in the test client: what a victim sees, what the files
hold, and who may reach them."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup

from portal.models import AuditOutcome
from portal.models.message import Message, MessageDirection
from portal.services import audit
from tests.portal.rights.conftest import World


def test_the_page_says_what_is_held_and_who_has_looked(world: World, login_as, client_request):
    login_as(world.a.victim)
    page = client_request.get("victim.my_information")
    text = " ".join(page.get_text().split())
    assert "3 messages, including any you removed from your view." in text
    assert "2 updates we have sent you." in text
    assert "1 way to contact you" in text
    viewings = [" ".join(li.get_text().split()) for li in page.select("[data-testid=viewings] li")]
    assert any(v.startswith("Sam, ISVA,") for v in viewings), viewings
    assert any(v.startswith("Pat, Supervisor,") for v in viewings), viewings
    assert "keep it for 12 more months" in text
    assert "BBB" not in text
    hrefs = {a["href"] for a in page.find_all("a", href=True)}
    assert "/my-case/my-information/download.html" in hrefs
    assert "/my-case/my-information/download.json" in hrefs
    assert "/my-case/my-information/erasure" in hrefs


def test_the_footer_and_dashboard_link_to_it(world: World, login_as, client_request):
    login_as(world.a.victim)
    page = client_request.get("victim.home")
    links = [a["href"] for a in page.find_all("a", href=True)]
    assert links.count("/my-case/my-information") == 2  # the dashboard and the footer


def test_the_html_download_is_a_self_contained_escaped_copy(
    world: World, session, login_as, client_request
):
    session.add(
        Message(
            case_id=world.a.case.id,
            seq=50,
            author_id=world.a.victim.id,
            author_role="victim",
            direction=MessageDirection.TO_SERVICE,
            body='<script>alert("AAA")</script><img src="https://example.com/x.png">',
            idempotency_key="AAA-script",
        )
    )
    session.flush()
    login_as(world.a.victim)
    response = client_request.get_response("victim.my_information_download", kind="html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="my-information-'
    )
    assert "no-store" in response.headers["Cache-Control"]
    html = response.get_data(as_text=True)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#34;AAA&#34;)&lt;/script&gt;" in html
    page = BeautifulSoup(html, "html.parser")
    assert not page.find_all(["script", "img", "link", "iframe"])
    assert not [a for a in page.find_all("a") if a.get("href")]
    text = page.get_text()
    for marker in world.a.shown:
        assert marker in text, marker
    for marker in world.a.staff_only + world.a.never + world.b.shown + world.b.staff_only:
        assert marker not in text, marker
    assert "You removed this from your view" in text


def test_the_json_download_has_the_documented_schema(world: World, login_as, client_request):
    login_as(world.a.victim)
    response = client_request.get_response("victim.my_information_download", kind="json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert response.headers["Content-Disposition"].endswith('.json"')
    document = json.loads(response.get_data(as_text=True))
    assert document["schema_version"] == 1
    assert document["produced_for"] == "self_service"
    assert set(document) == {
        "schema_version",
        "generated_at",
        "produced_for",
        "not_included",
        "account",
        "contact_points",
        "notification_choices",
        "consent_log",
        "notifications",
        "cases",
    }
    (case,) = document["cases"]
    assert case["reference"] == "REF-AAA"
    assert "notes_to_file" not in case
    assert [m["body"] for m in case["messages"] if m["removed_from_your_view_at"]] == [
        "AAA-msg-hidden"
    ]
    assert [u["status"] for u in case["updates"]] == ["withdrawn", "published"]
    assert document["account"]["email"] == "aaamail@example.org"
    # The refused look by another victim is on A's trail, without saying who it was.
    refused = [e for e in case["audit_trail"] if e["outcome"] == "denied"]
    assert refused == [
        {
            "at": refused[0]["at"],
            "role": None,
            "first_name": None,
            "is_you": False,
            "action": "case.view_case",
            "action_label": "Looked at the case",
            "outcome": "denied",
        }
    ]
    (notification,) = document["notifications"]
    assert set(notification) == {
        "created_at",
        "channel",
        "kind",
        "category",
        "status",
        "sent_at",
        "delivered_at",
    }


@pytest.mark.parametrize("who", ["isva", "supervisor", "admin"])
def test_staff_cannot_open_a_victims_information_pages(world: World, login_as, client_request, who):
    login_as(getattr(world, who))
    client_request.get("victim.my_information", _expected_status=404)
    client_request.get("victim.my_information_download", _expected_status=404, kind="json")


def test_signed_out_visitors_are_sent_to_sign_in(world: World, client_request):
    client_request.get("victim.my_information_download", _expected_status=302, kind="html")
    assert "/sign-in" in client_request.response.headers["Location"]


def test_each_victim_downloads_only_their_own(world: World, session, login_as, client_request):
    audit.record(
        session,
        actor=world.isva,
        action="case.view_messages",
        outcome=AuditOutcome.ALLOWED,
        case=world.b.case,
    )
    session.flush()
    login_as(world.b.victim)
    text = client_request.get_response("victim.my_information_download", kind="json").get_data(
        as_text=True
    )
    for marker in world.b.shown:
        assert marker in text, marker
    for marker in world.a.shown + world.a.staff_only + world.a.never:
        assert marker not in text, marker
