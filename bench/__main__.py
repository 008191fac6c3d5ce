"""``python -m bench [notification options]`` (``make bench``): the send path, then the pages,
then ONE table of every figure with a line per target (bench/report.py), kept in bench/results/
as ``bench-<stamp>.txt`` / ``.json`` and ``latest.txt``. ``python -m bench NAME [options]``
runs one benchmark (``notifications`` or ``pages``) and prints its own table."""

from __future__ import annotations

import sys

from bench import notifications, pages, report

BENCHMARKS = {"notifications": notifications.main, "pages": pages.main}


def main() -> int:
    args = sys.argv[1:]
    if args and args[0] in BENCHMARKS:
        return BENCHMARKS[args[0]](args[1:])
    options = notifications.parse(args)
    notes = [notifications.choose_database()]
    print(f"bench: {notes[0]}", file=sys.stderr, flush=True)
    sends = notifications.run(options)
    page_rows: list[report.PageRow] = []
    skipped = pages.unavailable()
    if skipped:
        notes.append(skipped)
    else:
        print("bench: pages", file=sys.stderr, flush=True)
        page_rows = pages.run()
        notes.append(pages.note())
    text = report.render(page_rows, sends, notes)
    print(text)
    kept = report.keep(text, report.to_json(page_rows, sends, notes))
    print(f"kept in {kept} (and {kept.with_suffix('.json').name}, latest.txt)")
    return 1 if skipped or notifications.failed(sends) else 0


if __name__ == "__main__":
    raise SystemExit(main())
