"""Encryption at rest for the sensitive columns (name, phone, city, need flags, self-check) and
the dialog state.

Values are sealed with AES-256-GCM under a key derived from the deployment's DATA_KEY (HKDF-
SHA256), as `v2:` + base64url(nonce ‖ ciphertext ‖ tag). GCM authenticates like Fernet's HMAC
does, and costs one call into OpenSSL: in the middle of an update (cold caches) a Fernet token
took about 70 µs to make against about 18 µs for GCM, and the bot seals the dialog state on
most updates (bench/compare.py counts them).

Values written before (Fernet tokens, which all begin with "gAAAAA") still open with the same
DATA_KEY; they are sealed again in the new form when next written, or all at once by
`rotate-key`. DATA_KEY keeps its form (a Fernet key: `make genkey`).
"""

from __future__ import annotations

import base64
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

SEALED = "v2:"
_NONCE = 12  # bytes: GCM's own size; random, so at most 2**32 values per key (far beyond ours)
_KEY_INFO = b"avrr data at rest v2 aes-256-gcm"
WRONG_KEY = "cannot decrypt: DATA_KEY is not the key this data was written with"


class DataCipher:
    """AES-256-GCM with a key derived from DATA_KEY; Fernet tokens of older rows still open."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))  # also checks that DATA_KEY is well formed
        secret = base64.urlsafe_b64decode(key.encode("ascii"))
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_KEY_INFO)
        self._aead = AESGCM(derived.derive(secret))

    def encrypt(self, value: str | None) -> str | None:
        return None if value is None else self.seal(value)

    def decrypt(self, token: str | None) -> str | None:
        return None if token is None else self.open(token)

    def seal(self, value: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = nonce + self._aead.encrypt(nonce, value.encode("utf-8"), None)
        return SEALED + base64.urlsafe_b64encode(sealed).decode("ascii")

    def open(self, token: str) -> str:
        """The value sealed in `token`; ValueError if this key did not seal it."""
        try:
            if token.startswith(SEALED):
                sealed = base64.urlsafe_b64decode(token[len(SEALED) :].encode("ascii"))
                nonce, body = sealed[:_NONCE], sealed[_NONCE:]
                plain = self._aead.decrypt(nonce, body, None)
            else:  # written before v2: a Fernet token
                plain = self._fernet.decrypt(token.encode("ascii"))
            return plain.decode("utf-8")
        except (InvalidTag, InvalidToken, ValueError):
            raise ValueError(WRONG_KEY) from None

    def opens(self, token: str | None) -> bool:
        """Whether `token` is a value this key sealed."""
        if token is None:
            return False
        try:
            self.open(token)
        except ValueError:
            return False
        return True

    def encrypt_json(self, value: Any) -> str | None:
        return None if value is None else self.encrypt(json.dumps(value, ensure_ascii=False))

    def decrypt_json(self, token: str | None) -> Any:
        plain = self.decrypt(token)
        return None if plain is None else json.loads(plain)


def reseal(token: str, new: DataCipher, old: DataCipher) -> str:
    """`token` (under either key, in either form) sealed again under `new`."""
    try:
        plain = new.open(token)
    except ValueError:
        plain = old.open(token)  # ValueError if neither key opens it
    return new.seal(plain)
