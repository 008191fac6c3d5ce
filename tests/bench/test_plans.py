"""The plans bench/plans.py writes: a caseload's ids, bound as one array, are written as their
number (300 UUIDs on every line of a plan made the files unreadable), and nothing else changes."""

from __future__ import annotations

import uuid

from bench.plans import elide_ids


def test_arrays_and_lists_of_ids_become_their_count() -> None:
    ids = [uuid.UUID(int=n) for n in range(1, 301)]
    plan = "Index Cond: (case_id = ANY ('{" + ",".join(map(str, ids)) + "}'::uuid[]))"
    assert elide_ids(plan) == "Index Cond: (case_id = ANY ('{<300 ids>}'::uuid[]))"
    assert elide_ids(f"-- parameters: {{'param_1': {ids!r}}}") == (
        "-- parameters: {'param_1': [<300 UUIDs>]}"
    )


def test_one_id_and_other_text_are_kept() -> None:
    one = f"Index Cond: (id = '{uuid.UUID(int=7)}'::uuid) AND status = ANY ('{{open,held}}')"
    assert elide_ids(one) == one
