"""``python -m bench.cpu``: CPU time per request of each benchmarked page, in process.

The real app (production settings, the seeded database) answers each page of bench/targets.py
through Flask's test client, signed in as the bench victim or ISVA, ``--requests`` times after
a warm-up; the median process CPU time per request is printed. No server, no load generator,
no concurrency: the figure is the portal's own fixed cost per page, which other load on a shared
machine disturbs far less than throughput. Beside it, the mean CPU time of the PostgreSQL
backends serving the app (from /proc, when the server is local; clock ticks, so a mean over the
run). ``--profile PAGE`` prints that page's cProfile.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

from bench.targets import PUBLIC_BASE_URL, in_process

BASE_URL = PUBLIC_BASE_URL


def backend_seconds(engine: Any) -> float | None:
    """CPU seconds used so far by the PostgreSQL backends connected to the app's database
    (None when they cannot be read: another machine, or no access to /proc). Asked on a
    connection of its own, outside the app's pool."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:  # a connection of its own, never the app's
        pids = [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        ]
        total = 0
        for pid in pids:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                return None
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__)
    parser.add_argument("--victims", type=int, default=1_000)
    parser.add_argument("--database-url", help="default: waypoint_bench_<victims> on loopback")
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--profile", help="a page name (or the start of one) to profile")
    parser.add_argument("--sort", default="cumulative", help="cProfile sort key")
    parser.add_argument("--limit", type=int, default=40)
    args = parser.parse_args(argv)
    targets, engine, client = in_process(args.victims, args.database_url)
    for page in targets:
        headers = {"Cookie": page.cookie}
        for _ in range(3):  # warm: templates compiled, first-use queries
            response = client.get(page.path, headers=headers, base_url=BASE_URL)
        if response.status_code != 200:
            print(f"{page.name}: HTTP {response.status_code}", file=sys.stderr)
            return 1
        if args.profile and page.name.startswith(args.profile):
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.requests):
                client.get(page.path, headers=headers, base_url=BASE_URL)
            profile.disable()
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.limit)
            continue
        times = []
        backend_before = backend_seconds(engine)
        for _ in range(args.requests):
            started = time.process_time()
            response = client.get(page.path, headers=headers, base_url=BASE_URL)
            times.append((time.process_time() - started) * 1000)
        backend_after = backend_seconds(engine)
        backend = "?"
        if backend_before is not None and backend_after is not None:
            backend = f"{(backend_after - backend_before) * 1000 / args.requests:5.2f}"
        size = len(response.data)
        print(
            f"{page.name:28} {statistics.median(times):7.2f} ms CPU"
            f"  (PostgreSQL {backend} ms)  {size:7,} bytes"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
