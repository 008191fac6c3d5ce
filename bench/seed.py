"""``python -m bench.seed --victims N``: a national amount of data in PostgreSQL, fast.

Shape per victim: one open case with one active ISVA, ~10 published updates, ~40 messages,
~5 audit rows, a phone contact point with ~4 sent notifications (one attempt each), and now and
then a call-back request, a held or overdue draft. One ISVA per ~300 cases, in up to 40
organisations, one supervisor each. Encrypted columns go through the portal's own key ring
(``portal.crypto``); every passphrase is one argon2 hash, made once. Rows go in by COPY with the
loaded tables' secondary indexes and constraints dropped first and rebuilt after (one sort per
index instead of one B-tree insert per row), then ANALYZE.

Every seeded account signs in with ``BENCH_PASSPHRASE``: victim ``victim{i}@bench.example.org``,
ISVA ``isva{k}@bench.example.org`` (TOTP secret ``BENCH_TOTP``). The keys the rows were sealed with
are written to ``instance/bench/<database>.json`` for the server to be started with.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy.engine import make_url

from portal.normalise import normalise_email, normalise_name

BENCH_PASSPHRASE = "correct horse battery staple bench"  # noqa: S105 (bench accounts only)
BENCH_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
SERVER = "postgresql://postgres@127.0.0.1:5432"
KEYS_DIR = Path("instance/bench")
CASES_PER_ISVA = 300
MAX_ORGANISATIONS = 40
UPDATES_PER_CASE = 10
MESSAGES_PER_CASE = 40
AUDITS_PER_CASE = 5
NOTIFICATIONS_PER_CASE = 4
# Published updates in journey order (a case moves along it); never sensitive keys first.
JOURNEY = (
    ("report_recorded", "police"),
    ("support_referral", "police"),
    ("investigation_update", "police"),
    ("vps_offered", "police"),
    ("investigation_update", "police"),
    ("file_to_cps", "police"),
    ("investigation_update", "police"),
    ("charged", "cps"),
    ("hearing_scheduled", "wcu"),
    ("special_measures", "wcu"),
    ("trial_date_set", "wcu"),
)
# The tables COPY fills, in foreign-key order.
TABLES = (
    "organisations",
    "users",
    "cases",
    "assignments",
    "case_updates",
    "messages",
    "callback_requests",
    "audit_events",
    "notification_contact_points",
    "notifications",
    "notification_attempts",
)


def database_url(victims: int) -> str:
    """``waypoint_bench_<victims>``; ``BENCH_DATABASE_PREFIX`` gives another name, so that two
    people benchmarking on one server do not reseed each other's databases."""
    prefix = os.environ.get("BENCH_DATABASE_PREFIX") or "waypoint_bench"
    return f"{SERVER}/{prefix}_{victims}"


def new_keys() -> dict[str, str]:
    def key() -> str:
        return base64.urlsafe_b64encode(os.urandom(32)).decode()

    return {
        "SECRET_KEY": base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "ENCRYPTION_KEYS": key(),
        "LOOKUP_HASH_KEY": key(),
    }


def keys_file(url: str) -> Path:
    return KEYS_DIR / f"{make_url(url).database}.json"


def recreate_database(url: str) -> None:
    name = make_url(url).database
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def migrate(url: str, keys: dict[str, str]) -> Any:
    """The schema exactly as production gets it (Alembic heads), and the app for its key ring."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.config import Settings

    app = create_app(Settings.from_env({"WAYPOINT_ENV": "test", "DATABASE_URL": url, **keys}))
    with app.app_context():
        upgrade(directory="migrations", revision="heads")
    return app


class Dropped:
    """The loaded tables' secondary indexes and non-primary constraints, dropped for the load
    and rebuilt from their own definitions after it."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn
        tables = list(TABLES)
        self.constraints = conn.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype"
            " FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s)"
            " AND c.contype IN ('f', 'u')",
            (tables,),
        ).fetchall()
        owned = {name for _, name, _, _ in self.constraints}
        self.indexes = [
            (name, definition)
            for name, definition in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)"
                " AND indexname NOT LIKE 'pk\\_%%'",
                (tables,),
            ).fetchall()
            if name not in owned
        ]

    def drop(self) -> None:
        for table, name, _, _ in sorted(self.constraints, key=lambda c: c[3]):  # f before u
            self.conn.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
        for name, _ in self.indexes:
            self.conn.execute(f'DROP INDEX "{name}"')

    def restore(self) -> None:
        for _, definition in self.indexes:
            self.conn.execute(definition)
        for table, name, definition, _ in sorted(self.constraints, key=lambda c: -ord(c[3])):
            self.conn.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')


