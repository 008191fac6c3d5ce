"""Encryption at rest: key rotation, tampering, moved ciphertexts, and no plaintext in a dump."""

from __future__ import annotations

import pytest
from sqlalchemy import LargeBinary, bindparam, inspect, select, text, type_coerce, update

from portal import crypto
from portal.cli_keys import encrypted_columns
from portal.config import decode_key, new_key
from portal.crypto import DecryptionError, KeyRing, key_id
from portal.models import Role, User
from portal.normalise import normalise_email, normalise_phone
from tests.support.factories import make_org, make_user

users = User.__table__


@pytest.fixture
def restore_ring():
    """Tests here swap the process-wide key ring; put the test suite's ring back after."""
    original = crypto.ring()
    yield original
    crypto.configure(original.keys, original.lookup_key)


def raw(session, column, user_id) -> bytes:
    return bytes(
        session.execute(
            select(type_coerce(column, LargeBinary)).where(users.c.id == user_id)
        ).scalar_one()
    )


def test_old_ciphertexts_still_open_when_a_new_key_is_put_first():
    old, new = decode_key(new_key()), decode_key(new_key())
    token = KeyRing([old], b"l").encrypt("Ruth", "users.display_name")
    rotated = KeyRing([new, old], b"l")
    assert rotated.decrypt(token, "users.display_name") == "Ruth"
    assert rotated.needs_rotation(token)
    assert not rotated.needs_rotation(rotated.encrypt("Ruth", "users.display_name"))
    with pytest.raises(DecryptionError):
        KeyRing([new], b"l").decrypt(token, "users.display_name")


