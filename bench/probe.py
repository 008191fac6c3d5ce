"""A notification worker process with CPU accounting: ``python -m bench.probe OUT.json
[flask notifications work options]``.

The bench starts its workers through this module instead of ``flask notifications work``. It
wraps the worker's steps (claim, send, record, reconcile) with thread CPU time
(``time.thread_time``: the calling thread's own CPU, not wall time, so it is less sensitive to
the other load on a shared machine than throughput is), runs the ordinary CLI command, and at
exit writes the totals, the process CPU and the peak RSS (``ru_maxrss``) to OUT.json.
"""

from __future__ import annotations

import atexit
import json
import resource
import sys
import threading
import time
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

STEPS = {"_claim": "claim", "_send": "send", "_record": "record", "reconcile_expired": "reconcile"}


def _process_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _instrument(totals: dict[str, float], lock: threading.Lock) -> None:
    from notifications.worker import Worker

    for attribute, step in STEPS.items():
        original: Callable[..., Any] = getattr(Worker, attribute)

        def timed(*args: Any, _original: Callable[..., Any] = original, _step: str = step) -> Any:
            started = time.thread_time()
            try:
                return _original(*args)
            finally:
                spent = time.thread_time() - started
                with lock:
                    totals[_step] = totals.get(_step, 0.0) + spent

        setattr(Worker, attribute, wraps(original)(timed))
    run = Worker.run

    @wraps(run)
    def timed_run(*args: Any, **kwargs: Any) -> Any:
        totals["started_cpu"] = _process_cpu()  # imports and app start-up are not counted
        return run(*args, **kwargs)

    Worker.run = timed_run  # type: ignore[method-assign]


def _count_sends(totals: dict[str, float], lock: threading.Lock) -> None:
    from notifications import worker as module

    original = module.record

    def counted(session: Any, outcomes: list[Any], *args: Any) -> Any:
        with lock:
            totals["messages"] = totals.get("messages", 0.0) + len(outcomes)
        return original(session, outcomes, *args)

    module.record = counted  # type: ignore[assignment]


def main() -> None:
    out = Path(sys.argv[1])
    totals: dict[str, float] = {}
    lock = threading.Lock()
    _instrument(totals, lock)
    _count_sends(totals, lock)

    def write() -> None:
        report = {
            **totals,
            "process_cpu": _process_cpu() - totals.get("started_cpu", 0.0),
            "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        }
        out.write_text(json.dumps(report))

    atexit.register(write)
    from flask.cli import main as flask_main

    sys.argv = ["flask", "--app", "portal", "notifications", "work", *sys.argv[2:]]
    flask_main()


if __name__ == "__main__":
    main()
