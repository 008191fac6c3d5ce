"""The templates' gettext (portal/jinja_i18n.py) keeps one catalogue per locale: a forced
locale (the Welsh preview of an update) switches the page's language for as long as it is
forced, and the words are the catalogue's, exactly as Flask-Babel's own functions give them."""

from __future__ import annotations

from flask import Flask
from flask_babel import force_locale, gettext, ngettext

TEMPLATE = (
    "{{ _('Exit this page') }}|{{ ngettext('Every week', 'Every %(num)d weeks', 3) }}"
    "|{{ _('Sent %(when)s', when='<b>') }}"
)


def _expected() -> str:
    return "|".join(
        [
            gettext("Exit this page"),
            ngettext("Every week", "Every %(num)d weeks", 3),
            gettext("Sent %(when)s", when="&lt;b&gt;"),
        ]
    )


def test_a_forced_locale_translates_only_while_forced(app: Flask) -> None:
    with app.test_request_context("/"):
        template = app.jinja_env.from_string(TEMPLATE)
        before = template.render()
        english = _expected()
        with force_locale("cy"):
            welsh = template.render()
            expected_welsh = _expected()
        after = template.render()
    assert before == after == english == "Exit this page|Every 3 weeks|Sent &lt;b&gt;"
    assert welsh == expected_welsh
    assert welsh.startswith("Gadael y dudalen hon|Bob 3 wythnos|")
