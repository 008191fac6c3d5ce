"""``flask keys generate`` and ``flask keys rotate``: encryption keys and re-encryption.

To rotate: generate a key, put it FIRST in ENCRYPTION_KEYS (keep the old ones after it), restart,
run ``flask keys rotate``, then remove the old key. Rotation finds every EncryptedText column
in the SQLAlchemy metadata, so a model added later is covered without touching this file.
It works in batches (one commit each), only rewrites a value if it still holds the ciphertext
it read (a concurrent edit wins), is safe to run again, and prints counts, never contents.
"""

from __future__ import annotations

from dataclasses import dataclass

import click
from flask.cli import AppGroup
from sqlalchemy import Column, LargeBinary, Table, select, type_coerce, update
from sqlalchemy.orm import Session

from portal.config import new_key
from portal.crypto import DecryptionError, EncryptedText, ring
from portal.extensions import db

keys_cli = AppGroup("keys", help="Encryption keys: generate a new one, re-encrypt with the newest.")


@dataclass
class ColumnReport:
    table: str
    column: str
    checked: int = 0
    rotated: int = 0
    skipped: int = 0  # changed by someone else between our read and our write

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"


def encrypted_columns() -> list[tuple[Table, Column]]:
    """Every EncryptedText column of every table the models declare."""
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, EncryptedText):
                found.append((table, column))
    return found


def rotate_column(
    session: Session, table: Table, column: Column, batch_size: int = 500
) -> ColumnReport:
    """Re-encrypt one column's values made with an older key, committing each batch."""
    primary = list(table.primary_key.columns)
    if len(primary) != 1:
        raise click.ClickException(f"{table.name}: rotation needs a single-column primary key")
    pk = primary[0]
    raw = type_coerce(column, LargeBinary)
    report = ColumnReport(table.name, column.name)
    key_ring = ring()
    assert isinstance(column.type, EncryptedText)
    context = column.type.context
    last = None
    while True:
        query = select(pk, raw).where(column.isnot(None)).order_by(pk).limit(batch_size)
        if last is not None:
            query = query.where(pk > last)
        rows = session.execute(query).all()
        if not rows:
            break
        for row_id, token in rows:
            report.checked += 1
            token = bytes(token)
            if not key_ring.needs_rotation(token):
                continue
            try:
                plaintext = key_ring.decrypt(token, context)
            except DecryptionError:
                raise click.ClickException(
                    f"{report.name} row {row_id}: no key in ENCRYPTION_KEYS opens this value "
                    "(an old key removed too early, or tampered data). Nothing else was changed "
                    "in this batch."
                ) from None
            # Written through the column type, so it is encrypted with the newest key; only if
            # the stored ciphertext is still the one we read.
            result = session.execute(
                update(table).where(pk == row_id, raw == token).values({column.name: plaintext})
            )
            if result.rowcount == 1:  # type: ignore[attr-defined]
                report.rotated += 1
            else:
                report.skipped += 1
        session.commit()
        last = rows[-1][0]
    return report


def rotate_all(session: Session, batch_size: int = 500) -> list[ColumnReport]:
    return [rotate_column(session, t, c, batch_size) for t, c in encrypted_columns()]


@keys_cli.command("generate")
def generate() -> None:
    """Print a new random key (urlsafe base64, 32 bytes) for ENCRYPTION_KEYS."""
    click.echo(new_key())


@keys_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 100_000))
def rotate(batch_size: int) -> None:
    """Re-encrypt every encrypted field that was encrypted with an older key."""
    reports = rotate_all(db.session(), batch_size)
    for report in reports:
        click.echo(
            f"{report.name}: {report.checked} checked, {report.rotated} re-encrypted"
            + (f", {report.skipped} changed meanwhile (run again)" if report.skipped else "")
        )
    total = sum(r.rotated for r in reports)
    click.echo(f"Done: {total} value(s) re-encrypted with the newest key.")
