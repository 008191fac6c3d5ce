"""One victim who reads Welsh, with a case that has something on every victim page: a read
update, an unread sensitive one (its content note), a sentence with an open window, a message
from their ISVA and a text-message contact point. Shared by the Welsh page and browser guards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from notifications.contacts import address_lookup
from notifications.models import Channel, ContactPoint
from portal.clock import utcnow
from portal.models import Role, Update, UpdateStatus
from portal.services.messaging import messages as messaging
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.portal.updates.conftest import starter_draft
from tests.support.factories import make_case, make_org, make_user, with_totp

# What the seeded people and the ISVA wrote: data, not interface text, so the same in any
# language (the guards allow these to appear untranslated).
ISVA_NAME = "Priya Shah"
VICTIM_NAME = "Nia"
ORGANISATION = "Cefnogaeth Glan yr Afon"
MESSAGE = "Helo Nia, dyma Priya."


@dataclass
class WelshCase:
    victim_id: str
    victim_email: str
    isva_email: str
    isva_totp: str
    case_id: str
    read_id: str  # a published update the victim has read
    sensitive_id: str  # unread, sensitive: its content note comes first
    window_id: str  # a sentence, read, with its window open
    data: tuple[str, ...]  # names and the reference: allowed to look the same in both languages


def seed(session: Session) -> WelshCase:
    org = make_org(session, name=ORGANISATION)
    isva = with_totp(make_user(session, org, Role.ISVA, name=ISVA_NAME))
    victim = make_user(session, org, Role.VICTIM, name=VICTIM_NAME)
    victim.safety_info_seen_at = utcnow()
    victim.language = "cy"
    session.add(
        ContactPoint(
            user_id=victim.id,
            channel=Channel.SMS,
            address="+447700900456",
            address_lookup=address_lookup(Channel.SMS, "+447700900456"),
            verified_at=utcnow(),
            safe_confirmed_at=utcnow(),
            enabled=True,
        )
    )
    # An email address waiting for its code: the confirm page has something to show.
    session.add(
        ContactPoint(
            user_id=victim.id,
            channel=Channel.EMAIL,
            address="nia@example.org",
            address_lookup=address_lookup(Channel.EMAIL, "nia@example.org"),
            safe_confirmed_at=utcnow(),
        )
    )
    case = make_case(session, org, victim, isva, opened_at=utcnow() - timedelta(days=60))

    def published(key: str, **kwargs) -> Update:
        update = updates.save_draft(session, case, isva, starter_draft(key, **kwargs))
        updates.publish(session, case, isva, update)
        if update.status == UpdateStatus.HELD_ISVA_FIRST:
            updates.confirm_support(session, case, isva, update, "Spoke at 10:00")
        return update

    read = published("hearing_scheduled", event_date=london_today() + timedelta(days=40))
    read.read_at = utcnow()
    window = published("sentence", event_date=london_today())
    window.read_at = utcnow()
    sensitive = published("charged")
    messaging.reply(session, case, isva, MESSAGE, messaging.new_idempotency_key())
    session.flush()
    return WelshCase(
        victim_id=str(victim.id),
        victim_email=str(victim.email),
        isva_email=str(isva.email),
        isva_totp=str(isva.totp_secret),
        case_id=str(case.id),
        read_id=str(read.id),
        sensitive_id=str(sensitive.id),
        window_id=str(window.id),
        data=(ISVA_NAME, "Priya", VICTIM_NAME, ORGANISATION, MESSAGE, case.reference),
    )
