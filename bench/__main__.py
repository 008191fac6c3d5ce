"""``python -m bench``: run every benchmark and print its table."""

from __future__ import annotations

import sys

from bench import notifications

BENCHMARKS = [notifications.main]


def main() -> int:
    status = 0
    for benchmark in BENCHMARKS:
        status |= benchmark(sys.argv[1:])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