def copy_rows(
    conn: psycopg.Connection[Any],
    table: str,
    columns: Sequence[str],
    rows: Iterable[tuple[Any, ...]],
) -> int:
    check_columns(table, columns)
    count = 0
    cols = ", ".join(columns)
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def check_columns(table: str, columns: Sequence[str]) -> None:
    """Every NOT NULL column of the model without a server default is given (the models are the
    schema's source; a server default fills the rest, as it does for the portal's inserts)."""
    from portal.db import Base

    model_table = Base.metadata.tables[table]
    missing = [
        c.name
        for c in model_table.columns
        if not c.nullable and c.server_default is None and c.name not in columns
    ]
    unknown = [c for c in columns if c not in model_table.columns]
    if missing or unknown:
        raise SystemExit(f"{table}: NOT NULL columns not seeded {missing}, unknown {unknown}")


class Shape:
    """Who is who: organisations, ISVAs and which ISVA holds which case."""

    def __init__(self, victims: int) -> None:
        self.victims = victims
        self.isvas = max(1, round(victims / CASES_PER_ISVA))
        self.orgs = min(MAX_ORGANISATIONS, self.isvas)
        self.org_ids = [uuid.uuid4() for _ in range(self.orgs)]
        self.isva_ids = [uuid.uuid4() for _ in range(self.isvas)]
        self.supervisor_ids = [uuid.uuid4() for _ in range(self.orgs)]
        self.now = datetime.now(UTC).replace(microsecond=0)

    def isva_of(self, case: int) -> int:
        return case % self.isvas

    def org_of_isva(self, isva: int) -> int:
        return isva % self.orgs


