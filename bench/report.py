"""The one table ``make bench`` prints: every page at every size and the SMS and email send paths,
each beside its baseline from the same run, then one line per target of issue 15 saying whether
it is met, with the figure. The targets are defined here and nowhere else.

Rows are plain dataclasses filled by bench/pages.py and bench/notifications.py; this module
imports neither (nor the app), so the table can be rebuilt from a kept run's JSON
(``python -m bench.report bench/results/bench-<stamp>.json``) and tested without a benchmark.
A full run is kept in bench/results/ as ``bench-<stamp>.txt`` (what was printed), ``.json``
(every row) and ``latest.txt`` (a copy of the newest table).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"

# The targets (issue 15). Send-path ratios count only when measured where the issue sets them.
PAGE_RATIO_MIN = 0.5  # page req/s ÷ a bare Jinja page of the same bytes, same server, same run
PAGE_P95_MAX_MS = 100.0  # strictly below
PAGE_GROWTH_MAX = 1.3  # p50 at the large size ÷ p50 at the small size
SMS_SAME_TRANSPORT_MIN = 0.8  # end-to-end msgs/s ÷ the twilio SDK on the workers' transport
EMAIL_RATIO_MIN = 0.8  # end-to-end msgs/s ÷ raw smtplib
SEND_CONCURRENCY = 8
SEND_DATABASE = "postgresql"
MAX_LOST = MAX_DUPLICATED = 0

MET, NOT_MET, NOT_MEASURED = "met", "not met", "not measured"


@dataclass
class PageRow:
    """One page at one size under gunicorn, driven by wrk, beside the bare page of its bytes."""

    page: str
    victims: int
    bytes: int
    queries: int
    rps: float
    bare_rps: float
    p50_ms: float
    p95_ms: float
    errors: int  # socket errors and non-2xx answers during the timed wrk run
    worker_peak_rss_mb: float = 0.0  # a web worker's peak RSS over the whole size's run
    reference: bool = False  # the portal's floor, shown beside the pages; no target judges it
    bare_p95_ms: float = 0.0  # the bare page's own p95 under the same server and load

    @property
    def ratio(self) -> float:
        return self.rps / self.bare_rps if self.bare_rps else 0.0


@dataclass
class SendRow:
    """One channel's send path (notify() -> outbox -> worker processes -> local provider) beside
    the raw SDK / smtplib sending as many messages at the same concurrency. A ``database``
    ending in ``*`` marks the median of the rounds before it (its ratios are the median of the
    rounds' ratios, its lost and duplicated the sum)."""

    channel: str
    database: str
    count: int
    concurrency: int
    workers: int
    baseline_seconds: float
    baseline_per_second: float
    same_transport_per_second: float
    outbox_seconds: float
    outbox_per_second: float
    ratio: float
    same_transport_ratio: float
    drain_per_second: float
    drain_ratio: float
    p50_ms: float
    p95_ms: float
    lost: int
    duplicated: int
    # CPU per message (ms) of each step, end to end: worker threads (claim, send, record, the
    # rest of the worker process), the publishing threads, and the database's backends.
    cpu_claim_ms: float = 0.0
    cpu_send_ms: float = 0.0
    cpu_record_ms: float = 0.0
    cpu_worker_other_ms: float = 0.0
    cpu_publish_ms: float = 0.0
    cpu_database_ms: float = 0.0
    worker_peak_rss_mb: float = 0.0

    @property
    def is_median(self) -> bool:
        return self.database.endswith("*")


@dataclass(frozen=True)
class Verdict:
    benchmark: str  # "pages" or "notifications": which run measures it
    target: str
    status: str  # MET, NOT_MET or NOT_MEASURED
    figure: str

    def line(self) -> str:
        return f"target {self.target}: {self.status} ({self.figure})"


# -- figures --------------------------------------------------------------------------------
def growth(rows: Sequence[PageRow]) -> dict[tuple[str, int], float]:
    """p50 of each page at each size above the smallest ÷ its p50 at the smallest size."""
    smallest: dict[str, PageRow] = {}
    for row in rows:
        if row.page not in smallest or row.victims < smallest[row.page].victims:
            smallest[row.page] = row
    return {
        (row.page, row.victims): row.p50_ms / smallest[row.page].p50_ms
        for row in rows
        if row.victims > smallest[row.page].victims and smallest[row.page].p50_ms
    }


def send_summary(rows: Sequence[SendRow]) -> list[SendRow]:
    """Per channel, the row the targets are judged on: the median of the rounds when there
    were several, else the one run."""
    chosen: dict[str, SendRow] = {}
    for row in rows:
        if row.channel not in chosen or row.is_median or not chosen[row.channel].is_median:
            chosen[row.channel] = row
    return list(chosen.values())


def _worst(
    items: Iterable[tuple[float, str]],
    ok: Callable[[float], bool],
    higher_is_better: bool,
    unit: str = "",
) -> tuple[str, str]:
    """Status and figure of a target every row must meet: the worst row, and how many miss."""
    found = sorted(items, key=lambda item: item[0], reverse=not higher_is_better)
    if not found:
        return NOT_MEASURED, "no rows"
    missed = sum(1 for value, _ in found if not ok(value))
    value, where = found[0]
    figure = f"worst {value:.1f} ms: {where}" if unit == "ms" else f"worst {value:.3f}: {where}"
    if missed:
        figure += f"; {missed} of {len(found)} rows miss"
    return (NOT_MET if missed else MET), figure


def _where(row: PageRow) -> str:
    return f"{row.page} at {row.victims:,} victims"


def verdicts(pages: Sequence[PageRow], sends: Sequence[SendRow]) -> list[Verdict]:
    """Every target with its status and the figure that decides it (reference rows aside)."""
    pages = [r for r in pages if not r.reference]
    out = [
        Verdict(
            "pages",
            f"page req/s >= {PAGE_RATIO_MIN}x the bare page",
            *_worst(((r.ratio, _where(r)) for r in pages), lambda v: v >= PAGE_RATIO_MIN, True),
        ),
        Verdict(
            "pages",
            f"page p95 < {PAGE_P95_MAX_MS:.0f} ms",
            *_worst(
                ((r.p95_ms, _where(r)) for r in pages),
                lambda v: v < PAGE_P95_MAX_MS,
                False,
                unit="ms",
            ),
        ),
    ]
    grown = growth(pages)
    sizes = sorted({r.victims for r in pages})
    span = (
        f"p50 at {sizes[-1]:,} / at {sizes[0]:,} victims"
        if len(sizes) > 1
        else "p50 at the large size / at the small"
    )
    out.append(
        Verdict(
            "pages",
            f"page growth ({span}) <= {PAGE_GROWTH_MAX}",
            *_worst(
                ((g, f"{page} at {victims:,} victims") for (page, victims), g in grown.items()),
                lambda v: v <= PAGE_GROWTH_MAX,
                False,
            ),
        )
    )
    summary = {r.channel: r for r in send_summary(sends)}
    for channel, label, attribute, limit in (
        (
            "sms",
            "SMS end to end / SDK on the same transport",
            "same_transport_ratio",
            SMS_SAME_TRANSPORT_MIN,
        ),
        ("email", "email end to end / smtplib", "ratio", EMAIL_RATIO_MIN),
    ):
        target = f"{label} >= {limit} (concurrency {SEND_CONCURRENCY}, PostgreSQL)"
        row = summary.get(channel)
        if row is None:
            out.append(Verdict("notifications", target, NOT_MEASURED, "no run"))
            continue
        value = getattr(row, attribute)
        figure = f"{value:.3f} at concurrency {row.concurrency} on {row.database}"
        if row.concurrency != SEND_CONCURRENCY or row.database.rstrip("*") != SEND_DATABASE:
            out.append(Verdict("notifications", target, NOT_MEASURED, figure))
        else:
            out.append(Verdict("notifications", target, MET if value >= limit else NOT_MET, figure))
    for attribute, limit in (("lost", MAX_LOST), ("duplicated", MAX_DUPLICATED)):
        target = f"{limit} {attribute} (send path)"
        if not sends:
            out.append(Verdict("notifications", target, NOT_MEASURED, "no run"))
            continue
        total = sum(getattr(r, attribute) for r in send_summary(sends))
        figure = f"{total} of {sum(r.count for r in send_summary(sends)):,} messages"
        out.append(Verdict("notifications", target, MET if total <= limit else NOT_MET, figure))
    return out


# -- the table ------------------------------------------------------------------------------
COLUMNS = (
    ("benchmark", 27, "<"),
    ("size", 26, "<"),
    ("baseline", 27, "<"),
    ("base/s", 8, ">"),
    ("/s", 8, ">"),
    ("ratio", 6, ">"),
    ("p50 ms", 8, ">"),
    ("p95 ms", 8, ">"),
    ("base p95", 9, ">"),
    ("queries", 8, ">"),
    ("growth", 7, ">"),
    ("errors", 7, ">"),
    ("lost", 5, ">"),
    ("dup", 4, ">"),
    ("RSS MB", 7, ">"),
)
LEGEND = """\
Pages: gunicorn in production settings, driven by wrk on loopback; /s = requests per second;
baseline = a bare Jinja page of the same bytes under the same server in the same run; ratio =
/s / base/s; p50/p95 per request (base p95: the bare page's own); queries per request; growth =
p50 at this size / p50 at the smallest size; errors = socket errors and non-2xx answers; RSS = a
web worker's peak at this size.
"floor:" rows are references no target judges: the portal's cost under every page (its request
hooks, the signed-in session check and one query; then a static page in the portal's layout).
Send path: notify() -> outbox -> worker processes -> a local Twilio / SMTP server, end to end,
for N msgs at concurrency cN; /s = messages per second; baseline = the raw SDK (or smtplib)
sending as many at the same concurrency in the same run (SMS twice: the SDK as shipped, and on
the workers' urllib3 transport, whose ratio is the pipeline's own overhead); p50/p95 from
publish to the provider receiving it; lost/dup = messages never received / received twice;
RSS = a notification worker's peak; a database marked * is the median of the rounds above it."""


def _line(cells: dict[str, str]) -> str:
    return " ".join(
        f"{cells.get(name, ''):{align}{width}}" for name, width, align in COLUMNS
    ).rstrip()


def _page_cells(row: PageRow, grown: dict[tuple[str, int], float]) -> dict[str, str]:
    g = grown.get((row.page, row.victims))
    return {
        "benchmark": row.page,
        "size": f"{row.victims:,} victims",
        "baseline": f"bare page {row.bytes:,} B",
        "base/s": f"{row.bare_rps:.0f}",
        "/s": f"{row.rps:.0f}",
        "ratio": f"{row.ratio:.2f}",
        "p50 ms": f"{row.p50_ms:.1f}",
        "p95 ms": f"{row.p95_ms:.1f}",
        "base p95": f"{row.bare_p95_ms:.1f}" if row.bare_p95_ms else "",
        "queries": str(row.queries),
        "growth": "" if g is None else f"{g:.2f}",
        "errors": str(row.errors),
        "RSS MB": f"{row.worker_peak_rss_mb:.0f}",
    }


def _send_lines(row: SendRow) -> list[str]:
    database = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}.get(
        row.database.rstrip("*"), row.database.rstrip("*")
    ) + ("*" if row.is_median else "")
    first = {
        "benchmark": f"{'SMS' if row.channel == 'sms' else row.channel} send path",
        "size": f"{row.count:,} msgs c{row.concurrency} {database}",
        "baseline": "twilio SDK as shipped" if row.channel == "sms" else "smtplib",
        "base/s": f"{row.baseline_per_second:.0f}",
        "/s": f"{row.outbox_per_second:.0f}",
        "ratio": f"{row.ratio:.2f}",
        "p50 ms": f"{row.p50_ms:.1f}",
        "p95 ms": f"{row.p95_ms:.1f}",
        "lost": str(row.lost),
        "dup": str(row.duplicated),
        "RSS MB": f"{row.worker_peak_rss_mb:.0f}",
    }
    lines = [_line(first)]
    if row.channel == "sms":
        same = {
            "baseline": "twilio SDK, same transport",
            "base/s": f"{row.same_transport_per_second:.0f}",
            "ratio": f"{row.same_transport_ratio:.2f}",
        }
        lines.append(_line(same))
    return lines


