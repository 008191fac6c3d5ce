"""``python -m bench``: run every benchmark and print its table; ``python -m bench NAME
[options]`` runs one (``notifications`` or ``pages``)."""

from __future__ import annotations

import sys

from bench import notifications, pages

BENCHMARKS = {"notifications": notifications.main, "pages": pages.main}


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] in BENCHMARKS:
        return BENCHMARKS[args[0]](args[1:])
    status = 0
    for name, benchmark in BENCHMARKS.items():
        status |= benchmark(args if name == "notifications" else [])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
