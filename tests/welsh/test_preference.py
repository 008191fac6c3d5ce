"""The victim's language is kept on their account: asked on first sign-in, changed on the
account page or with the footer switch, and it outranks the switch's cookie on every device."""

from __future__ import annotations

from portal.auth.loader import SESSION_KEY
from portal.clock import utcnow
from portal.models import Role
from portal.services.accounts.sessions import SessionLimits, start
from tests.support.factories import make_case, make_org, make_user
from tests.support.pages import ClientRequest


def _victim(session, *, seen: bool = True, language: str | None = None):
    org = make_org(session)
    victim = make_user(session, org, Role.VICTIM)
    make_case(session, org, victim, make_user(session, org, Role.ISVA))
    victim.safety_info_seen_at = utcnow() if seen else None
    victim.language = language
    session.flush()
    return victim


def _lang(page) -> str:
    return str(page.find("html")["lang"])


def test_first_sign_in_asks_for_a_language_and_keeps_it(client_request, login_as, session):
    victim = login_as(_victim(session, seen=False))
    page = client_request.get("auth.safety_first")
    assert "Which language do you want to use?" in page.select_one("legend").get_text()
    radios = {i["value"]: i for i in page.select("input[name=language]")}
    assert set(radios) == {"cy", "en"}
    assert radios["en"].has_attr("checked")  # the page's own language, so Continue keeps it
    client_request.post("auth.safety_first", {"language": "cy"})
    session.refresh(victim)
    assert victim.language == "cy"
    assert _lang(client_request.get("victim.home", _follow_redirects=True)) == "cy"


def test_continue_alone_keeps_the_language_the_page_was_shown_in(
    client, client_request, login_as, session
):
    victim = login_as(_victim(session, seen=False))
    client.set_cookie("lang", "cy")
    client_request.post("auth.safety_first", {})
    session.refresh(victim)
    assert victim.language == "cy"


def test_the_stored_language_follows_the_victim_to_another_device(app, session):
    victim = _victim(session, language="cy")
    phone = ClientRequest(app, app.test_client())  # a second device: its own cookies
    token, _ = start(session, victim, SessionLimits.from_settings(app.config["WAYPOINT_SETTINGS"]))
    session.flush()
    with phone.client.session_transaction() as flask_session:
        flask_session[SESSION_KEY] = token
    phone.client.set_cookie("lang", "en")  # this device's switch said English once
    assert _lang(phone.get("victim.home", _follow_redirects=True)) == "cy"


def test_the_account_page_changes_the_language(client_request, login_as, session):
    victim = login_as(_victim(session, language="en"))
    page = client_request.get("auth.account")
    assert "Which language do you want to use?" in page.select_one("legend").get_text()
    assert page.select_one("input[name=language][value=en]").has_attr("checked")
    page = client_request.post(
        "auth.account_language", {"language": "cy"}, _form_url=client_request.url("auth.account")
    )
    session.refresh(victim)
    assert victim.language == "cy"
    assert _lang(client_request.get("auth.account")) == "cy"


def test_the_account_page_refuses_an_unknown_language(client_request, login_as, session):
    victim = login_as(_victim(session, language="en"))
    page = client_request.post(
        "auth.account_language",
        {"language": "fr"},
        _expected_status=200,
        _form_url=client_request.url("auth.account"),
    )
    assert page.select_one(".govuk-error-summary")
    session.refresh(victim)
    assert victim.language == "en"


def test_the_footer_switch_also_changes_a_signed_in_victims_language(
    client_request, login_as, session
):
    victim = login_as(_victim(session, language="en"))
    client_request.get("public.language", 302, code="cy", next="/account")
    session.refresh(victim)
    assert victim.language == "cy"


def test_signed_out_the_cookie_chooses_and_staff_keep_no_language(
    client, client_request, login_as, session
):
    client.set_cookie("lang", "cy")
    assert _lang(client_request.get("auth.sign_in")) == "cy"
    org = make_org(session)
    isva = login_as(make_user(session, org, Role.ISVA))
    page = client_request.get("auth.account")
    assert page.select("input[name=language]") == []
    client_request.get("public.language", 302, code="cy", next="/account")
    session.refresh(isva)
    assert isva.language is None
