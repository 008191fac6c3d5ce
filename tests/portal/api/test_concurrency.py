"""The same event sent twice at the same moment (a partner's retry racing its first attempt)
makes one update: one request gets 201, the other the same result as a replay."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Role, Update
from portal.services.partners import systems as partners
from tests.portal.api.conftest import POLICE_REFERENCE, payload
from tests.support.factories import make_case, make_org, make_user


def test_a_race_on_one_event_id_makes_one_update(make_app):
    app = make_app()
    with app.app_context(), app.test_request_context():
        session = db.session()
        org = make_org(session)
        admin = make_user(session, org, Role.ADMIN)
        isva = make_user(session, org, Role.ISVA)
        case = make_case(session, org, make_user(session, org), isva)
        partner = partners.create_partner(session, admin, "Police", "police")
        key = partners.issue_key(session, admin, partner).raw
        partners.link_case(session, admin, partner, case.reference, POLICE_REFERENCE)
        session.commit()
        db.session.remove()

    body = payload()
    start = threading.Barrier(2)
    answers: list[tuple[int, dict]] = []

    def send() -> None:
        client = app.test_client()
        start.wait()
        response = client.post(
            "/api/v1/case-events", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(status for status, _ in answers) == [200, 201]
    assert answers[0][1] == answers[1][1]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Update)) == 1
        db.session.remove()
