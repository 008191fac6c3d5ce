"""The skeleton: pages render with the layout, errors say what to do next, health tells truth."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import text

from portal.db import engine_options


def test_sign_in_page_has_the_layout_every_page_needs(client_request):
    page = client_request.get("auth.sign_in")
    assert page.title.text.strip() == "Sign in – Waypoint"
    assert page.select_one("a.govuk-skip-link")["href"] == "#main-content"
    exit_link = page.select_one(".govuk-exit-this-page a.govuk-exit-this-page__button")
    assert exit_link["href"] == "/exit"
    assert "Exit this page" in exit_link.text
    crisis = page.select_one(".wp-crisis").text
    assert "999" in crisis
    assert "0808 500 2222" in crisis
    assert page.select_one("link[rel=stylesheet]")["href"] == "/static/govuk/govuk-frontend.min.css"
    assert page.find("input", attrs={"name": "csrf_token"}) is not None
    assert page.select_one("html")["lang"] == "en"


def test_no_inline_script_or_style_anywhere_in_the_layout(client_request):
    page = client_request.get("auth.sign_in")
    for script in page.find_all("script"):
        assert script.get("src"), "inline scripts are blocked by our CSP"
        assert script.text.strip() == ""
    assert page.find("style") is None
    assert not page.select("[style]")


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/no-such-page", 404, "Page not found"),
        ("/healthz/", 404, "Page not found"),
    ],
)
def test_unknown_pages_say_what_to_do_next(client_request, path, status, heading):
    page = client_request.get(path, _expected_status=status)
    assert page.h1.text.strip() == heading
    assert page.select_one(".govuk-exit-this-page")
    assert "Traceback" not in str(page)


def test_wrong_method_is_a_plain_error_page(client, client_request):
    response = client.delete("/sign-in")
    assert response.status_code == 405
    assert "Sorry, there is a problem with that request" in response.get_data(as_text=True)


def test_missing_csrf_token_is_refused_with_a_clear_message(client_request):
    page = client_request.post(
        "auth.sign_in",
        {"identifier": "a@example.org", "password": "x"},
        _csrf=False,
        _expected_status=400,
    )
    assert "expired" in page.select_one("main").text
    assert "Nothing was saved" in page.select_one("main").text


def test_too_large_request_is_refused_with_413(client):
    response = client.post("/sign-in", data={"identifier": "x" * (2 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unhandled_error_shows_a_safe_500_page(make_app):
    app: Flask = make_app()

    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("secret internal detail")

    response = app.test_client().get("/boom-for-test")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in body
    assert "secret internal detail" not in body
    assert "Traceback" not in body


def test_rate_limited_request_gets_a_429_page(make_app):
    from portal.extensions import limiter

    app: Flask = make_app()

    @app.get("/limited-for-test")
    @limiter.limit("1/minute")
    def limited() -> str:
        return "fine"

    client = app.test_client()
    assert client.get("/limited-for-test").status_code == 200
    response = client.get("/limited-for-test")
    assert response.status_code == 429
    assert "Wait a few minutes" in response.get_data(as_text=True)


def test_forbidden_page_says_what_to_do(make_app):
    from flask import abort

    app: Flask = make_app()

    @app.get("/forbidden-for-test")
    def forbidden() -> str:
        abort(403)

    response = app.test_client().get("/forbidden-for-test")
    assert response.status_code == 403
    assert "contact your ISVA" in response.get_data(as_text=True)


def test_healthz_is_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "ok\n"


def test_healthz_is_503_when_the_database_is_unreachable(make_app, tmp_path):
    bad_url = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=1"
    app: Flask = make_app(DATABASE_URL=bad_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_data(as_text=True) == "unavailable\n"


def test_exit_ends_the_session_and_goes_to_the_neutral_site(client, session):
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = "someone"
        flask_session["marker"] = "kept-until-exit"
    response = client.get("/exit")
    assert response.status_code == 303
    assert response.headers["Location"] == "http://127.0.0.1:9/neutral"
    with client.session_transaction() as flask_session:
        assert "marker" not in flask_session
        assert "_user_id" not in flask_session


def test_language_switcher_remembers_welsh_and_only_redirects_within_the_portal(client):
    response = client.get("/language/cy?next=/sign-in")
    assert response.status_code == 302
    assert response.headers["Location"] == "/sign-in"
    page = client.get("/sign-in").get_data(as_text=True)
    assert '<html lang="cy"' in page
    for evil in ("//evil.example", "https://evil.example/", "/\\evil.example", "javascript:x"):
        response = client.get("/language/en", query_string={"next": evil})
        assert response.headers["Location"] == "/", evil


def test_welsh_is_offered_from_every_page(client_request):
    page = client_request.get("auth.sign_in")
    link = page.find("a", attrs={"hreflang": "cy"})
    assert link.text.strip() == "Cymraeg"


def test_database_uses_timezone_aware_utc(session):
    from portal.clock import utcnow
    from tests.support.factories import make_org

    org = make_org(session)
    session.expire_all()
    loaded = session.execute(
        text("SELECT created_at FROM organisations WHERE id = :id"),
        {"id": org.id.hex if session.get_bind().dialect.name == "sqlite" else org.id},
    ).scalar_one()
    assert loaded is not None
    reread = session.get(type(org), org.id)
    assert reread.created_at.tzinfo is not None
    assert abs((utcnow() - reread.created_at).total_seconds()) < 60


def test_postgresql_connections_never_jit_compile(session):
    """A page's short queries must not pay for JIT compilation (12 ms for a 4 ms caseload query
    at 300,000 victims); SQLite has no JIT and no such setting."""
    if session.get_bind().dialect.name != "postgresql":
        assert "connect_args" not in engine_options(str(session.get_bind().engine.url))
        return
    assert session.execute(text("SHOW jit")).scalar_one() == "off"


def test_welsh_layout_strings_are_translated(client):
    client.get("/language/cy?next=/sign-in")
    page = client.get("/sign-in").get_data(as_text=True)
    assert "Gadael y dudalen hon" in page  # Exit this page
    assert "Neidio i’r prif gynnwys" in page  # Skip to main content
    assert "Os oes angen help arnoch nawr" in page  # If you need help now
