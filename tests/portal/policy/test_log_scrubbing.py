"""No log line holds a name, email address, phone number, passphrase or token.

Markers are planted in every personal field, the flows that exist are run with every logger
(werkzeug, SQLAlchemy, the portal's own) at DEBUG, and the captured records are searched.
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request

import pytest
from werkzeug.serving import make_server

from portal.models import Role
from portal.models.auth import InvitationPurpose
from portal.normalise import normalise_email, normalise_phone
from portal.services.accounts import invitations
from tests.support.factories import make_case, make_org, make_user

NAME = "Xanthippe Lognarker"
EMAIL = "Xanthippe.Lognarker@Example.ORG"
PHONE = "07911 123457"
PASSPHRASE = "lognarker passphrase with spaces 42"
LOGGERS = ("", "werkzeug", "sqlalchemy.engine", "sqlalchemy.pool", "portal", "notifications")


def markers(*extra: str) -> set[str]:
    return {
        "xanthippe",
        "lognarker",
        normalise_email(EMAIL),
        normalise_phone(PHONE),
        "7911123457",
        PASSPHRASE.lower(),
        *(e.lower() for e in extra),
    }


def logged_text(caplog: pytest.LogCaptureFixture) -> str:
    parts = []
    for record in caplog.records:
        parts.append(record.getMessage())
        if record.exc_text:
            parts.append(record.exc_text)
    return "\n".join(parts).lower()


@pytest.fixture
def everything_logged(caplog):
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def test_flows_write_no_personal_data_to_the_logs(
    everything_logged, app, session, client, client_request, login_as
):
    # (everything_logged comes first so the test's database connection is opened with SQL
    # logging on: SQLAlchemy decides that per connection.)
    org = make_org(session)
    victim = make_user(session, org, Role.VICTIM, name=NAME, email=EMAIL, password=PASSPHRASE)
    victim.phone = normalise_phone(PHONE)
    isva = make_user(session, org, Role.ISVA, name="Lognarker Isva")
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Xanthippe Supervisor")
    case = make_case(session, org, victim, isva)
    issued = invitations.issue(session, supervisor, victim, InvitationPurpose.RESET, case)
    session.flush()

    # Sign-in: right passphrase, wrong passphrase, unknown account; by email and by phone.
    for identifier, passphrase in [
        (EMAIL, PASSPHRASE),
        (EMAIL, PASSPHRASE + " wrong"),
        ("nobody.lognarker@example.org", PASSPHRASE),
        (PHONE, PASSPHRASE),
    ]:
        client.delete_cookie("session")
        token = client_request.csrf_token("/sign-in")
        response = client.post(
            "/sign-in",
            data={"csrf_token": token, "identifier": identifier, "password": passphrase},
        )
        assert response.status_code in (200, 302)
    client.get(f"/invitation/{issued.token}")

    login_as(victim)
    for path in (
        "/my-case/",
        f"/my-case/cases/{case.id}",
        f"/my-case/cases/{case.id}/who-has-viewed",
    ):
        client.get(path)
    login_as(supervisor)
    client_request.get("caseworker.case_page", case_id=case.id)
    client_request.get("caseworker.audit_trail")
    client_request.post(
        "caseworker.assign", {"isva": str(isva.id)}, _expected_status=200, case_id=case.id
    )
    login_as(isva)
    client_request.get("caseworker.home")

    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0

    # The loggers really were listening: SQL statements, and the portal's own lines.
    names = {r.name for r in everything_logged.records}
    assert "sqlalchemy.engine.Engine" in names, names
    assert any(n.startswith("portal.") for n in names), names
    text = logged_text(everything_logged)
    for marker in markers(issued.token, issued.code or "token-not-issued"):
        assert marker not in text, f"{marker!r} appeared in the logs"


def test_access_log_keeps_paths_but_drops_query_strings_and_tokens(make_app, everything_logged):
    """Werkzeug's access log line names the path; a query string (``next=``, anything typed)
    and a token-like path segment (an invitation link's token) are removed from it."""
    app = make_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    token = "LognarkerToken_" + "Zq9" * 10
    signed = "WyJhYmMiLCJkZWYiXQ" + "x" * 20 + ".SignatureMarker" + "Q7" * 10
    try:
        for path in (
            f"/sign-in?next=/my-case&email={normalise_email(EMAIL)}",
            f"/invitation/{token}",
            f"/unsubscribe/{signed}",
        ):
            try:
                urllib.request.urlopen(base + path, timeout=10).read()
            except urllib.error.HTTPError as exc:
                exc.read()
    finally:
        server.shutdown()
        server.server_close()
    access = [r.getMessage() for r in everything_logged.records if r.name == "werkzeug"]
    assert any("GET /sign-in?[removed]" in line for line in access), access
    assert any("GET /invitation/[token]" in line for line in access), access
    assert any(
        "POST /unsubscribe/[token]" in line or "GET /unsubscribe/[token]" in line for line in access
    ), access
    assert not any("SignatureMarker" in line for line in access), access
    text = "\n".join(access).lower()
    assert token.lower() not in text
    assert "lognarker" not in text


def test_log_lines_carry_the_request_id(app, caplog):
    caplog.set_level(logging.INFO, logger="portal")
    with app.test_request_context("/healthz"):
        app.preprocess_request()
        from flask import g

        logging.getLogger("portal.test").info("something happened to case %s", "an-id")
        request_id = g.request_id
    logging.getLogger("portal.test").info("outside a request")
    inside, outside = caplog.records[-2:]
    assert inside.request_id == request_id
    assert len(request_id) == 32
    assert outside.request_id == "-"
