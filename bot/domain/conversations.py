"""Talking to a person: a conversation relayed between the person's chat and the staff group."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

HANDLE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
RATE_LIMIT = 20  # messages from one person ...
RATE_WINDOW = timedelta(minutes=10)  # ... in this window
TEXT_MAX = 3500  # leaves room for the header within Telegram's 4096


class Kind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    VOICE = "voice"
    DOCUMENT = "document"


class Direction(StrEnum):
    IN = "in"  # from the person to the office
    OUT = "out"  # from the office to the person


@dataclass(frozen=True, slots=True)
class Conversation:
    id: int
    user_id: int | None
    handle: str
    reference: str | None
    office_id: str
    locale: str
    is_open: bool
    opened_at: datetime
    waiting_since: datetime | None
    header_message_id: int | None


@dataclass(frozen=True, slots=True)
class RelayMessage:
    id: int
    conversation_id: int
    direction: Direction
    kind: Kind
    text: str | None
    file_id: str | None
    created_at: datetime


def new_handle() -> str:
    return "".join(secrets.choice(HANDLE_ALPHABET) for _ in range(5))


def over_limit(recent_count: int) -> bool:
    return recent_count >= RATE_LIMIT
