"""An update's Welsh text: the ISVA sees that the victim reads Welsh and can add it (stored
encrypted), the victim reads it, or the English with a note when there is none, and staff
preview the update in both languages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import LargeBinary, select, type_coerce

from portal.clock import utcnow
from portal.journey import event
from portal.models import Update, UpdateVersion
from portal.models.update import SECTION_KEYS
from portal.services.updates import writing as updates
from tests.portal.updates.conftest import draft_update, publish_new, starter_draft

WELSH = {
    "what_happened": "Mae dyddiad wedi ei bennu.",
    "what_it_means": "Does dim rhaid i chi wneud dim byd nawr.",
    "what_happens_next": "Byddwn yn dweud wrthych chi beth sy'n digwydd nesaf.",
    "who_to_contact": "Anfonwch neges at eich cynghorydd.",
    "your_rights": "Mae gennych chi hawl i gael gwybod.",
}


def _date(d):
    return [str(d.day), str(d.month), str(d.year)]


def _compose_data(key: str, welsh: dict[str, str] | None = None) -> dict[str, object]:
    ev = event(key)
    yesterday = (utcnow() - timedelta(days=1)).date()
    data: dict[str, object] = {
        "source_agency": ev.who_tells[0].value,
        "event_date": _date(yesterday),
        "learned_on": _date(yesterday),
        "learned_time": "10:30",
        "reason": "",
        **{k: str(getattr(ev.starter, k)) for k in SECTION_KEYS},
    }
    data.update({f"cy_{k}": v for k, v in (welsh or {}).items()})
    return data


def _welsh_update(world) -> Update:
    draft = starter_draft("hearing_scheduled")
    draft.welsh = dict(WELSH)
    update = updates.save_draft(world.session, world.case, world.isva, draft)
    return updates.publish(world.session, world.case, world.isva, update)


def test_the_isva_sees_the_victim_reads_welsh_and_adds_the_welsh_text(
    world, login_as, client_request
):
    world.victim.language = "cy"
    login_as(world.isva)
    case_page = client_request.get("caseworker.case_page", case_id=world.case.id)
    assert "Welsh (Cymraeg)" in case_page.get_text()
    page = client_request.get(
        "caseworker.compose", case_id=world.case.id, event_key="hearing_scheduled"
    )
    assert page.find(attrs={"data-testid": "victim-reads-welsh"})
    assert page.find("textarea", attrs={"name": "cy_what_happened", "lang": "cy"})
    client_request.post(
        "caseworker.compose",
        _compose_data("hearing_scheduled", WELSH),
        case_id=world.case.id,
        event_key="hearing_scheduled",
    )
    update = world.session.scalar(select(Update).where(Update.case_id == world.case.id))
    assert update.welsh == {**WELSH, "reason": ""}
    raw = world.session.scalar(
        select(type_coerce(Update.body_cy, LargeBinary)).where(Update.id == update.id)
    )
    assert b"dyddiad" not in raw  # encrypted at rest, like the English body


def test_no_welsh_fields_for_a_victim_who_reads_english(world, login_as, client_request):
    login_as(world.isva)
    page = client_request.get(
        "caseworker.compose", case_id=world.case.id, event_key="hearing_scheduled"
    )
    assert page.find("textarea", attrs={"name": "cy_what_happened"}) is None
    assert page.find(attrs={"data-testid": "victim-reads-welsh"}) is None


def test_half_an_update_in_welsh_cannot_be_published(world):
    world.victim.language = "cy"
    draft = starter_draft("hearing_scheduled")
    draft.welsh = {"what_happened": "Mae dyddiad wedi ei bennu."}
    update = updates.save_draft(world.session, world.case, world.isva, draft)
    errors = updates.validation_errors(update)
    assert set(errors) == {f"cy_{k}" for k in SECTION_KEYS if k != "what_happened"}


def test_a_welsh_reader_sees_the_welsh_text(world, login_as, client_request):
    world.victim.language = "cy"
    update = _welsh_update(world)
    update.read_at = update.published_at
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    article = page.find("article")
    assert "Mae dyddiad wedi ei bennu." in article.get_text()
    assert "The date has been set" not in article.get_text()
    assert {p["lang"] for p in article.select("p.wp-update__text")} == {"cy"}
    assert article.find(attrs={"data-testid": "english-note"}) is None


def test_a_welsh_readers_welsh_text_links_the_welsh_glossary_terms(world, login_as, client_request):
    world.victim.language = "cy"
    draft = starter_draft("hearing_scheduled")
    draft.welsh = {**WELSH, "what_it_means": "Bydd y gwrandawiad yn trafod mechnïaeth."}
    update = updates.publish(
        world.session,
        world.case,
        world.isva,
        updates.save_draft(world.session, world.case, world.isva, draft),
    )
    update.read_at = update.published_at
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    links = {a.get_text(): a["href"] for a in page.find("article").select("p.wp-update__text a")}
    assert links == {
        "gwrandawiad": "/information/glossary#term-hearing",
        "mechnïaeth": "/information/glossary#term-bail",
    }


def test_without_welsh_text_a_welsh_reader_gets_the_english_with_a_note(
    world, login_as, client_request
):
    world.victim.language = "cy"
    update = publish_new(world, "hearing_scheduled")
    update.read_at = update.published_at
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    article = page.find("article")
    assert article.find(attrs={"data-testid": "english-note"})
    assert {p["lang"] for p in article.select("p.wp-update__text")} == {"en"}
    assert update.sections["what_happened"][:30] in " ".join(article.get_text().split())


def test_an_english_reader_sees_the_english_even_when_there_is_welsh(
    world, login_as, client_request
):
    update = _welsh_update(world)
    update.read_at = update.published_at
    login_as(world.victim)
    page = client_request.get("victim.update_page", case_id=world.case.id, update_id=update.id)
    article = page.find("article")
    assert "Mae dyddiad" not in article.get_text()
    assert article.find(attrs={"data-testid": "english-note"}) is None


def test_staff_preview_the_update_in_welsh_and_in_english(world, login_as, client_request):
    world.victim.language = "cy"
    with_welsh = _welsh_update(world)
    login_as(world.isva)
    page = client_request.get(
        "caseworker.show_update", case_id=world.case.id, update_id=with_welsh.id
    )
    welsh = page.find(attrs={"data-testid": "phone-preview-cy"})
    english = page.find(attrs={"data-testid": "phone-preview-en"})
    assert welsh["lang"] == "cy"
    assert english["lang"] == "en"
    assert "Mae dyddiad wedi ei bennu." in welsh.get_text()
    assert "Mae dyddiad" not in english.get_text()
    # The victim's language comes first.
    frames = page.select(".wp-phone-frame")
    assert [f["lang"] for f in frames] == ["cy", "en"]

    english_only = draft_update(world, "hearing_scheduled")
    page = client_request.get(
        "caseworker.show_update", case_id=world.case.id, update_id=english_only.id
    )
    welsh = page.find(attrs={"data-testid": "phone-preview-cy"})
    assert welsh.find(attrs={"data-testid": "english-note"})


def test_an_edit_keeps_the_earlier_welsh_text(world):
    update = _welsh_update(world)
    draft = starter_draft("hearing_scheduled")
    draft.welsh = {**WELSH, "what_happened": "Mae'r dyddiad wedi newid."}
    updates.edit_published(world.session, world.case, world.isva, update, draft)
    old = world.session.scalar(select(UpdateVersion).where(UpdateVersion.update_id == update.id))
    assert old.welsh["what_happened"] == "Mae dyddiad wedi ei bennu."
    assert update.welsh["what_happened"] == "Mae'r dyddiad wedi newid."
