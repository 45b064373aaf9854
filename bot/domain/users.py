"""Who is talking to the bot, and in which language they are answered."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.locales import SUPPORTED_LOCALES

# /start payloads are public (anyone can craft a link), so only a short slug is accepted.
SOURCE_PAYLOAD = re.compile(r"^src_([a-z0-9_]{1,40})$")
# last_seen is refreshed at most this often, so that reading a menu is not a database write.
LAST_SEEN_GRANULARITY = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class User:
    id: int
    locale: str | None
    source: str | None
    first_seen: datetime
    last_seen: datetime
    blocked: bool = False
    listen_locale: str | None = None  # a language they listen to (recordings), if any
    announcements_stopped: bool = False  # they pressed "Stop announcements"


def resolve_locale(stored: str | None, telegram_code: str | None, default: str) -> str:
    """Their own choice; else Telegram's language if we speak it; else the deployment default."""
    if stored in SUPPORTED_LOCALES:
        return stored
    if telegram_code:
        base = telegram_code.replace("_", "-").split("-", 1)[0].lower()
        if base in SUPPORTED_LOCALES:
            return base
    return default


def parse_source(payload: str | None) -> str | None:
    """`/start src_oujda` -> "oujda"; anything else is not a source."""
    if not payload:
        return None
    match = SOURCE_PAYLOAD.match(payload.strip().lower())
    return match.group(1) if match else None


def needs_last_seen_refresh(last_seen: datetime, now: datetime) -> bool:
    return now - last_seen >= LAST_SEEN_GRANULARITY
