"""A double tap really at once: two requests with the same form race on separate connections
(committed database). Never two messages. On PostgreSQL the second waits for the case lock and
gets the first one's message; SQLite cannot upgrade a reader that lost the race, so there the
second is refused (an error, never a duplicate), and the victim's send view starts it again
once, which then finds the first message (test_sending: losing a write race)."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Case, Role, User
from portal.models.message import Message
from portal.services.messaging import messages as messaging
from tests.support.factories import make_case, make_org, make_user


def test_two_simultaneous_sends_with_one_key_make_one_message(make_app):
    app = make_app()
    with app.app_context():
        engine = db.engine
        with Session(bind=engine) as setup:
            org = make_org(setup)
            victim = make_user(setup, org, Role.VICTIM)
            isva = make_user(setup, org, Role.ISVA)
            case = make_case(setup, org, victim, isva)
            setup.commit()
            case_id, victim_id = case.id, victim.id
        key = messaging.new_idempotency_key()
        barrier = threading.Barrier(2)
        results: list[object] = []
        errors: list[BaseException] = []

        def send() -> None:
            try:
                with app.app_context(), Session(bind=engine) as session:
                    barrier.wait(timeout=10)
                    message = messaging.send_from_victim(
                        session,
                        session.get(Case, case_id),
                        session.get(User, victim_id),
                        "Hello",
                        key,
                    )
                    session.commit()
                    results.append(message.id)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        if engine.dialect.name == "postgresql":
            assert errors == []
            assert len(results) == 2
            assert results[0] == results[1]
        else:
            assert len(results) >= 1
            assert all("locked" in str(e) for e in errors), errors
        with Session(bind=engine) as check:
            assert check.scalar(select(func.count()).select_from(Message)) == 1
