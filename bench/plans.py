"""``python -m bench.plans --victims N``: every query each benchmarked page runs, with its
``EXPLAIN (ANALYZE, BUFFERS)`` on the seeded database, written to bench/results/.

The statements are captured with a SQLAlchemy ``before_cursor_execute`` hook while the real app
answers each page (in process, signed in as the bench victim or ISVA); each SELECT is then
explained with its own parameters. A sequential scan over a table of more than
``LARGE_TABLE_ROWS`` rows is a finding: a page view must not read a whole large table.
"""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, text

from bench.report import RESULTS
from bench.targets import PUBLIC_BASE_URL, in_process

LARGE_TABLE_ROWS = 10_000
IGNORED = ("SAVEPOINT", "RELEASE", "ROLLBACK")
SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
# A caseload's ids, bound as one array: written as their number, not 300 UUIDs per line.
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ID_ARRAY = re.compile(rf"\{{{_UUID}(?:,{_UUID})+\}}")
ID_LIST = re.compile(rf"\[UUID\('{_UUID}'\)(?:, UUID\('{_UUID}'\))+\]")


def elide_ids(text: str) -> str:
    """Arrays and lists of ids in a plan or its parameters, shortened to how many there are."""
    text = ID_ARRAY.sub(lambda m: f"{{<{m.group(0).count(',') + 1} ids>}}", text)
    return ID_LIST.sub(lambda m: f"[<{m.group(0).count(',') + 1} UUIDs>]", text)


@dataclass
class PagePlans:
    name: str
    status: int
    statements: list[tuple[str, Any]] = field(default_factory=list)
    plans: list[str] = field(default_factory=list)
    seq_scans: list[str] = field(default_factory=list)

    @property
    def queries(self) -> int:
        return len(self.statements)


@contextmanager
def capture(engine: Any) -> Any:
    statements: list[tuple[str, Any]] = []

    def hook(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(IGNORED):
            statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", hook)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", hook)


def explain(engine: Any, statements: list[tuple[str, Any]]) -> tuple[list[str], list[str]]:
    """Plans of the SELECTs (writes are listed, not run again), and the large tables that any
    of them reads sequentially."""
    with engine.connect() as conn:
        large = {
            name
            for name, rows in conn.execute(
                text("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
            )
            if rows > LARGE_TABLE_ROWS
        }
        plans, seq = [], []
        for statement, parameters in statements:
            if not statement.lstrip().upper().startswith("SELECT"):
                plans.append(f"-- not a SELECT, not explained:\n{statement}\n")
                continue
            rows = conn.exec_driver_sql(
                "EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters
            ).fetchall()
            plan = "\n".join(r[0] for r in rows)
            plans.append(elide_ids(f"{statement}\n-- parameters: {parameters!r}\n{plan}\n"))
            seq += [t for t in SEQ_SCAN.findall(plan) if t in large]
        conn.rollback()
    return plans, seq


def capture_pages(victims: int) -> list[PagePlans]:
    targets, engine, client = in_process(victims)
    results = []
    for page in targets:
        headers = {"Cookie": page.cookie}
        base = PUBLIC_BASE_URL
        client.get(page.path, headers=headers, base_url=base)  # warm: first-use queries
        with capture(engine) as statements:
            response = client.get(page.path, headers=headers, base_url=base)
        result = PagePlans(page.name, response.status_code, list(statements))
        result.plans, result.seq_scans = explain(engine, result.statements)
        results.append(result)
    return results


def write(victims: int, results: list[PagePlans]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"plans-{victims}.txt"
    with path.open("w") as out:
        for result in results:
            out.write(f"==== {result.name}: HTTP {result.status}, {result.queries} queries")
            out.write(f", sequential scans of large tables: {result.seq_scans or 'none'}\n\n")
            out.write("\n".join(result.plans) + "\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plans", description=__doc__)
    parser.add_argument("--victims", type=int, default=300_000)
    args = parser.parse_args(argv)
    results = capture_pages(args.victims)
    path = write(args.victims, results)
    for r in results:
        print(f"{r.name:28} HTTP {r.status} {r.queries:3} queries  seq scans: {r.seq_scans}")
    print(f"plans in {path}")
    return 1 if any(r.seq_scans or r.status != 200 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