def test_rotate_reencrypts_every_encrypted_column_so_the_old_key_can_go(app, session, restore_ring):
    org = make_org(session)
    people = [make_user(session, org, Role.VICTIM, name=f"Name {n}") for n in range(5)]
    people[0].phone = "+447700900123"
    session.flush()
    ids = [p.id for p in people]
    old_keys = restore_ring.keys
    fresh = decode_key(new_key())
    crypto.configure([fresh, *old_keys], restore_ring.lookup_key)

    session.expire_all()
    assert session.get(User, ids[3]).display_name == "Name 3"  # old rows still readable

    runner = app.test_cli_runner()
    result = runner.invoke(args=["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    assert "users.display_name: 5 checked, 5 re-encrypted" in result.output
    assert "users.email: 5 checked, 5 re-encrypted" in result.output
    assert "users.phone: 1 checked, 1 re-encrypted" in result.output
    # Discovered from the metadata: every encrypted column of every model is covered.
    for table, column in encrypted_columns():
        assert f"{table.name}.{column.name}:" in result.output
    assert {f"{t.name}.{c.name}" for t, c in encrypted_columns()} >= {
        "users.display_name",
        "users.email",
    }
    for person_id in ids:
        assert raw(session, users.c.email, person_id)[1:5] == key_id(fresh)
    assert "Name" not in result.output  # counts only, never contents
    assert "example.org" not in result.output

    crypto.configure([fresh], restore_ring.lookup_key)  # the old key is gone
    session.expire_all()
    assert [session.get(User, i).display_name for i in ids] == [f"Name {n}" for n in range(5)]
    assert session.get(User, ids[0]).phone == "+447700900123"

    again = runner.invoke(args=["keys", "rotate"])
    assert again.exit_code == 0
    assert "Done: 0 value(s) re-encrypted" in again.output  # idempotent


def test_rotate_stops_loudly_on_a_value_no_key_opens(app, session, restore_ring):
    person = make_user(session, make_org(session), Role.VICTIM, name="Kept")
    crypto.configure([decode_key(new_key())], restore_ring.lookup_key)  # old key lost
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code != 0
    assert "no key in ENCRYPTION_KEYS opens this value" in result.output
    assert str(person.id) in result.output  # which row, never what it holds
    assert "Kept" not in result.output


def test_generate_prints_a_usable_key(app):
    result = app.test_cli_runner().invoke(args=["keys", "generate"])
    assert result.exit_code == 0
    assert len(decode_key(result.output.strip())) == 32


def test_a_tampered_ciphertext_fails_loudly(session):
    person = make_user(session, make_org(session), Role.VICTIM, name="Ruth")
    token = bytearray(raw(session, users.c.display_name, person.id))
    token[-1] ^= 0x01
    session.execute(
        update(users)
        .where(users.c.id == person.id)
        .values(display_name=bindparam("v", bytes(token), type_=LargeBinary()))
    )
    session.expire_all()
    with pytest.raises(DecryptionError, match="failed authentication"):
        session.get(User, person.id).display_name  # noqa: B018


def test_a_ciphertext_moved_to_another_column_does_not_open(session):
    """The column name is bound in as associated data: copying the email ciphertext into the
    name column (or another row's name into this one) yields an error, not the email."""
    person = make_user(session, make_org(session), Role.VICTIM, name="Ruth")
    session.execute(update(users).where(users.c.id == person.id).values(display_name=users.c.email))
    session.expire_all()
    with pytest.raises(DecryptionError):
        session.get(User, person.id).display_name  # noqa: B018


def test_a_raw_dump_holds_no_readable_personal_data(app, session, client_request, login_as):
    """Plant markers in every encrypted field, then read every column of every table with
    plain SQL: neither the marker, nor the normalised email, nor the phone number appear."""
    org = make_org(session)
    name = "Zebulon Quixotic-Marker"
    email = "Zebulon.Quixotic@Example.ORG"
    phone = "07911 123461"
    person = make_user(session, org, Role.VICTIM, name=name, email=email)
    person.phone = normalise_phone(phone)
    isva = make_user(session, org, Role.ISVA, name="Quentin Marker-Isva")
    isva.totp_secret = "JBSWY3DPEHPK3PXPMARKERSECRET"
    session.flush()
    from tests.support.factories import make_case

    case = make_case(session, org, person, isva)
    login_as(isva)
    client_request.get("caseworker.case_page", case_id=case.id)  # writes an audit row too

    needles = {
        "zebulon",
        "quixotic",
        "quentin",
        normalise_email(email),
        normalise_phone(phone),
        "7911123461",
        "markersecret",
    }
    connection = session.connection()
    tables = inspect(connection).get_table_names()
    assert {"users", "cases", "audit_events"} <= set(tables)
    scanned = 0
    for table in tables:
        for row in connection.execute(text(f'SELECT * FROM "{table}"')):  # noqa: S608
            for value in row:
                if value is None:
                    continue
                if isinstance(value, bytes | bytearray | memoryview):
                    haystack = bytes(value).decode("latin-1").lower()
                else:
                    haystack = str(value).lower()
                scanned += 1
                for needle in needles:
                    assert needle not in haystack, f"{needle!r} readable in table {table}"
    assert scanned > 20
    # And the data really is there, readable through the application.
    session.expire_all()
    assert session.get(User, person.id).display_name == name


def test_rotate_never_overwrites_a_value_changed_while_it_ran(session, restore_ring, monkeypatch):
    """Rotation writes a value back only if it still holds the ciphertext that was read, so an
    edit made meanwhile (here: during decryption) is kept, and counted for a second run."""
    from portal.cli_keys import rotate_column

    person = make_user(session, make_org(session), Role.VICTIM, name="Before")
    crypto.configure([decode_key(new_key()), *restore_ring.keys], restore_ring.lookup_key)
    key_ring = crypto.ring()
    original = key_ring.decrypt

    edited: list[bool] = []

    def decrypt_while_someone_edits(token: bytes, context: str = "") -> str:
        plaintext = original(token, context)
        if not edited:
            edited.append(True)
            session.execute(
                update(users).where(users.c.id == person.id).values(display_name="After")
            )
        return plaintext

    monkeypatch.setattr(key_ring, "decrypt", decrypt_while_someone_edits)
    report = rotate_column(session, users, users.c.display_name)
    assert report.skipped == 1
    session.expire_all()
    assert session.get(User, person.id).display_name == "After"
