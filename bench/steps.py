"""The worker's database steps alone: ``python -m bench.steps [--count N] [--batch B]
[--channel sms|email]``.

Publishes ``count`` notifications at once, then claims them ``batch`` at a time and records
each claim as sent (half a batch per record, as the worker does), in this thread, with no
provider call and no other process: the claim's and the record's CPU per message, measured
with ``time.thread_time``. Far steadier on a shared machine than the end-to-end bench, so a
change to claims.py or recording.py can be compared against main in a minute (run it in each
tree, alternately). PostgreSQL when BENCH_DATABASE_URL or TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

from bench.notifications import fresh_app, publish_at_once, seed
from notifications.providers.base import SENT
from notifications.recording import Outcome
from notifications.worker import Worker
from portal import create_app
from tests.conftest import make_settings, migrate
from tests.support.databases import DatabaseFactory

# Providers are built but never called: nothing listens on port 9 (discard).
PROVIDERS = {
    "SMS_PROVIDER": "twilio",
    "TWILIO_ACCOUNT_SID": "AC" + "0" * 32,
    "TWILIO_AUTH_TOKEN": "unused",
    "TWILIO_MESSAGING_SERVICE_SID": "MG" + "0" * 32,
    "TWILIO_API_BASE_URL": "http://127.0.0.1:9",
    "EMAIL_PROVIDER": "smtp",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 9,
    "SMTP_STARTTLS": False,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.steps", description=__doc__)
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--channel", default="sms", choices=["sms", "email"])
    args = parser.parse_args()
    logging.disable(logging.INFO)
    if os.environ.get("BENCH_DATABASE_URL"):
        os.environ["TEST_DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    workdir = Path(tempfile.mkdtemp(prefix="waypoint-steps-"))
    factory = DatabaseFactory(workdir)
    factory.create_empty(factory.template_url)
    migrate(create_app(make_settings(factory.template_url, workdir / "instance")))
    try:
        with fresh_app(factory, workdir, "steps", 8, PROVIDERS) as app:
            publish_at_once(app, seed(app, args.channel, args.count))
            worker = Worker(app, concurrency=4)
            claim_cpu = record_cpu = 0.0
            done = 0
            while True:
                started = time.thread_time()
                jobs = worker._claim(args.batch)
                claim_cpu += time.thread_time() - started
                if not jobs:
                    break
                outcomes = [
                    Outcome(j.notification_id, j.attempt_id, SENT, f"SM{j.attempt_id.hex}")
                    for j in jobs
                ]
                half = max(1, args.batch // 2)
                started = time.thread_time()
                for start in range(0, len(outcomes), half):
                    worker._record(outcomes[start : start + half])
                record_cpu += time.thread_time() - started
                done += len(jobs)
    finally:
        factory.drop_all()
    print(
        f"{args.channel}: {done} sends, batch {args.batch}; CPU per message: "
        f"claim {claim_cpu * 1000 / max(done, 1):.3f} ms, "
        f"record {record_cpu * 1000 / max(done, 1):.3f} ms"
    )


if __name__ == "__main__":
    main()
