"""One rule for sensitive news, checked everywhere: for every sensitive event in the catalogue
and every page of the victim's blueprint (walked from the URL map) plus the download, nothing
the update would reveal (its words, verdict, title, the stage it moves the case to, the rights
window it opens) appears before the victim chooses "read it now"; afterwards each appears on
the pages that show it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from bs4 import BeautifulSoup
from flask import Flask, url_for

from portal.journey import EVENTS, Event, stages
from portal.models import UpdateStatus
from portal.services.updates import writing as updates
from portal.services.updates.deadlines import london_today
from tests.portal.updates.conftest import World, publish_new

SENSITIVE = [e for e in EVENTS if e.sensitive]
DOWNLOADS = ("victim.my_information_download:html", "victim.my_information_download:json")


def victim_get_endpoints(app: Flask) -> list[str]:
    """Every GET page of the victim's blueprint, and each download format."""
    found = sorted(
        {
            rule.endpoint
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("victim.") and "GET" in (rule.methods or ())
        }
    )
    assert "victim.dashboard" in found
    assert "victim.my_information_download" in found
    return [e for e in found if e != "victim.my_information_download"] + list(DOWNLOADS)


ARGS = {"channel": "sms"}


def page_texts(
    app: Flask, client, world: World, update_id, names: list[str] | None = None
) -> dict[str, tuple[int, str]]:
    """endpoint -> (status, visible text) for every victim page (or ``names``), as the victim."""
    texts: dict[str, tuple[int, str]] = {}
    for name in names if names is not None else victim_get_endpoints(app):
        endpoint, _, kind = name.partition(":")
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        values = {"case_id": world.case.id, "update_id": update_id, "kind": kind, **ARGS}
        with app.test_request_context():
            url = url_for(endpoint, **{k: values[k] for k in rule.arguments})
        response = client.get(url)
        body = response.get_data(as_text=True)
        if kind == "json":
            text = json.dumps(json.loads(body), ensure_ascii=False)
        else:
            text = BeautifulSoup(body, "html.parser").get_text(" ")
        texts[name] = (response.status_code, " ".join(text.split()))
    return texts


@dataclass
class Markers:
    """Phrases that would reveal the outcome, with the pages that show each once read."""

    shown_on: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, phrase: object, *pages: str) -> None:
        self.shown_on[" ".join(str(phrase).split())] = pages


def markers_for(ev: Event, body_marker: str, outcome: str | None) -> Markers:
    m = Markers()
    m.add(body_marker, "victim.update_page", *DOWNLOADS)
    m.add(ev.title, "victim.update_page", "victim.timeline", *DOWNLOADS)
    if ev.who_tells[0].value != "isva":
        m.add(f"From: {ev.who_tells[0].label}", "victim.update_page", "victim.timeline")
    if outcome is not None:
        label = next(o.label for o in ev.outcomes if o.key == outcome)
        m.add(label, "victim.update_page")
        m.add(f'"outcome": "{outcome}"', "victim.my_information_download:json")
    if ev.stage is not None and ev.stage != stages()[0]:
        m.add(f"{ev.stage.label} Now (current stage)", "victim.dashboard", "victim.home")
    if ev.window is not None:
        for phrase in (ev.window.name, ev.window.summary):
            m.add(phrase, "victim.dashboard", "victim.home", "victim.update_page")
    return m