class Seeder:
    def __init__(self, shape: Shape, ring: Any, password_hash: str) -> None:
        self.s = shape
        self.ring = ring
        self.hash = password_hash
        self.rand = random.Random(15)
        self.victim_ids = [uuid.uuid4() for _ in range(shape.victims)]
        self.case_ids = [uuid.uuid4() for _ in range(shape.victims)]
        self.opened = [
            shape.now - timedelta(days=30 + self.rand.randrange(900), minutes=i % 1440)
            for i in range(shape.victims)
        ]
        self.contact_ids = [uuid.uuid4() for _ in range(shape.victims)]

    def seal(self, text: str, context: str) -> bytes:
        return self.ring.encrypt(text, context)

    def lookup(self, value: str, kind: str) -> str:
        return str(self.ring.lookup_hash(value, kind))

    def organisations(self) -> Iterator[tuple[Any, ...]]:
        for n, org_id in enumerate(self.s.org_ids):
            yield (org_id, f"Bench ISVA service {n}", "Waypoint", 1, 12, self.s.now)

    def users(self) -> Iterator[tuple[Any, ...]]:
        s = self.s
        for k, isva_id in enumerate(s.isva_ids):
            yield self._user(isva_id, s.org_ids[s.org_of_isva(k)], "isva", f"Isva {k}", f"isva{k}")
        for n, sup_id in enumerate(s.supervisor_ids):
            yield self._user(sup_id, s.org_ids[n], "supervisor", f"Supervisor {n}", f"sup{n}")
        for i, victim_id in enumerate(self.victim_ids):
            org = s.org_ids[s.org_of_isva(s.isva_of(i))]
            yield self._user(victim_id, org, "victim", f"Victim {i}", f"victim{i}")

    def _user(self, uid: uuid.UUID, org: uuid.UUID, role: str, name: str, local: str) -> Any:
        email = f"{local}@bench.example.org"
        staff = role != "victim"
        now = self.s.now
        return (
            uid,
            org,
            role,
            self.seal(name, "users.display_name"),
            self.lookup(normalise_name(name), "name"),
            self.seal(email, "users.email"),
            self.lookup(normalise_email(email), "email"),
            self.hash,
            True,
            self.seal(BENCH_TOTP, "users.totp_secret") if staff else None,
            now if staff else None,
            now,
            now,
            now - timedelta(days=400),
        )

    USER_COLUMNS = [
        "id",
        "organisation_id",
        "role",
        "display_name",
        "display_name_lookup",
        "email",
        "email_lookup",
        "password_hash",
        "is_enabled",
        "totp_secret",
        "totp_confirmed_at",
        "safety_info_seen_at",
        "password_changed_at",
        "created_at",
    ]

    def cases(self) -> Iterator[tuple[Any, ...]]:
        s = self.s
        for i, case_id in enumerate(self.case_ids):
            org = s.org_ids[s.org_of_isva(s.isva_of(i))]
            yield (case_id, org, f"WP-{i:07d}", self.victim_ids[i], "open", self.opened[i],
                   self.opened[i])  # fmt: skip

    def assignments(self) -> Iterator[tuple[Any, ...]]:
        s = self.s
        for i, case_id in enumerate(self.case_ids):
            isva = s.isva_ids[s.isva_of(i)]
            sup = s.supervisor_ids[s.org_of_isva(s.isva_of(i))]
            yield (uuid.uuid4(), case_id, isva, sup, self.opened[i], None, self.opened[i])

    def updates(self) -> Iterator[tuple[Any, ...]]:
        sections = {
            "what_happened": "The officer in your case has been in touch with an update.",
            "what_it_means": "Nothing you need to do right now.",
            "what_happens_next": "We will tell you when we hear more.",
            "who_to_contact": "Your ISVA, by message or phone.",
            "your_rights": "You can ask for an update at any time.",
        }
        body = json.dumps(sections)
        s = self.s
        for i, case_id in enumerate(self.case_ids):
            author = s.isva_ids[s.isva_of(i)]
            count = UPDATES_PER_CASE - 1 + (i % 3)  # 9..11
            step = (s.now - self.opened[i]) / (count + 1)
            for n in range(count):
                key, agency = JOURNEY[n % len(JOURNEY)]
                at = self.opened[i] + step * (n + 1)
                last = n == count - 1
                status = "published"
                published_at: datetime | None = at
                if last and i % 20 == 0:
                    status, published_at = "draft", None  # a Victims' Code deadline coming up
                elif last and i % 25 == 1:
                    status, published_at = "held_isva_first", None
                read = None if (published_at is None or (last and i % 4 == 0)) else at
                due = (at + timedelta(days=2)).date() if published_at is None else None
                yield (uuid.uuid4(), case_id, key, agency, at.date(), at, status, False,
                       published_at, author, self.seal(body, "case_updates.body"), 1, due,
                       self._window(key, at), read, at, at)  # fmt: skip

    @staticmethod
    def _window(key: str, at: datetime) -> date | None:
        return (at + timedelta(days=30)).date() if key == "charged" else None

    UPDATE_COLUMNS = [
        "id",
        "case_id",
        "event_key",
        "source_agency",
        "event_date",
        "learned_at",
        "status",
        "quiet_hours_override",
        "published_at",
        "author_id",
        "body",
        "version",
        "due_on",
        "window_closes_on",
        "read_at",
        "updated_at",
        "created_at",
    ]

    def messages(self) -> Iterator[tuple[Any, ...]]:
        s = self.s
        texts = (
            "Thank you for letting me know. I will check with the officer and come back to you.",
            "Is there any news about my case? I have not heard anything for a while.",
            "I can call you tomorrow morning if that suits you. Let me know a good time.",
            "Thanks, that helps. Could you tell me what happens next?",
        )
        for i, case_id in enumerate(self.case_ids):
            isva = s.isva_ids[s.isva_of(i)]
            victim = self.victim_ids[i]
            count = MESSAGES_PER_CASE - 5 + (i % 11)  # 35..45
            step = (s.now - self.opened[i]) / (count + 1)
            for n in range(count):
                at = self.opened[i] + step * (n + 1)
                from_victim = n % 2 == 0
                unread = n == count - 1 and from_victim and i % 3 == 0
                yield (
                    uuid.uuid4(), case_id, n + 1, victim if from_victim else isva,
                    "victim" if from_victim else "isva",
                    "to_service" if from_victim else "to_victim",
                    self.seal(texts[(i + n) % len(texts)], "messages.body"), uuid.uuid4().hex,
                    None if unread or not from_victim else at,
                    None if unread or not from_victim else isva,
                    at if from_victim else at + timedelta(hours=3), at,
                )  # fmt: skip

    MESSAGE_COLUMNS = [
        "id",
        "case_id",
        "seq",
        "author_id",
        "author_role",
        "direction",
        "body",
        "idempotency_key",
        "read_by_service_at",
        "read_by_service_id",
        "read_by_victim_at",
        "created_at",
    ]

    def callbacks(self) -> Iterator[tuple[Any, ...]]:
        for i, case_id in enumerate(self.case_ids):
            if i % 10 == 0:
                at = self.s.now - timedelta(days=i % 7)
                safe = self.seal("Weekday mornings", "callback_requests.safe_times")
                yield (uuid.uuid4(), case_id, self.victim_ids[i], "asked", safe, False, "open", at)

    def audits(self) -> Iterator[tuple[Any, ...]]:
        s = self.s
        actions = ("case.view_case", "case.view_messages", "case.view_case_content")
        for i, case_id in enumerate(self.case_ids):
            k = s.isva_of(i)
            org = s.org_ids[s.org_of_isva(k)]
            step = (s.now - self.opened[i]) / (AUDITS_PER_CASE + 1)
            for n in range(AUDITS_PER_CASE):
                yield (uuid.uuid4(), self.opened[i] + step * (n + 1), s.isva_ids[k], "isva",
                       actions[n % 3], "allowed", org, case_id, "case", str(case_id))  # fmt: skip

    def contact_points(self) -> Iterator[tuple[Any, ...]]:
        for i, victim in enumerate(self.victim_ids):
            phone = f"+447700{i:06d}"[:13]
            at = self.opened[i]
            yield (self.contact_ids[i], victim, "sms",
                   self.seal(phone, "notification_contact_points.address"),
                   self.lookup(phone, "phone"), at, at, 0, True, at, at)  # fmt: skip

    def notifications(self) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
        for i, case_id in enumerate(self.case_ids):
            step = (self.s.now - self.opened[i]) / (NOTIFICATIONS_PER_CASE + 1)
            for n in range(NOTIFICATIONS_PER_CASE):
                at = self.opened[i] + step * (n + 1)
                nid = uuid.uuid4()
                failed = n == NOTIFICATIONS_PER_CASE - 1 and i % 50 == 0
                status = "failed_permanent" if failed else "delivered"
                yield (
                    (nid, self.victim_ids[i], "sms", self.contact_ids[i], "update_published",
                     "investigation", case_id, "new_update", 1, f"bench:{case_id}:{n}",
                     uuid.uuid4().hex + uuid.uuid4().hex[:32], status, at, 1,
                     None if failed else at, None if failed else at, at, at),
                    (uuid.uuid4(), nid, 1, "twilio", status,
                     json.dumps([["sending", at.isoformat()], [status, at.isoformat()]]),
                     at, at),
                )  # fmt: skip

    NOTIFICATION_COLUMNS = [
        "id",
        "recipient_id",
        "channel",
        "contact_point_id",
        "kind",
        "category",
        "case_id",
        "template",
        "template_version",
        "source_key",
        "dedupe_key",
        "status",
        "not_before",
        "attempts",
        "sent_at",
        "delivered_at",
        "updated_at",
        "created_at",
    ]