def table(pages: Sequence[PageRow], sends: Sequence[SendRow]) -> str:
    """The combined table: pages by size then by page, then the send paths."""
    head = _line({name: name for name, _, _ in COLUMNS})
    lines = [head, "-" * len(head)]
    grown = growth(pages)
    for row in sorted(pages, key=lambda r: r.victims):  # stable: each size keeps page order
        lines.append(_line(_page_cells(row, grown)))
    for send in sends:
        lines += _send_lines(send)
    return "\n".join(lines)


def render(
    pages: Sequence[PageRow],
    sends: Sequence[SendRow],
    notes: Sequence[str] = (),
    benchmarks: Iterable[str] = ("pages", "notifications"),
) -> str:
    """The legend, the table, any notes (what was not run, and why) and the target lines of
    ``benchmarks``."""
    wanted = set(benchmarks)
    lines = [LEGEND, "", table(pages, sends), ""]
    lines += [f"note: {note}" for note in notes]
    lines += [v.line() for v in verdicts(pages, sends) if v.benchmark in wanted]
    return "\n".join(lines)


# -- kept runs ------------------------------------------------------------------------------
def to_json(pages: Sequence[PageRow], sends: Sequence[SendRow], notes: Sequence[str]) -> str:
    return json.dumps(
        {
            "pages": [asdict(r) for r in pages],
            "notifications": [asdict(r) for r in sends],
            "notes": list(notes),
            "targets": [asdict(v) for v in verdicts(pages, sends)],
        },
        indent=2,
    )