@pytest.mark.parametrize("ev", SENSITIVE, ids=[e.key for e in SENSITIVE])
def test_nothing_of_a_sensitive_update_shows_before_the_victim_reads_it(
    app, client, world, login_as, client_request, ev
):
    body_marker = f"Zq{ev.key.replace('_', '')}marker"
    update = publish_new(world, ev.key, event_date=london_today())
    sections = dict(update.sections)
    sections["what_happened"] = f"{sections['what_happened']} {body_marker}"
    update.sections = sections
    if update.status == UpdateStatus.HELD_ISVA_FIRST:
        updates.confirm_support(world.session, world.case, world.isva, update, "Spoke at 10:00")
    world.session.flush()
    markers = markers_for(ev, body_marker, update.outcome)
    login_as(world.victim)

    before = page_texts(app, client, world, update.id)
    assert before["victim.dashboard"][0] == 200
    assert "There is a new update. Read it when you are ready." in before["victim.dashboard"][1]
    assert str(ev.content_note) in before["victim.update_page"][1]
    for name, (_status, text) in before.items():
        for phrase in markers.shown_on:
            assert phrase not in text, f"{phrase!r} on {name} before reading"

    client_request.post(
        "victim.update_page", {"choice": "read_now"}, case_id=world.case.id, update_id=update.id
    )
    after = page_texts(app, client, world, update.id)
    for phrase, pages in markers.shown_on.items():
        for name in pages:
            status, text = after[name]
            assert status == 200, name
            assert phrase in text, f"{phrase!r} missing from {name} after reading"


ISVA_FIRST = [e for e in SENSITIVE if e.isva_first or e.isva_first_outcomes]


@pytest.mark.parametrize("ev", ISVA_FIRST, ids=[e.key for e in ISVA_FIRST])
def test_an_isva_first_update_shows_once_the_isva_records_telling_the_victim(
    app, client, world, login_as, client_request, ev
):
    """Confirming support does not disclose; the ISVA's record of telling the victim does,
    on every page at once, without the victim passing the content note."""
    body_marker = f"Zq{ev.key.replace('_', '')}marker"
    outcome = min(ev.isva_first_outcomes) if ev.isva_first_outcomes else None
    update = publish_new(world, ev.key, event_date=london_today(), outcome=outcome)
    assert update.status == UpdateStatus.HELD_ISVA_FIRST
    update.sections = {**update.sections, "what_happened": f"Told {body_marker}"}
    updates.confirm_support(world.session, world.case, world.isva, update, "Spoke at 10:00")
    world.session.flush()
    markers = markers_for(ev, body_marker, update.outcome)

    login_as(world.victim)
    for name, (_status, text) in page_texts(app, client, world, update.id).items():
        for phrase in markers.shown_on:
            assert phrase not in text, f"{phrase!r} on {name} after support, before telling"

    login_as(world.isva)
    show = client_request.url("caseworker.show_update", case_id=world.case.id, update_id=update.id)
    today = london_today()
    told_on = [str(today.day), str(today.month), str(today.year)]
    client_request.post(
        "caseworker.record_told",
        {"told_on": told_on, "how": "in_person"},
        _form_url=show,
        case_id=world.case.id,
        update_id=update.id,
    )

    login_as(world.victim)
    pages = [n for n in victim_get_endpoints(app) if n != "victim.update_page"]
    after = page_texts(app, client, world, update.id, pages)
    world.session.refresh(update)
    assert update.read_at is None  # shown because they were told, not because they read it
    after |= page_texts(app, client, world, update.id, ["victim.update_page"])
    for phrase, pages_showing in markers.shown_on.items():
        for name in pages_showing:
            status, text = after[name]
            assert status == 200, name
            assert phrase in text, f"{phrase!r} missing from {name} after the ISVA told them"
    told = f"Your ISVA Priya told you about this on {today.day} {today:%B %Y}."
    assert told in after["victim.update_page"][1]


def test_every_sensitive_event_has_a_general_note_that_does_not_give_the_outcome():
    """The reviewed general wording never repeats the words that reveal the outcome."""
    for ev in SENSITIVE:
        note = str(ev.content_note)
        assert note.startswith("This update is about"), ev.key
        revealing = [str(ev.title)]
        revealing += [str(o.label) for o in ev.outcomes]
        if ev.window is not None:
            revealing += [str(ev.window.name), str(ev.window.summary)]
        for phrase in revealing:
            assert phrase not in note, (ev.key, phrase)
