"""Two victims of one service with rich data each (every kind of thing the portal holds), each
piece carrying a marker naming its victim, so a test can check an export or a destruction holds
all and only one victim's data."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from notifications.models import Consent, ContactPoint, Notification, NotificationPreference
from portal.clock import utcnow
from portal.crypto import lookup_hash
from portal.models import (
    AuditOutcome,
    CallbackReason,
    CallbackRequest,
    Case,
    Disclosure,
    DisclosureChoice,
    Invitation,
    InvitationPurpose,
    Organisation,
    Role,
    Update,
    UpdateStatus,
    UpdateVersion,
    User,
)
from portal.models.contact_notes import NotificationAcknowledgement, SafeContactNote
from portal.models.message import Message, MessageDirection, NoteToFile
from portal.models.partner import Partner, PartnerCaseLink, PartnerEvent
from portal.services import audit
from tests.support.factories import make_case, make_org, make_user


@dataclass
class Person:
    victim: User
    case: Case
    marker: str
    # Markers the victim's own download must hold, and ones only the staff SAR holds.
    shown: list[str] = field(default_factory=list)
    staff_only: list[str] = field(default_factory=list)
    never: list[str] = field(default_factory=list)  # drafts and held updates
    # Held about the case but in no export (a partner agency's own reference): destroyed too.
    internal: list[str] = field(default_factory=list)


@dataclass
class World:
    org: Organisation
    isva: User
    supervisor: User
    admin: User
    unassigned_isva: User
    a: Person
    b: Person


def sections(text: str) -> str:
    return json.dumps(
        {
            "what_happened": text,
            "what_it_means": "It means something.",
            "what_happens_next": "Next steps.",
            "who_to_contact": "Your ISVA.",
            "your_rights": "Right 6.",
        }
    )


def plant(session: Session, org: Organisation, isva: User, supervisor: User, tag: str) -> Person:
    """One victim with one case and one of everything, every text carrying ``tag``."""
    victim = make_user(
        session, org, Role.VICTIM, name=f"{tag}name", email=f"{tag.lower()}mail@example.org"
    )
    victim.phone = "+447700900" + str(abs(hash(tag)) % 900 + 100)
    case = make_case(session, org, victim, isva, reference=f"REF-{tag}")
    now = utcnow()
    person = Person(victim, case, tag)
    person.shown += [f"{tag}name", f"{tag.lower()}mail@example.org", f"REF-{tag}"]

    seq = iter(range(1, 100))
    for direction, author, body, hidden in (
        (MessageDirection.TO_SERVICE, victim, f"{tag}-msg-from-victim", None),
        (MessageDirection.TO_VICTIM, isva, f"{tag}-msg-from-isva", None),
        (MessageDirection.TO_SERVICE, victim, f"{tag}-msg-hidden", now),
    ):
        session.add(
            Message(
                case_id=case.id,
                seq=next(seq),
                author_id=author.id,
                author_role=str(author.role),
                direction=direction,
                body=body,
                idempotency_key=f"{tag}-{body}",
                hidden_by_victim_at=hidden,
            )
        )
        person.shown.append(body)

    def update(status: UpdateStatus, text: str, **extra: object) -> Update:
        row = Update(
            case_id=case.id,
            event_key="investigation_update",
            source_agency="police",
            event_date=date(2026, 10, 1),
            status=status,
            author_id=isva.id,
            body=sections(text),
            **extra,
        )
        session.add(row)
        session.flush()
        return row

    published = update(
        UpdateStatus.PUBLISHED,
        f"{tag}-update-published",
        published_at=now,
        support_note=f"{tag}-support-note",
        version=2,
    )
    session.add(
        UpdateVersion(
            update_id=published.id,
            version=1,
            event_date=date(2026, 9, 30),
            source_agency="police",
            body=sections(f"{tag}-update-earlier-version"),
            published_at=now - timedelta(days=1),
            replaced_by_id=isva.id,
        )
    )
    update(
        UpdateStatus.WITHDRAWN,
        f"{tag}-update-withdrawn",
        published_at=now - timedelta(days=2),
        withdrawn_at=now,
        withdrawal_reason=f"{tag}-withdrawal-reason",
    )
    update(UpdateStatus.DRAFT, f"{tag}-update-draft")
    update(UpdateStatus.HELD_ISVA_FIRST, f"{tag}-update-held")
    session.add(
        DisclosureChoice(update_id=published.id, victim_id=victim.id, choice=Disclosure.READ_NOW)
    )
    person.shown += [
        f"{tag}-update-published",
        f"{tag}-update-earlier-version",
        f"{tag}-update-withdrawn",
        f"{tag}-withdrawal-reason",
    ]
    person.never += [f"{tag}-update-draft", f"{tag}-update-held"]

    session.add(
        CallbackRequest(
            case_id=case.id,
            requested_by_id=victim.id,
            reason=CallbackReason.ASKED,
            safe_times=f"{tag}-safe-times",
            outcome_note=f"{tag}-callback-outcome",
        )
    )
    session.add(NoteToFile(case_id=case.id, author_id=isva.id, body=f"{tag}-note-to-file"))
    person.shown.append(f"{tag}-safe-times")
    person.staff_only += [f"{tag}-callback-outcome", f"{tag}-note-to-file", f"{tag}-support-note"]

    address = f"{tag.lower()}-contact@example.org"
    point = ContactPoint(
        user_id=victim.id,
        channel="email",
        address=address,
        address_lookup=lookup_hash(address, "email"),
        enabled=True,
        safe_confirmed_at=now,
        verified_at=now,
    )
    session.add(point)
    session.flush()
    session.add(
        Consent(
            user_id=victim.id,
            contact_point_id=point.id,
            field="email.enabled",
            old_value="off",
            new_value="on",
            source="isva_on_behalf",
            reason=f"{tag}-consent-reason",
            actor_id=isva.id,
        )
    )
    session.add(NotificationPreference(user_id=victim.id, choices={"court": "isva_first"}))
    session.add(
        Notification(
            recipient_id=victim.id,
            channel="email",
            contact_point_id=point.id,
            kind="update",
            category="investigation",
            case_id=case.id,
            template="update",
            template_version=1,
            source_key=f"update:{published.id}",
            dedupe_key=f"{tag}-dedupe".ljust(20, "x"),
            secret=f"{tag}-notification-secret",
        )
    )
    person.shown += [address, f"{tag}-consent-reason"]
    session.flush()
    notification = session.query(Notification).filter_by(case_id=case.id).one()
    session.add(
        NotificationAcknowledgement(
            notification_id=notification.id, case_id=case.id, acknowledged_by_id=isva.id
        )
    )
    session.add(
        SafeContactNote(
            case_id=case.id,
            safe_times=f"{tag}-safe-contact-times",
            notes=f"{tag}-safety-notes",
            updated_by_id=isva.id,
        )
    )
    person.staff_only += [f"{tag}-safe-contact-times", f"{tag}-safety-notes"]
    partner = session.query(Partner).filter_by(organisation_id=org.id).first()
    if partner is None:
        partner = Partner(organisation_id=org.id, name="Police", agency="police")
        session.add(partner)
        session.flush()
    session.add(
        PartnerCaseLink(
            partner_id=partner.id,
            case_id=case.id,
            reference_lookup=f"{tag}-lookup",
            reference=f"{tag}-partner-reference",
        )
    )
    session.add(
        PartnerEvent(
            partner_id=partner.id,
            partner_event_id=f"{tag}-event",
            payload_hash="0" * 64,
            case_id=case.id,
            update_id=published.id,
            result="published",
        )
    )
    session.add(
        Invitation(
            user_id=victim.id,
            case_id=case.id,
            created_by_id=isva.id,
            purpose=InvitationPurpose.VICTIM,
            token_hash=f"{tag}-token".ljust(64, "0"),
            expires_at=now,
        )
    )
    person.internal.append(f"{tag}-partner-reference")
    for actor in (isva, supervisor):
        audit.record(
            session,
            actor=actor,
            action="case.view_case_content",
            outcome=AuditOutcome.ALLOWED,
            case=case,
            object_type="case",
            object_id=case.id,
        )
    session.flush()
    return person


@pytest.fixture
def world(session: Session) -> World:
    org = make_org(session)
    isva = make_user(session, org, Role.ISVA, name="Sam Taylor")
    supervisor = make_user(session, org, Role.SUPERVISOR, name="Pat Lead")
    admin = make_user(session, org, Role.ADMIN, name="Ada Admin")
    unassigned = make_user(session, org, Role.ISVA, name="Una Smith")
    a = plant(session, org, isva, supervisor, "AAA")
    b = plant(session, org, isva, supervisor, "BBB")
    # Victim B trying to open A's case: the refusal is on A's trail, but B is never named.
    audit.record(
        session,
        actor=b.victim,
        action="case.view_case",
        outcome=AuditOutcome.DENIED,
        case=a.case,
        object_type="case",
        object_id=a.case.id,
    )
    session.flush()
    session.expire_all()
    return World(org, isva, supervisor, admin, unassigned, a, b)
