"""The narrow interfaces the use-cases depend on; storage/ and bot/telegram implement them."""

from __future__ import annotations

from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.domain.users import User


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def add(self, user: User) -> None: ...
    async def touch(self, user_id: int, now: datetime) -> None: ...
    async def set_locale(self, user_id: int, locale: str) -> None: ...
    async def set_source(self, user_id: int, source: str) -> None: ...


class UnitOfWork(Protocol):
    """One transaction. Repositories never commit; the use-case does, once."""

    users: UserRepository

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
