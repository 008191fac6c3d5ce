"""Publishing: one transaction for the update, its audit row and its notifications; the reason
rule; ISVA-first holds; edits keep versions; withdrawals leave a trace."""

from __future__ import annotations

import pytest
from sqlalchemy import LargeBinary, func, select, type_coerce

from notifications.models import Choice, Notification
from portal.models import AuditEvent, Role, Update, UpdateStatus, UpdateVersion
from portal.models.update import SECTION_KEYS
from portal.services.updates import queries as update_queries
from portal.services.updates import writing as updates
from tests.portal.updates.conftest import (
    draft_update,
    publish_new,
    set_choice,
    starter_draft,
    victim_notifications,
)
from tests.support.factories import make_user


def test_publish_queues_one_notification_per_consented_channel_and_audits(world):
    update = publish_new(world, "hearing_scheduled")
    assert update.status == UpdateStatus.PUBLISHED
    assert update.published_at is not None
    rows = world.session.scalars(
        select(Notification).where(Notification.recipient_id == world.victim.id)
    ).all()
    assert sorted(n.channel for n in rows) == ["email", "sms"]
    assert {n.source_key for n in rows} == {f"update:{update.id}:v1"}
    assert {n.category for n in rows} == {"court"}
    actions = world.session.scalars(
        select(AuditEvent.action).where(AuditEvent.object_id == str(update.id))
    ).all()
    assert "case.publish_update" in actions


def test_channels_not_confirmed_safe_or_verified_get_nothing(world):
    from notifications.contacts import address_lookup
    from notifications.models import Channel, ContactPoint

    victim = make_user(world.session, world.org, Role.VICTIM)
    world.session.add(
        ContactPoint(
            user_id=victim.id,
            channel=Channel.SMS,
            address="+447700900999",
            address_lookup=address_lookup(Channel.SMS, "+447700900999"),
            verified_at=None,  # never confirmed by code
            safe_confirmed_at=None,
            enabled=True,
        )
    )
    world.case.victim_id = victim.id
    world.session.flush()
    world.session.expire(world.case, ["victim"])
    publish_new(world, "hearing_scheduled")
    assert victim_notifications(world.session, victim) == 0


def test_rolled_back_publish_leaves_no_update_and_no_notification(world):
    session = world.session
    nested = session.begin_nested()
    publish_new(world, "charged")
    nested.rollback()
    assert session.scalar(select(func.count()).select_from(Update)) == 0
    assert victim_notifications(session, world.victim) == 0


def test_body_is_stored_encrypted(world):
    update = publish_new(world, "hearing_scheduled")
    raw = world.session.execute(
        select(type_coerce(Update.__table__.c.body, LargeBinary)).where(Update.id == update.id)
    ).scalar_one()
    assert b"Witness" not in bytes(raw)
    assert b"what_happened" not in bytes(raw)


@pytest.mark.parametrize("key", ["trial_date_changed"])
def test_date_change_without_a_reason_is_refused(world, key):
    update = updates.save_draft(
        world.session, world.case, world.isva, starter_draft(key, reason="")
    )
    with pytest.raises(updates.UpdateError) as refused:
        updates.publish(world.session, world.case, world.isva, update)
    assert "reason" in refused.value.errors
    assert update.status == UpdateStatus.DRAFT
    assert victim_notifications(world.session, world.victim) == 0


def test_every_section_is_required(world):
    draft = starter_draft("hearing_scheduled")
    draft.sections["who_to_contact"] = "   "
    update = updates.save_draft(world.session, world.case, world.isva, draft)
    with pytest.raises(updates.UpdateError) as refused:
        updates.publish(world.session, world.case, world.isva, update)
    assert set(refused.value.errors) == {"who_to_contact"}


def test_someone_not_assigned_cannot_publish(world):
    other = make_user(world.session, world.org, Role.ISVA)
    update = draft_update(world, "hearing_scheduled")
    with pytest.raises(updates.NotAllowedError):
        updates.publish(world.session, world.case, other, update)
    supervisor = make_user(world.session, world.org, Role.SUPERVISOR)
    with pytest.raises(updates.NotAllowedError):
        updates.publish(world.session, world.case, supervisor, update)


