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


def test_format_datetime_filter_says_what_flask_babel_says(app: Flask) -> None:
    """The lean ``format_datetime`` filter gives Flask-Babel's words for the same moment: in
    London time (summer and winter), in English and in Welsh, for every pattern shape the
    templates use, and for a naive time (read as UTC)."""
    from datetime import UTC, datetime

    from flask_babel import format_datetime

    moments = [
        datetime(2026, 7, 1, 23, 30, tzinfo=UTC),  # 00:30 on 2 July in London (BST)
        datetime(2026, 12, 31, 23, 59, 58, tzinfo=UTC),  # GMT, the last second of the year
        datetime(2026, 3, 29, 0, 59),  # noqa: DTZ001 (naive on purpose: read as UTC)
    ]
    patterns = ["d MMMM yyyy, HH:mm", "HH:mm, d MMM", "d MMMM yyyy 'at' HH:mm", "HH:mm:ss", None]
    template = app.jinja_env.from_string("{{ when | format_datetime(pattern) }}")
    with app.test_request_context("/"):
        for locale in ("en", "cy"):
            with force_locale(locale):
                for when in moments:
                    for pattern in patterns:
                        expected = str(format_datetime(when, pattern))
                        assert template.render(when=when, pattern=pattern) == expected
        assert template.render(when=moments[0], pattern="d MMMM yyyy, HH:mm") == (
            "2 July 2026, 00:30"
        )
