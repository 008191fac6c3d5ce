"""A published verdict cannot be changed into one the ISVA tells first (not guilty on all or
some charges): that news would reach the victim straight away, without the support a new
verdict update waits for. Withdrawing and writing a new update takes the held path."""

from __future__ import annotations

import pytest

from portal.models import UpdateStatus
from portal.services.updates import writing as updates
from tests.portal.updates.conftest import publish_new, starter_draft, victim_notifications
from tests.portal.updates.test_caseworker_views import compose_data


def _verdict(outcome: str) -> updates.Draft:
    draft = starter_draft("verdict", outcome=outcome)
    draft.sections["what_happened"] = "The jury gave its verdict today."
    return draft


@pytest.mark.parametrize("outcome", ["not_guilty", "mixed"])
def test_an_edit_cannot_turn_a_verdict_into_one_the_isva_tells_first(world, outcome):
    update = publish_new(world, "verdict", outcome="guilty")
    assert update.status == UpdateStatus.PUBLISHED
    told = victim_notifications(world.session, world.victim)
    with pytest.raises(updates.UpdateError) as refused:
        updates.edit_published(world.session, world.case, world.isva, update, _verdict(outcome))
    assert "Withdraw this update and write a new one" in refused.value.errors["outcome"]
    # Nothing changed, and the victim was not told anything.
    assert (update.outcome, update.version, update.changed_at) == ("guilty", 1, None)
    assert victim_notifications(world.session, world.victim) == told


def test_the_new_update_after_withdrawing_waits_for_support(world):
    wrong = publish_new(world, "verdict", outcome="guilty")
    updates.withdraw(world.session, world.case, world.isva, wrong, "Wrong verdict recorded")
    right = publish_new(world, "verdict", outcome="not_guilty")
    assert right.status == UpdateStatus.HELD_ISVA_FIRST


def test_other_changes_to_a_verdict_still_go_through(world):
    guilty = publish_new(world, "verdict", outcome="guilty")
    updates.edit_published(world.session, world.case, world.isva, guilty, _verdict("guilty"))
    assert guilty.version == 2
    # An acquittal the ISVA has already told the victim about can be corrected.
    acquittal = publish_new(world, "verdict", outcome="not_guilty")
    updates.confirm_support(world.session, world.case, world.isva, acquittal, "Told her at 10:05")
    updates.edit_published(world.session, world.case, world.isva, acquittal, _verdict("not_guilty"))
    assert (acquittal.status, acquittal.version) == (UpdateStatus.PUBLISHED, 2)


def test_the_edit_form_says_why_at_the_verdict(world, login_as, client_request):
    update = publish_new(world, "verdict", outcome="guilty")
    login_as(world.isva)
    page = client_request.post(
        "caseworker.edit_update",
        compose_data("verdict", outcome="not_guilty"),
        _expected_status=200,
        case_id=world.case.id,
        update_id=update.id,
    )
    summary = page.find(class_="govuk-error-summary")
    assert "cannot be changed here" in summary.get_text()
    assert summary.find("a", href="#outcome") is not None
    assert update.outcome == "guilty"