def test_isva_first_event_is_held_until_support_is_confirmed(world):
    update = publish_new(world, "police_nfa")
    assert update.status == UpdateStatus.HELD_ISVA_FIRST
    assert update_queries.timeline(world.session, world.case).total == 0
    assert victim_notifications(world.session, world.victim) == 0
    assert [
        u.id for u in update_queries.held_updates_for_cases(world.session, [world.case.id])
    ] == [update.id]
    with pytest.raises(updates.UpdateError):
        updates.confirm_support(world.session, world.case, world.isva, update, "  ")
    updates.confirm_support(
        world.session, world.case, world.isva, update, "Spoke by phone at 14:10"
    )
    assert update.status == UpdateStatus.PUBLISHED
    assert update.support_note == "Spoke by phone at 14:10"
    assert update_queries.timeline(world.session, world.case).total == 1
    assert victim_notifications(world.session, world.victim) == 2
    assert update_queries.held_updates_for_cases(world.session, [world.case.id]) == []


@pytest.mark.parametrize(
    ("outcome", "held"), [("guilty", False), ("not_guilty", True), ("mixed", True)]
)
def test_verdict_is_held_for_an_acquittal(world, outcome, held):
    update = publish_new(world, "verdict", outcome=outcome)
    assert (update.status == UpdateStatus.HELD_ISVA_FIRST) is held


def test_victims_isva_first_choice_holds_that_category(world):
    set_choice(world.session, world.victim, "court", Choice.ISVA_FIRST)
    court = publish_new(world, "hearing_scheduled")
    other = publish_new(world, "file_to_cps")
    assert court.status == UpdateStatus.HELD_ISVA_FIRST
    assert other.status == UpdateStatus.PUBLISHED
    assert update_queries.visible_update(world.session, world.case, court.id) is None
    assert victim_notifications(world.session, world.victim) == 2  # only "other", 2 channels

    updates.confirm_support(world.session, world.case, world.isva, court, "Told her at 10:05")
    # The ISVA told them first, as they asked: now the update is visible and they are told.
    assert update_queries.visible_update(world.session, world.case, court.id) is not None
    assert victim_notifications(world.session, world.victim) == 4


def test_edit_keeps_the_earlier_version_and_tells_the_victim_again(world):
    update = publish_new(world, "hearing_scheduled")
    update.read_at = update.published_at
    draft = starter_draft("hearing_scheduled")
    draft.sections["what_happened"] = "The hearing moved to the afternoon."
    updates.edit_published(world.session, world.case, world.isva, update, draft)
    assert update.version == 2
    assert update.changed_at is not None
    assert update.read_at is None
    assert update.sections["what_happened"] == "The hearing moved to the afternoon."
    old = world.session.scalars(
        select(UpdateVersion).where(UpdateVersion.update_id == update.id)
    ).all()
    assert [v.version for v in old] == [1]
    assert old[0].sections["what_happened"] != "The hearing moved to the afternoon."
    keys = set(
        world.session.scalars(
            select(Notification.source_key).where(Notification.recipient_id == world.victim.id)
        )
    )
    assert keys == {f"update:{update.id}:v1", f"update:{update.id}:v2"}


def test_withdraw_leaves_a_trace_and_is_audited(world):
    update = publish_new(world, "hearing_scheduled")
    with pytest.raises(updates.UpdateError):
        updates.withdraw(world.session, world.case, world.isva, update, "")
    updates.withdraw(world.session, world.case, world.isva, update, "Sent by mistake")
    page = update_queries.timeline(world.session, world.case)
    assert [u.id for u in page.items] == [update.id]
    assert page.items[0].status == UpdateStatus.WITHDRAWN
    assert page.items[0].withdrawal_reason == "Sent by mistake"
    assert world.session.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "update.withdraw", AuditEvent.object_id == str(update.id)
        )
    )


def test_all_sections_round_trip(world):
    update = draft_update(world, "sentence")
    assert set(update.sections) == set(SECTION_KEYS)
    assert update.window_closes_on is not None
