"""Words for GOV.UK components whose defaults are English, in the victim's language."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _


def character_count(**params: Any) -> dict[str, Any]:
    """GOV.UK character count parameters with its words in the page's language: the macro's
    hint and the script's live counts are English unless given (``%{count}`` is the
    component's own placeholder)."""
    return {
        "textareaDescriptionText": _("You can enter up to %{count} characters"),
        "charactersUnderLimitText": {
            "one": _("You have %{count} character remaining"),
            "other": _("You have %{count} characters remaining"),
        },
        "charactersAtLimitText": _("You have 0 characters remaining"),
        "charactersOverLimitText": {
            "one": _("You have %{count} character too many"),
            "other": _("You have %{count} characters too many"),
        },
        **params,
    }
