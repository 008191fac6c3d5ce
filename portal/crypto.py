"""Field encryption at rest and keyed hashes for lookup.

AES-256-GCM with a key ring: the newest key encrypts, every key decrypts, so adding a key is
a rotation that never makes old rows unreadable (``flask keys rotate`` re-encrypts them).
Each ciphertext carries a short id of its key, so decryption tries the right key first.
The column name is bound in as associated data so a ciphertext cannot be moved to another field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import LargeBinary
from sqlalchemy.types import TypeDecorator

VERSION = b"\x01"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """No key in the ring opens this ciphertext (wrong keys, or tampered data)."""


def key_id(key: bytes) -> bytes:
    return hashlib.sha256(b"waypoint-key-id" + key).digest()[:4]


@dataclass
class KeyRing:
    keys: list[bytes]
    lookup_key: bytes

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("a key ring needs at least one key")
        self._by_id = {key_id(k): AESGCM(k) for k in self.keys}
        self._primary_id = key_id(self.keys[0])

    def encrypt(self, plaintext: str, context: str = "") -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._by_id[self._primary_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode()
        )
        return VERSION + self._primary_id + nonce + sealed

    def decrypt(self, token: bytes, context: str = "") -> str:
        if len(token) < 1 + 4 + NONCE_BYTES + 16 or token[:1] != VERSION:
            raise DecryptionError("not a Waypoint ciphertext")
        kid, nonce, sealed = token[1:5], token[5 : 5 + NONCE_BYTES], token[5 + NONCE_BYTES :]
        cipher = self._by_id.get(kid)
        if cipher is None:
            raise DecryptionError("ciphertext was made with a key that is not in the ring")
        try:
            return cipher.decrypt(nonce, sealed, context.encode()).decode("utf-8")
        except InvalidTag:
            raise DecryptionError("ciphertext failed authentication") from None

    def needs_rotation(self, token: bytes) -> bool:
        return token[1:5] != self._primary_id

    def lookup_hash(self, normalised: str, purpose: str) -> str:
        """Keyed hash of an already-normalised value: equal inputs match, a dump reveals nothing."""
        mac = hmac.new(self.lookup_key, f"{purpose}\x00{normalised}".encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


_ring: KeyRing | None = None


def configure(keys: list[bytes], lookup_key: bytes | str) -> KeyRing:
    """Install the process-wide key ring (create_app calls this)."""
    global _ring
    if isinstance(lookup_key, str):
        lookup_key = lookup_key.encode()
    _ring = KeyRing(list(keys), lookup_key)
    return _ring


def ring() -> KeyRing:
    if _ring is None:
        raise RuntimeError("encryption keys are not configured; create the app first")
    return _ring


def lookup_hash(normalised: str, purpose: str) -> str:
    return ring().lookup_hash(normalised, purpose)


class EncryptedText(TypeDecorator[str]):
    """A text column stored as AES-GCM ciphertext; ``context`` binds it to its field."""

    impl = LargeBinary
    cache_ok = True

    def __init__(self, context: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.context = context

    def process_bind_param(self, value: str | None, dialect: Any) -> bytes | None:
        if value is None:
            return None
        return ring().encrypt(value, self.context)

    def process_result_value(self, value: bytes | None, dialect: Any) -> str | None:
        if value is None:
            return None
        return ring().decrypt(bytes(value), self.context)