def _rows(cls: Any, items: Iterable[dict[str, Any]]) -> list[Any]:
    names = {f.name for f in fields(cls)}
    return [cls(**{k: v for k, v in item.items() if k in names}) for item in items]


def from_json(text: str) -> tuple[list[PageRow], list[SendRow], list[str]]:
    """The rows of a kept run (fields this version does not know are ignored)."""
    data = json.loads(text)
    pages: list[PageRow] = _rows(PageRow, data.get("pages", []))
    sends: list[SendRow] = _rows(SendRow, data.get("notifications", []))
    return pages, sends, list(data.get("notes", []))


def keep(text: str, data: str, results: Path = RESULTS) -> Path:
    """Write a full run's table to ``bench-<stamp>.txt`` (and ``latest.txt``) and its rows to
    ``bench-<stamp>.json``; returns the .txt path."""
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = results / f"bench-{stamp}.txt"
    path.write_text(text + "\n")
    (results / "latest.txt").write_text(text + "\n")
    path.with_suffix(".json").write_text(data + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.report", description="Print the table of a kept run's JSON."
    )
    parser.add_argument("json", type=Path, help="bench/results/bench-<stamp>.json")
    args = parser.parse_args(argv)
    pages, sends, notes = from_json(args.json.read_text())
    print(render(pages, sends, notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