def seed(victims: int, url: str) -> dict[str, int]:
    from portal import crypto
    from portal.passwords import hash_password

    keys = new_keys()
    recreate_database(url)
    migrate(url, keys)
    path = keys_file(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(keys))
    ring = crypto.configure(
        [base64.urlsafe_b64decode(keys["ENCRYPTION_KEYS"])], keys["LOOKUP_HASH_KEY"]
    )
    seeder = Seeder(Shape(victims), ring, hash_password(BENCH_PASSPHRASE))
    counts: dict[str, int] = {}
    with psycopg.connect(url) as conn:
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET maintenance_work_mem = '256MB'")
        dropped = Dropped(conn)
        dropped.drop()
        counts["organisations"] = copy_rows(
            conn,
            "organisations",
            [
                "id",
                "name",
                "service_name",
                "reply_target_working_days",
                "retention_months",
                "created_at",
            ],
            seeder.organisations(),
        )
        counts["users"] = copy_rows(conn, "users", Seeder.USER_COLUMNS, seeder.users())
        counts["cases"] = copy_rows(
            conn,
            "cases",
            [
                "id",
                "organisation_id",
                "reference",
                "victim_id",
                "status",
                "opened_at",
                "created_at",
            ],
            seeder.cases(),
        )
        counts["assignments"] = copy_rows(
            conn,
            "assignments",
            ["id", "case_id", "isva_id", "assigned_by_id", "starts_at", "ends_at", "created_at"],
            seeder.assignments(),
        )
        counts["case_updates"] = copy_rows(
            conn, "case_updates", Seeder.UPDATE_COLUMNS, seeder.updates()
        )
        counts["messages"] = copy_rows(conn, "messages", Seeder.MESSAGE_COLUMNS, seeder.messages())
        counts["callback_requests"] = copy_rows(
            conn,
            "callback_requests",
            [
                "id",
                "case_id",
                "requested_by_id",
                "reason",
                "safe_times",
                "voicemail_ok",
                "status",
                "created_at",
            ],
            seeder.callbacks(),
        )
        counts["audit_events"] = copy_rows(
            conn,
            "audit_events",
            [
                "id",
                "occurred_at",
                "actor_id",
                "actor_role",
                "action",
                "outcome",
                "organisation_id",
                "case_id",
                "object_type",
                "object_id",
            ],
            seeder.audits(),
        )
        counts["notification_contact_points"] = copy_rows(
            conn,
            "notification_contact_points",
            [
                "id",
                "user_id",
                "channel",
                "address",
                "address_lookup",
                "safe_confirmed_at",
                "verified_at",
                "verification_attempts",
                "enabled",
                "updated_at",
                "created_at",
            ],
            seeder.contact_points(),
        )
        attempts: list[tuple[Any, ...]] = []

        def notifications() -> Iterator[tuple[Any, ...]]:
            for row, attempt in seeder.notifications():
                attempts.append(attempt)
                yield row

        counts["notifications"] = copy_rows(
            conn, "notifications", Seeder.NOTIFICATION_COLUMNS, notifications()
        )
        counts["notification_attempts"] = copy_rows(
            conn,
            "notification_attempts",
            [
                "id",
                "notification_id",
                "number",
                "provider",
                "status",
                "history",
                "started_at",
                "finished_at",
            ],
            attempts,
        )
        conn.commit()
        started = time.perf_counter()
        dropped.restore()
        conn.commit()
        counts["_index_seconds"] = round(time.perf_counter() - started)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.seed", description=__doc__)
    parser.add_argument("--victims", type=int, default=300_000)
    parser.add_argument("--database-url", help="default: waypoint_bench_<victims> on loopback")
    args = parser.parse_args(argv)
    url = args.database_url or database_url(args.victims)
    started = time.perf_counter()
    counts = seed(args.victims, url)
    elapsed = time.perf_counter() - started
    total = sum(v for k, v in counts.items() if not k.startswith("_"))
    for table, count in counts.items():
        print(f"{table:32} {count:>12,}")
    print(f"{'rows':32} {total:>12,}  in {elapsed:.0f} s ({total / elapsed:,.0f} rows/s)")
    print(f"database {make_url(url).database}; keys in {keys_file(url)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
