"""The combined ``make bench`` table (bench/report.py), from rows built by hand: no benchmark
runs here. It must show every figure issue 15 asks for, compute the ratios and growth itself,
and say "not met" (with the figure) whenever a target is missed."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from bench import report
from bench.report import MET, NOT_MEASURED, NOT_MET, PageRow, SendRow

PAGES = (
    "victim dashboard",
    "victim timeline",
    "conversation",
    "caseload (urgency)",
    "caseload (waiting, unread)",
    "case page",
)


def page_rows(**large: float) -> list[PageRow]:
    """Every page at 1,000 victims (400 req/s against a bare 800: ratio 0.5; p50 10 ms) and at
    300,000 (``large`` overrides, by default p50 12 ms: growth 1.2)."""
    rows = []
    for n, page in enumerate(PAGES):
        for victims in (1_000, 300_000):
            values: dict[str, float] = {
                "rps": 400.0,
                "bare_rps": 800.0,
                "p50_ms": 10.0,
                "p95_ms": 40.0,
                "queries": 7 + n,
                "worker_peak_rss_mb": 80.0 if victims == 1_000 else 95.0,
            }
            if victims == 300_000:
                values |= {"p50_ms": 12.0, **large}
            rows.append(
                PageRow(
                    page=page,
                    victims=victims,
                    bytes=10_000 + n,
                    queries=int(values["queries"]),
                    rps=values["rps"],
                    bare_rps=values["bare_rps"],
                    p50_ms=values["p50_ms"],
                    p95_ms=values["p95_ms"],
                    errors=0,
                    worker_peak_rss_mb=values["worker_peak_rss_mb"],
                    bare_p95_ms=25.0,
                )
            )
    return rows


def send_row(channel: str, **overrides: object) -> SendRow:
    values: dict[str, object] = {
        "channel": channel,
        "database": "postgresql",
        "count": 5000,
        "concurrency": 8,
        "workers": 2,
        "baseline_seconds": 10.0,
        "baseline_per_second": 500.0,
        "same_transport_per_second": 600.0,
        "outbox_seconds": 9.0,
        "outbox_per_second": 555.6,
        "ratio": 1.11,
        "same_transport_ratio": 0.93,
        "drain_per_second": 700.0,
        "drain_ratio": 1.4,
        "p50_ms": 21.5,
        "p95_ms": 63.25,
        "lost": 0,
        "duplicated": 0,
        "worker_peak_rss_mb": 61.0,
    }
    return SendRow(**{**values, **overrides})  # type: ignore[arg-type]


def sends(**sms: object) -> list[SendRow]:
    return [send_row("sms", **sms), send_row("email", ratio=0.9, same_transport_ratio=0.9)]


def by_target(pages: list[PageRow], sent: list[SendRow]) -> dict[str, report.Verdict]:
    found = {}
    for verdict in report.verdicts(pages, sent):
        key = next(
            word
            for word in ("req/s", "p95", "growth", "SMS", "email", "lost", "duplicated")
            if word in verdict.target
        )
        found[key] = verdict
    return found


def test_table_has_every_column_and_every_benchmark() -> None:
    text = report.render(page_rows(), sends(), notes=["pages: wrk, 32 connections"])
    header = text.splitlines()[text.splitlines().index("") + 1]
    for column in ("benchmark", "size", "baseline", "base/s", "/s", "ratio", "p50 ms", "p95 ms"):
        assert column in header
    for column in ("base p95", "queries", "growth", "errors", "lost", "dup", "RSS MB"):
        assert column in header
    lines = text.splitlines()
    for page in PAGES:
        assert sum(1 for line in lines if line.startswith(page + " ")) == 2, page
    assert any(
        line.startswith("SMS send path") and "twilio SDK as shipped" in line for line in lines
    )
    assert any("twilio SDK, same transport" in line for line in lines)
    assert any(line.startswith("email send path") and "smtplib" in line for line in lines)
    assert "note: pages: wrk, 32 connections" in text
    assert sum(1 for line in lines if line.startswith("target ")) == 7


def cells(text: str, starts: str, size: str = "") -> list[str]:
    """The cells of the table line that starts with ``starts`` (and shows ``size``), split on
    runs of spaces."""
    line = next(
        line for line in text.splitlines() if line.startswith(starts) and f" {size} " in line
    )
    return [cell for cell in line.split("  ") if cell.strip()]


def test_page_rows_show_ratio_growth_queries_and_rss() -> None:
    rows = page_rows()
    rows[1].rps = 300.0  # victim dashboard at 300,000: 300 / 800
    text = report.table(rows, [])
    small = [c.strip() for c in cells(text, "victim dashboard ", "1,000 victims")]
    large = [c.strip() for c in cells(text, "victim dashboard ", "300,000 victims")]
    assert small[2:] == [
        "bare page 10,000 B",
        "800",
        "400",
        "0.50",
        "10.0",
        "40.0",
        "25.0",
        "7",
        "0",
        "80",
    ]
    assert large[2:] == [
        "bare page 10,000 B",
        "800",
        "300",
        "0.38",
        "12.0",
        "40.0",
        "25.0",
        "7",
        "1.20",
        "0",
        "95",
    ]


def test_growth_is_large_p50_over_small_p50_per_page() -> None:
    rows = page_rows()
    rows[3].p50_ms = 15.0  # victim timeline at 300,000
    grown = report.growth(rows)
    assert grown[("victim timeline", 300_000)] == pytest.approx(1.5)
    assert grown[("victim dashboard", 300_000)] == pytest.approx(1.2)
    assert ("victim dashboard", 1_000) not in grown
    assert len(grown) == len(PAGES)


def test_send_rows_show_both_sms_ratios_latency_loss_and_rss() -> None:
    text = report.table([], sends(lost=2, duplicated=1))
    sms = [c.strip() for c in cells(text, "SMS send path")]
    assert sms[1:] == [
        "5,000 msgs c8 PostgreSQL",
        "twilio SDK as shipped",
        "500",
        "556",
        "1.11",
        "21.5",
        "63.2",
        "2",
        "1",
        "61",
    ]
    same = [c.strip() for c in cells(text, " " * 24)]
    assert same == ["twilio SDK, same transport", "600", "0.93"]


def test_every_target_met() -> None:
    verdicts = report.verdicts(page_rows(), sends())
    assert [v.status for v in verdicts] == [MET] * 7
    lines = [v.line() for v in verdicts]
    assert lines[0] == (
        "target page req/s >= 0.5x the bare page: met (worst 0.500: victim dashboard at 1,000"
        " victims)"
    )
    assert "target page p95 < 100 ms: met (worst 40.0 ms" in lines[1]
    assert (
        "target page growth (p50 at 300,000 / at 1,000 victims) <= 1.3: met (worst 1.200"
        in lines[2]
    )
    assert "0.930 at concurrency 8 on postgresql" in lines[3]


@pytest.mark.parametrize(
    ("pages", "sent", "missed", "figure"),
    [
        (page_rows(rps=399.0), sends(), "req/s", "worst 0.499: victim dashboard at 300,000"),
        (page_rows(rps=300.0), sends(), "req/s", "worst 0.375: victim dashboard at 300,000"),
        (page_rows(p95_ms=100.0), sends(), "p95", "worst 100.0 ms"),
        (page_rows(p50_ms=13.1), sends(), "growth", "worst 1.310"),
        (page_rows(), sends(same_transport_ratio=0.79), "SMS", "0.790 at concurrency 8"),
        (
            page_rows(),
            [send_row("sms"), send_row("email", ratio=0.7)],
            "email",
            "0.700 at concurrency 8",
        ),
        (page_rows(), sends(lost=1), "lost", "1 of 10,000 messages"),
        (page_rows(), sends(duplicated=3), "duplicated", "3 of 10,000 messages"),
    ],
)
def test_a_missed_target_says_not_met_with_its_figure(
    pages: list[PageRow], sent: list[SendRow], missed: str, figure: str
) -> None:
    verdicts = by_target(pages, sent)
    assert verdicts[missed].status == NOT_MET
    assert figure in verdicts[missed].figure
    assert f": not met ({verdicts[missed].figure})" in verdicts[missed].line()
    assert all(v.status == MET for key, v in verdicts.items() if key != missed)


def test_page_ratio_counts_the_rows_that_miss() -> None:
    rows = page_rows()
    rows[0].rps = rows[5].rps = 100.0  # two rows at 0.125
    verdict = by_target(rows, sends())["req/s"]
    assert verdict.status == NOT_MET
    assert verdict.figure == "worst 0.125: victim dashboard at 1,000 victims; 2 of 12 rows miss"


@pytest.mark.parametrize(
    "sms", [{"database": "sqlite"}, {"concurrency": 4}, {"database": "sqlite*"}]
)
def test_send_ratio_elsewhere_than_postgresql_at_8_is_not_measured(sms: dict[str, object]) -> None:
    verdict = by_target(page_rows(), sends(**sms))["SMS"]
    assert verdict.status == NOT_MEASURED
    assert "0.930 at concurrency" in verdict.figure


def test_rounds_are_judged_on_their_median_row() -> None:
    rounds = [send_row("sms", same_transport_ratio=r, lost=0) for r in (0.7, 0.95, 0.9)]
    median = send_row("sms", database="postgresql*", same_transport_ratio=0.9, lost=1)
    verdicts = by_target(page_rows(), [*rounds, median, send_row("email")])
    assert verdicts["SMS"].status == MET
    assert verdicts["SMS"].figure == "0.900 at concurrency 8 on postgresql*"
    assert verdicts["lost"].status == NOT_MET  # the median row carries the rounds' sum


def test_without_rows_every_target_is_not_measured() -> None:
    verdicts = report.verdicts([], [])
    assert {v.status for v in verdicts} == {NOT_MEASURED}
    one_size = [r for r in page_rows() if r.victims == 1_000]
    assert by_target(one_size, sends())["growth"].status == NOT_MEASURED
    text = report.render([], sends(), benchmarks=["notifications"])
    assert "req/s" not in text.split("target ", 1)[1]


def test_a_kept_run_round_trips_through_its_json(tmp_path: Path) -> None:
    pages, sent = page_rows(), sends(lost=1)
    data = report.to_json(pages, sent, ["pages not run"])
    assert [t["status"] for t in json.loads(data)["targets"]].count(NOT_MET) == 1
    again_pages, again_sends, notes = report.from_json(data)
    assert again_pages == pages
    assert again_sends == sent
    assert notes == ["pages not run"]
    text = report.render(pages, sent, notes)
    path = report.keep(text, data, results=tmp_path)
    assert path.name.startswith("bench-")
    assert path.read_text() == text + "\n"
    assert (tmp_path / "latest.txt").read_text() == text + "\n"
    assert json.loads(path.with_suffix(".json").read_text())["notes"] == notes
    extra = json.loads(data)
    extra["pages"][0]["from_a_newer_version"] = 1
    assert report.from_json(json.dumps(extra))[0][0] == dataclasses.replace(pages[0])


def test_a_reference_row_is_shown_but_judged_by_no_target() -> None:
    """The portal's floor (health check, static page) sits in the table beside the pages, yet
    a floor far below the targets must not decide any of them."""
    floor = PageRow(
        "floor: health check", 1_000, 3, 1, 50.0, 1000.0, 500.0, 900.0, 0, reference=True
    )
    rows = [*page_rows(), floor]
    assert [v.status for v in report.verdicts(rows, sends())] == [MET] * 7
    assert "floor: health check" in report.table(rows, sends())
    assert report.from_json(report.to_json(rows, sends(), []))[0][-1].reference
