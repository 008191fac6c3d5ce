"""Choices for WTForms' select, radio and checkbox fields.

WTForms 3.3 deprecates (value, label) tuples as choices and 3.4 removes them; it wants
``SelectChoice`` objects. The forms keep writing their options as readable pairs, and this
turns them into what WTForms expects, in one place.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import SelectChoice


def options(pairs: Iterable[tuple[Any, Any]]) -> list[SelectChoice]:
    """``[(value, label), ...]`` as WTForms' SelectChoice list (values as strings)."""
    return [SelectChoice(str(value), label) for value, label in pairs]
