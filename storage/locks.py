"""Cross-process coordination on PostgreSQL (advisory locks); plain in-process on SQLite.

- `PersonLock`: the updates of one person are handled one at a time, even when a load balancer
  sends them to different bot processes (aiogram's event isolation, backed by
  `pg_advisory_lock` on a connection of its own).
- `SenderLease`: one process at a time delivers the outbox, so Telegram's global rate limit
  holds across processes (`pg_try_advisory_lock`, kept while the process lives).
- `LocalPersonLock`: the same one-at-a-time within one process (SQLite), holding a person's
  lock only while an update of theirs is handled or waiting.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.db import create_engine

SENDER_LOCK_ID = 7_242_420_001  # an arbitrary, fixed advisory lock number


def lock_id(name: str) -> int:
    """A stable signed 64-bit number for an advisory lock."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class LocalPersonLock(BaseEventIsolation):
    """One update at a time per person, in this process. aiogram's `SimpleEventIsolation` keeps
    a lock for every person it has ever seen (memory that only grows, and objects every full
    collection walks); here a lock lives while someone holds it or waits for it."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, asyncio.Lock] = {}
        self._users: dict[StorageKey, int] = {}  # holder and waiters of each lock

    def lock(self, key: StorageKey) -> _PersonTurn:  # type: ignore[override]
        return _PersonTurn(self, key)

    def _leave(self, key: StorageKey) -> None:
        left = self._users[key] - 1
        if left:
            self._users[key] = left
        else:
            del self._users[key], self._locks[key]

    async def close(self) -> None:
        self._locks.clear()
        self._users.clear()


class _PersonTurn:
    """`async with LocalPersonLock().lock(key)`: a plain context manager, twice per update (the
    dispatcher's lock and aiogram-dialog's), where a generator-based one costs more than the
    lock itself."""

    __slots__ = ("_key", "_lock", "_owner")

    def __init__(self, owner: LocalPersonLock, key: StorageKey) -> None:
        self._owner = owner
        self._key = key

    async def __aenter__(self) -> None:
        owner, key = self._owner, self._key
        lock = owner._locks.get(key)
        if lock is None:
            lock = owner._locks[key] = asyncio.Lock()
        owner._users[key] = owner._users.get(key, 0) + 1
        self._lock = lock
        try:
            await lock.acquire()
        except BaseException:  # cancelled while waiting: no longer a user of the lock
            owner._leave(key)
            raise

    async def __aexit__(self, *_exc: object) -> None:
        self._lock.release()
        self._owner._leave(self._key)


class PersonLock(BaseEventIsolation):
    def __init__(self, url: str, pool_size: int = 20) -> None:
        # A pool of its own: a held lock must never starve the handlers of connections.
        self._engine: AsyncEngine = create_engine(url, pool_size=pool_size, max_overflow=pool_size)

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        number = lock_id(f"person:{key.bot_id}:{key.chat_id}:{key.user_id}")
        async with self._engine.connect() as connection:
            await connection.execute(text("SELECT pg_advisory_lock(:n)"), {"n": number})
            try:
                yield
            finally:
                await connection.execute(text("SELECT pg_advisory_unlock(:n)"), {"n": number})
                await connection.commit()

    async def close(self) -> None:
        await self._engine.dispose()


class SenderLease:
    """Whether this process is the one that sends. Always true on SQLite (one process)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._shared = engine.dialect.name == "postgresql"

    async def held(self) -> bool:
        if not self._shared:
            return True
        if self._connection is not None:
            return True
        connection = await self._engine.connect()
        got = (
            await connection.execute(text("SELECT pg_try_advisory_lock(:n)"), {"n": SENDER_LOCK_ID})
        ).scalar()
        await connection.commit()
        if got:
            self._connection = connection  # the lock lives as long as this connection
            return True
        await connection.close()
        return False

    async def release(self) -> None:
        if self._connection is not None:
            await self._connection.close()
            self._connection = None
