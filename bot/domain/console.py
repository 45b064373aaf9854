"""The staff console's rules: one-time login links, idle sessions, and the caseload's order.

Pure: no web framework, no SQL. Tokens are random and only their SHA-256 is ever stored, so a
copy of the database opens no session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.registration import Need, Status, is_open, urgent

LINK_LIFETIME = timedelta(minutes=10)
SESSION_IDLE = timedelta(hours=8)
TOUCH_EVERY = timedelta(minutes=1)  # last_seen is written at most this often
PAGE_SIZE = 50


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class LoginLink:
    user_id: int
    expires_at: datetime
    used_at: datetime | None


@dataclass(frozen=True, slots=True)
class ConsoleSession:
    user_id: int
    csrf_token: str
    created_at: datetime
    last_seen: datetime
    locale: str | None  # the staff member's own language in the bot (users.locale)

    def idle_at(self, now: datetime) -> bool:
        return now - self.last_seen > SESSION_IDLE


class Redeemed(StrEnum):
    """What opening a one-time link gave."""

    OK = "ok"
    UNKNOWN = "unknown"  # no such link (mistyped, or forged)
    USED = "used"
    EXPIRED = "expired"
    OTHER_USER = "other_user"  # the browser is signed in as someone else
    NOT_STAFF = "not_staff"  # its user left STAFF_USER_IDS since


class SessionState(StrEnum):
    OK = "ok"
    NONE = "none"
    IDLE = "idle"
    NOT_STAFF = "not_staff"


@dataclass(frozen=True, slots=True)
class CaseloadFilters:
    status: Status | None = None
    office_id: str | None = None
    flag: Need | None = None
    returnee: bool | None = None
    reference: str = ""  # a part of a reference, upper case


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One line of the Cases page: no name, no phone; flags are the urgent needs."""

    id: int
    reference: str
    office_id: str
    country: str
    status: Status
    needs: frozenset[Need]
    returnee: bool
    erased: bool
    last_activity: datetime
    waiting_since: datetime | None  # an open conversation waiting for the office

    @property
    def flags(self) -> tuple[Need, ...]:
        return urgent(self.needs)

    @property
    def urgent(self) -> bool:
        return bool(self.flags) and is_open(self.status)


def caseload_order(rows: list[CaseloadRow]) -> list[CaseloadRow]:
    """Open cases with urgent flags first, then by last activity, latest first."""
    by_activity = sorted(rows, key=lambda r: (r.last_activity, r.id), reverse=True)
    return sorted(by_activity, key=lambda r: not r.urgent)  # stable: keeps activity order


def page_count(total: int, size: int = PAGE_SIZE) -> int:
    return max(1, -(-total // size))
