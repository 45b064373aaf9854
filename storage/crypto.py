"""Encryption at rest for the sensitive columns (name, phone, city, need flags, self-check)."""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken


class DataCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) with the deployment's DATA_KEY."""

    def __init__(self, key: str) -> None:
        self._fernet = Fernet(key.encode("ascii"))

    def encrypt(self, value: str | None) -> str | None:
        if value is None:
            return None
        return self._fernet.encrypt(value.encode("utf-8")).decode("ascii")

    def decrypt(self, token: str | None) -> str | None:
        if token is None:
            return None
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except InvalidToken:
            raise ValueError(
                "cannot decrypt: DATA_KEY is not the key this data was written with"
            ) from None

    def encrypt_json(self, value: Any) -> str | None:
        return None if value is None else self.encrypt(json.dumps(value, ensure_ascii=False))

    def decrypt_json(self, token: str | None) -> Any:
        plain = self.decrypt(token)
        return None if plain is None else json.loads(plain)
