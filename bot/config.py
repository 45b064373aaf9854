"""Settings from the environment and `.env`. A bad value stops start-up with one clear line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.locales import SUPPORTED_LOCALES

TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,}$")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class ConfigError(Exception):
    """A setting is wrong; the message is one line naming it."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=True
    )

    BOT_TOKEN: SecretStr | None = None
    TELEGRAM_API_URL: str = "https://api.telegram.org"
    DATABASE_URL: str = "sqlite+aiosqlite:///data/avrr.db"
    STAFF_CHAT_ID: int | None = None
    STAFF_USER_IDS: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    DEFAULT_LOCALE: str = "en"
    LOG_LEVEL: str = "INFO"
    DATA_KEY: SecretStr | None = None
    BOOKING_CUTOFF_HOURS: float = Field(default=2.0, ge=0, le=168)
    CHECKIN_MONTHS: Annotated[tuple[int, ...], NoDecode] = (1, 3, 6, 12)
    RETENTION_MONTHS: int = Field(default=24, ge=1, le=600)
    WEBHOOK_URL: str | None = None
    WEBHOOK_SECRET: SecretStr | None = None
    WEBHOOK_HOST: str = "127.0.0.1"
    WEBHOOK_PORT: int = Field(default=8080, ge=1, le=65535)
    URGENT_REPEAT_MINUTES: int = Field(default=15, ge=1, le=1440)
    CONCERNS_CHAT_ID: int | None = None
    CONCERNS_USER_IDS: Annotated[frozenset[int], NoDecode] = Field(default_factory=frozenset)
    WEB_HOST: str = "127.0.0.1"
    WEB_PORT: int = Field(default=8090, ge=1, le=65535)
    WEB_PUBLIC_URL: str | None = None

    @field_validator("BOT_TOKEN", mode="before")
    @classmethod
    def _token_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not TOKEN_SHAPE.match(value.strip()):
            raise ValueError("must look like 123456789:AAE... (digits, a colon, then the secret)")
        return value.strip()

    @field_validator("TELEGRAM_API_URL")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("must be an http(s) URL such as https://api.telegram.org")
        return value.rstrip("/")

    @field_validator("STAFF_CHAT_ID", "CONCERNS_CHAT_ID", mode="before")
    @classmethod
    def _chat_id(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not re.fullmatch(r"-?\d{1,20}", str(value).strip()):
            raise ValueError("must be a numeric chat id such as -1001234567890")
        return int(str(value).strip())

    @field_validator("STAFF_USER_IDS", "CONCERNS_USER_IDS", mode="before")
    @classmethod
    def _user_ids(cls, value: object) -> frozenset[int]:
        if value in (None, ""):
            return frozenset()
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
        else:
            parts = [str(part) for part in value]  # type: ignore[union-attr]
        bad = [part for part in parts if not part.isdigit()]
        if bad:
            raise ValueError("must be comma-separated numeric Telegram user ids")
        return frozenset(int(part) for part in parts)

    @field_validator("CHECKIN_MONTHS", mode="before")
    @classmethod
    def _checkin_months(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            if not parts or not all(p.isdigit() and 1 <= int(p) <= 60 for p in parts):
                raise ValueError("must be comma-separated months after return, e.g. 1,3,6,12")
            return tuple(sorted({int(p) for p in parts}))
        return value

    @field_validator("WEBHOOK_URL", mode="before")
    @classmethod
    def _webhook_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.match(r"^https://[^\s/]+(/[^\s]*)?$", value):
            raise ValueError("must be the public https:// URL Telegram will call")
        return value

    @field_validator("WEB_PUBLIC_URL", mode="before")
    @classmethod
    def _web_public_url(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.match(r"^https://[^\s/]+(/[^\s]*)?$", value):
            raise ValueError(
                "must be the https:// address where staff reach the console through the "
                "reverse proxy, e.g. https://bot.example.org/staff"
            )
        return value.rstrip("/")

    @field_validator("WEBHOOK_SECRET", mode="before")
    @classmethod
    def _webhook_secret(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", value):
            raise ValueError("must be 16 to 256 letters, digits, _ or -")
        return value

    @model_validator(mode="after")
    def _concerns_apart_from_staff(self) -> Settings:
        # Reports about staff must never reach the staff group itself.
        if self.CONCERNS_CHAT_ID is not None and self.CONCERNS_CHAT_ID == self.STAFF_CHAT_ID:
            raise ValueError("CONCERNS_CHAT_ID must not be the staff group (STAFF_CHAT_ID)")
        return self

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.WEBHOOK_URL and self.WEBHOOK_SECRET is None:
            raise ValueError("WEBHOOK_SECRET is required with WEBHOOK_URL")
        return self

    @field_validator("DEFAULT_LOCALE")
    @classmethod
    def _locale(cls, value: str) -> str:
        if value not in SUPPORTED_LOCALES:
            raise ValueError("must be one of " + ", ".join(SUPPORTED_LOCALES))
        return value

    @field_validator("LOG_LEVEL")
    @classmethod
    def _log_level(cls, value: str) -> str:
        if value.upper() not in LOG_LEVELS:
            raise ValueError("must be one of " + ", ".join(LOG_LEVELS))
        return value.upper()

    @field_validator("DATABASE_URL")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("DATA_KEY", mode="before")
    @classmethod
    def _data_key(cls, value: object) -> object:
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _is_fernet_key(value.strip()):
            raise ValueError("must be a key made by `make genkey` (44 characters)")
        return value.strip()

    @property
    def token(self) -> str | None:
        return self.BOT_TOKEN.get_secret_value() if self.BOT_TOKEN else None

    @property
    def console_url(self) -> str:
        """Where staff open the console: WEB_PUBLIC_URL, else this process's own server (the
        webhook server with webhooks, WEB_HOST:WEB_PORT with long polling), reachable locally."""
        if self.WEB_PUBLIC_URL:
            return self.WEB_PUBLIC_URL
        if self.WEBHOOK_URL:
            return f"http://{self.WEBHOOK_HOST}:{self.WEBHOOK_PORT}/staff"
        return f"http://{self.WEB_HOST}:{self.WEB_PORT}/staff"

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.STAFF_USER_IDS


def load_settings(**overrides: object) -> Settings:
    """Read the settings; raise ConfigError with one line naming the first bad setting."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        first = error.errors()[0]
        name = ".".join(str(part) for part in first["loc"]) or "settings"
        message = first["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}" if first["loc"] else message) from None
    ensure_database_folder(settings.DATABASE_URL)
    return settings


def _is_fernet_key(value: str) -> bool:
    import base64
    import binascii

    try:
        return len(base64.urlsafe_b64decode(value.encode("ascii"))) == 32
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False


def data_key(settings: Settings) -> str:
    """DATA_KEY; without one, the terminal chat keeps a local key beside its SQLite file.

    Serving Telegram without DATA_KEY is refused: people's data would be encrypted with a key
    nobody backed up.
    """
    if settings.DATA_KEY is not None:
        return settings.DATA_KEY.get_secret_value()
    path = sqlite_path(settings.DATABASE_URL)
    if settings.token is not None or path is None:
        raise ConfigError(
            "DATA_KEY: required to serve Telegram; run `make genkey`, put the key it prints "
            "in .env as DATA_KEY=... and keep a copy with the database backups"
        )
    from cryptography.fernet import Fernet

    key_file = path.parent / "local-data-key"
    if not key_file.exists():
        key_file.write_bytes(Fernet.generate_key())
        key_file.chmod(0o600)
    return key_file.read_text("ascii").strip()


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for another database or an in-memory one."""
    if not url.startswith("sqlite"):
        return None
    path = url.split(":///", 1)[1] if ":///" in url else ""
    path = path.split("?", 1)[0]
    if path in ("", ":memory:"):
        return None
    return Path(path)


def ensure_database_folder(url: str) -> None:
    path = sqlite_path(url)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError(
            f"DATABASE_URL: cannot create the folder {path.parent} ({error.strerror})"
        ) from None
    if not path.parent.is_dir() or not _writable(path.parent):
        raise ConfigError(f"DATABASE_URL: the folder {path.parent} is not writable")


def _writable(folder: Path) -> bool:
    import os

    return os.access(folder, os.W_OK)
