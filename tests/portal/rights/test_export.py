"""The export (the victim's download and a subject access request): all and only one victim's
data, readable HTML that escapes what people wrote, and a stable JSON schema."""

from __future__ import annotations

from portal.services.rights import subject_access as rights
from tests.portal.rights.conftest import World


def test_export_holds_every_piece_of_the_victims_data_and_none_of_anyone_elses(
    world: World, session
):
    from sqlalchemy.orm import Session

    text = rights.to_json(rights.export(session, world.a.victim))
    for marker in world.a.shown:
        assert marker in text, marker
    for marker in world.a.staff_only + world.a.never:
        assert marker not in text, marker
    for marker in world.b.shown + world.b.staff_only + world.b.never + ["BBBname"]:
        assert marker not in text, marker
    assert isinstance(session, Session)
