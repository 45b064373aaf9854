"""Protection channels: "I am in danger" urgent alerts and confidential concerns."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.conversations import HANDLE_ALPHABET

URGENT_PRIORITY = 10  # outbox priority: an urgent alert overtakes everything waiting


@dataclass(frozen=True, slots=True)
class UrgentAlert:
    id: int
    user_id: int | None
    conversation_id: int | None
    office_id: str
    locale: str
    created_at: datetime
    repeat_at: datetime | None
    taken_at: datetime | None
    taken_by: int | None


class ConcernCategory(StrEnum):
    MONEY = "money"  # asked for money or a favour in exchange for help
    SEXUAL = "sexual"  # sexual exploitation or abuse
    MISTREATED = "mistreated"  # insulted, threatened or hurt
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Concern:
    id: int
    reference: str
    user_id: int | None
    category: ConcernCategory
    kind: str  # text, voice or none
    text: str | None
    file_id: str | None
    registration: str | None  # the person's reference, only if they chose to give it
    locale: str
    created_at: datetime


def new_concern_reference() -> str:
    return "CN-" + "".join(secrets.choice(HANDLE_ALPHABET) for _ in range(6))
