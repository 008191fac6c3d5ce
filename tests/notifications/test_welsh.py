"""Texts and emails in Welsh: a victim whose language is Welsh is told in Welsh, through the
real providers (the local Twilio and SMTP servers, whose fixtures also refuse any body that
fails the denylist), and the denylist knows the Welsh words and their mutated forms."""

from __future__ import annotations

import pytest

from notifications import notify
from notifications.render import (
    GSM7,
    KINDS,
    SMS_MAX,
    TEMPLATES,
    TEMPLATES_CY,
    Template,
    UnsafeContentError,
    _render_cached,
    check_neutral,
    denied_words,
    render,
)
from notifications.worker import Worker
from tests.notifications.conftest import make_victim


def _work(app) -> None:
    Worker(app, concurrency=2).run(once=True)


def test_a_welsh_victim_gets_the_sms_and_the_email_in_welsh(
    notify_app, app_session, twilio_server, smtp_server
):
    victim, sms, _ = make_victim(app_session, email="nia@example.org")
    victim.language = "cy"
    english, english_sms, _ = make_victim(app_session)
    notify(app_session, victim, "update", source_key="cy1")
    notify(app_session, english, "update", source_key="en1")
    app_session.commit()
    _work(notify_app)

    (text,) = twilio_server.messages_to(sms.address)
    assert text.body.startswith("Mae gennych ddiweddariad newydd gan Waypoint.")
    assert denied_words(text.body) == []
    (email,) = smtp_server.to("nia@example.org")
    assert email.message["Subject"] == "Mae gennych ddiweddariad newydd"
    for body in email.bodies():
        assert denied_words(body) == []
    html = email.message.get_body(("html",)).get_content()
    assert '<html lang="cy">' in html
    assert "Mewngofnodwch i&#x27;w ddarllen" in html
    # Someone who has not chosen Welsh is still told in English.
    (other,) = twilio_server.messages_to(english_sms.address)
    assert other.body.startswith("You have a new update from Waypoint.")


def test_a_welsh_verification_code_is_sent_in_welsh(notify_app, app_session, twilio_server):
    victim, sms, _ = make_victim(app_session)
    victim.language = "cy"
    notify(app_session, victim, "verification", source_key="v1", contact_point=sms, secret="482913")
    app_session.commit()
    _work(notify_app)
    (text,) = twilio_server.messages_to(sms.address)
    assert text.body.startswith("Eich cod Waypoint yw 482913.")


def test_every_template_has_a_welsh_version_of_the_same_version():
    assert set(TEMPLATES_CY) == set(TEMPLATES)
    for name, english in TEMPLATES.items():
        welsh = TEMPLATES_CY[name]
        assert welsh.version == english.version
        assert all((welsh.sms, welsh.subject, welsh.text))
        assert welsh.sms != english.sms
        assert welsh.subject != english.subject


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_in_welsh_is_neutral_and_fits_one_gsm7_sms(kind):
    rendered = render(
        kind, service="Riverside Support", url="https://w.example", code="123456", language="cy"
    )
    for part in (rendered.sms, rendered.subject, rendered.text, rendered.html):
        assert denied_words(part) == []
    assert len(rendered.sms) <= SMS_MAX
    assert set(rendered.sms) <= GSM7, set(rendered.sms) - GSM7


def test_a_welsh_template_with_a_denied_word_is_refused(monkeypatch):
    monkeypatch.setitem(
        TEMPLATES_CY,
        "victim_update",
        Template(
            "victim_update",
            1,
            sms="Mae gennych ddiweddariad am eich achos gan {service}: {url}",
            subject="Mae gennych ddiweddariad newydd",
            text="Mae gennych ddiweddariad newydd gan {service}: {url}\n",
        ),
    )
    _render_cached.cache_clear()
    try:
        with pytest.raises(UnsafeContentError):
            render("update", service="Waypoint", url="https://w.example", language="cy")
    finally:
        _render_cached.cache_clear()


@pytest.mark.parametrize(
    "text",
    [
        "Treisio",
        "trais rhywiol",
        "ymosodiad rhywiol",
        "Mae'r heddlu wedi ffonio",
        "yn y llys",
        "ei lys",
        "fy nhreial",
        "ei dreial",
        "ei ddedfryd",
        "eich nedfryd",
        "eich cyhuddiad",
        "ei gyhuddo",
        "fy nghyhuddo",
        "y diffynnydd",
        "mechnïaeth",
        "fechnïaeth",
        "mechniaeth",
        "dioddefwr",
        "ei ddioddefwr",
        "drosedd",
        "fy nhrosedd",
        "Llys y Goron",
        "ei thystiolaeth",
        "ei rheithfarn",
        "y Gwasanaeth Prawf",
        "ei hachos",
        "ei harestio",
        "y barnwr",
        "ei wrandawiad",
    ],
)
def test_the_denylist_catches_welsh_words_and_their_mutations(text):
    with pytest.raises(UnsafeContentError):
        check_neutral(text)


def test_the_welsh_denylist_leaves_the_english_templates_alone():
    for kind in KINDS:
        rendered = render(kind, service="Waypoint", url="https://w.example", code="1")
        assert denied_words(rendered.sms + rendered.text) == []
