"""Home pages: who may reach them, and what they show."""

from __future__ import annotations

from portal.models import Role
from tests.support.factories import make_case, make_org, make_user


def test_victim_home_greets_by_chosen_name_and_staff_cannot_reach_it(
    session, client_request, login_as
):
    org = make_org(session)
    victim = make_user(session, org, Role.VICTIM, name="Ruth")
    login_as(victim)
    page = client_request.get("victim.home")
    assert page.h1.text.strip() == "Hello, Ruth"
    login_as(make_user(session, org, Role.ISVA))
    client_request.get("victim.home", _expected_status=404)


def test_signed_out_visitor_is_sent_to_sign_in(client_request):
    client_request.get("victim.home", _expected_status=302)
    assert client_request.response.headers["Location"].startswith("/sign-in")
    client_request.get("caseworker.home", _expected_status=302)


def test_isva_home_lists_only_actively_assigned_cases(session, client_request, login_as):
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA)
    other_isva = make_user(session, org, Role.ISVA)
    mine = make_case(session, org, make_user(session, org), isva, reference="MINE-1")
    make_case(session, org, make_user(session, org), other_isva, reference="THEIRS-1")
    login_as(isva)
    page = client_request.get("caseworker.home")
    text = page.select_one("main").text
    assert mine.reference in text
    assert "THEIRS-1" not in text
    login_as(make_user(session, org, Role.VICTIM))
    client_request.get("caseworker.home", _expected_status=404)
