"""The narrow interfaces the use-cases depend on; storage/ and bot/telegram implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol, Self

from bot.domain.registration import Draft, Registration, Status
from bot.domain.users import User


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def add(self, user: User) -> None: ...
    async def touch(self, user_id: int, now: datetime) -> None: ...
    async def set_locale(self, user_id: int, locale: str) -> None: ...
    async def set_source(self, user_id: int, source: str) -> None: ...
    async def set_blocked(self, user_id: int, blocked: bool) -> None: ...
    async def delete(self, user_id: int) -> None: ...


class AlreadyRegisteredError(Exception):
    """The person already has an open registration (the database's unique constraint said so)."""


@dataclass(frozen=True, slots=True)
class CaseEvent:
    registration_id: int
    at: datetime
    actor: str  # person, staff, system
    actor_id: int | None
    kind: str  # created, status, edited, withdrawn, erased, viewed
    from_status: Status | None = None
    to_status: Status | None = None


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    kind: str
    audience: str  # staff or person
    user_id: int | None
    payload: dict[str, Any]
    attempts: int
    status: str
    next_attempt_at: datetime


class RegistrationRepository(Protocol):
    async def next_sequence(self, prefix: str) -> int: ...
    async def add(
        self,
        reference: str,
        user_id: int,
        draft: Draft,
        *,
        now: datetime,
        consent_at: datetime,
        consent_version: str,
        source: str | None,
        self_check: dict[str, str] | None,
    ) -> Registration: ...
    async def get(self, registration_id: int) -> Registration | None: ...
    async def by_reference(self, reference: str) -> Registration | None: ...
    async def open_for(self, user_id: int) -> Registration | None: ...
    async def all_for(self, user_id: int) -> list[Registration]: ...
    async def recent(
        self, *, status: Status | None, office_id: str | None, limit: int
    ) -> list[Registration]: ...
    async def set_status(
        self, registration_id: int, expected: Status, status: Status, now: datetime
    ) -> bool: ...
    async def set_contact(
        self,
        registration_id: int,
        *,
        name: str | None,
        phone: str | None,
        clear_phone: bool,
        now: datetime,
    ) -> None: ...
    async def erase_personal_data(self, user_id: int, now: datetime) -> list[Registration]: ...
    async def add_event(self, event: CaseEvent) -> None: ...
    async def events(self, registration_id: int) -> list[CaseEvent]: ...


class OutboxRepository(Protocol):
    async def add(
        self,
        *,
        kind: str,
        audience: str,
        user_id: int | None,
        payload: dict[str, object],
        dedupe_key: str,
        due: datetime,
    ) -> bool: ...
    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]: ...
    async def mark_sent(self, message_id: int, now: datetime) -> None: ...
    async def retry_at(
        self, message_id: int, when: datetime, error: str, attempts: int = 0
    ) -> None: ...
    async def fail(self, message_id: int, error: str) -> None: ...
    async def recover_interrupted(self, now: datetime, max_attempts: int) -> int: ...
    async def forget_user(self, user_id: int) -> int: ...
    async def count(self, status: str, user_id: int | None = None) -> int: ...


class UnitOfWork(Protocol):
    """One transaction. Repositories never commit; the use-case does, once."""

    users: UserRepository
    registrations: RegistrationRepository
    outbox: OutboxRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
