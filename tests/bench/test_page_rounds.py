"""A page row of the page benchmark (bench/pages.py) from several rounds of wrk runs: built from
hand-made wrk results, no server runs here."""

from __future__ import annotations

from bench.pages import _row
from bench.targets import Page


def run(requests: int, p50_us: int, p95_us: int, errors: int = 0) -> dict[str, int]:
    """A wrk result (bench/wrk_report.lua's JSON) of a 5-second run."""
    return {
        "requests": requests,
        "duration_us": 5_000_000,
        "p50": p50_us,
        "p95": p95_us,
        "errors": errors,
        "status": 0,
    }


def test_the_row_is_the_round_with_the_median_ratio_and_the_page_errors_of_every_round() -> None:
    page = Page("victim dashboard", "/d", "session=x")
    rounds = [
        (run(1_000, 150_000, 300_000, errors=2), run(5_000, 30_000, 60_000)),  # ratio 0.20
        (run(500, 300_000, 900_000), run(5_000, 30_000, 60_000)),  # 0.10: a slow round
        (run(1_200, 120_000, 200_000), run(4_000, 40_000, 80_000, errors=1)),  # 0.30
    ]
    row = _row(page, 1_000, 9_000, 6, rounds)
    assert (row.rps, row.bare_rps, round(row.ratio, 2)) == (200.0, 1_000.0, 0.2)
    assert (row.p50_ms, row.p95_ms, row.bare_p95_ms) == (150.0, 300.0, 60.0)
    assert row.errors == 2  # the page's, every round (the bare page's are not the portal's)
    assert (row.page, row.victims, row.bytes, row.queries, row.reference) == (
        "victim dashboard",
        1_000,
        9_000,
        6,
        False,
    )


def test_a_reference_page_stays_a_reference() -> None:
    floor = Page("floor: health check", "/healthz", "session=x", reference=True)
    assert _row(
        floor, 1_000, 3, 2, [(run(3_000, 10_000, 20_000), run(6_000, 5_000, 9_000))]
    ).reference
