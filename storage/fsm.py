"""aiogram FSM storage in our own database, so that dialogs survive a restart of the bot.

aiogram-dialog keeps its stacks and contexts here as well (one row per key, with destiny).
Each call is its own short transaction; rows carry user and chat ids so that `/delete`
can erase a person's dialog state.

With `cache=True` (one bot process on SQLite, the only writer) reads are served from a bounded
write-through cache and writes that change nothing are skipped: about half of the database
round trips of an update. Several processes (PostgreSQL) must run without it.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseStorage,
    DefaultKeyBuilder,
    KeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.crypto import DataCipher
from storage.db import WriteGate
from storage.dialect import upsert
from storage.models import FsmRecordRow

_TABLE = FsmRecordRow.__table__


@dataclass(frozen=True, slots=True)
class _Record:
    user_id: int
    state: str | None
    data: str | None


class SqlStorage(BaseStorage):
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        read_session_factory: async_sessionmaker[AsyncSession] | None = None,
        key_builder: KeyBuilder | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        *,
        gate: WriteGate | None = None,
        cipher: DataCipher | None = None,
        cache: bool = False,
        cache_size: int = 20_000,
    ) -> None:
        self._sessions = session_factory
        self._read_sessions = read_session_factory or session_factory
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._now = now
        self._cipher = cipher
        self._gate = gate or WriteGate("")  # "" is not SQLite: no gate unless given one
        self._cache: OrderedDict[str, _Record] | None = OrderedDict() if cache else None
        self._cache_size = cache_size

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, state=value)

    async def get_state(self, key: StorageKey) -> str | None:
        row = await self._read(key)
        return row[0] if row else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a mapping, not {type(data).__name__}")
        plain = json.dumps(dict(data), ensure_ascii=False, sort_keys=True) if data else None
        await self._write(key, data=plain)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        row = await self._read(key)
        return json.loads(row[1]) if row and row[1] else {}

    def _seal(self, plain: str | None) -> str | None:
        """Dialog data holds form answers (a name, a phone): encrypted at rest like the rest."""
        return self._cipher.encrypt(plain) if self._cipher and plain is not None else plain

    def _open(self, stored: str | None) -> str | None:
        return self._cipher.decrypt(stored) if self._cipher and stored is not None else stored

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it."""

    async def delete_user(self, user_id: int) -> int:
        """Erase every dialog state of one person (used by /delete)."""
        if self._cache is not None:
            for record_key in [k for k, r in self._cache.items() if r.user_id == user_id]:
                del self._cache[record_key]
        async with self._gate, self._sessions() as session, session.begin():
            result = await session.execute(
                delete(FsmRecordRow).where(FsmRecordRow.user_id == user_id)
            )
            return result.rowcount or 0

    async def _read(self, key: StorageKey) -> tuple[str | None, str | None] | None:
        record_key = self._keys.build(key)
        if self._cache is not None and record_key in self._cache:
            self._cache.move_to_end(record_key)
            record = self._cache[record_key]
            return (record.state, record.data)
        async with self._read_sessions() as session:
            result = await session.execute(
                select(FsmRecordRow.state, FsmRecordRow.data).where(FsmRecordRow.key == record_key)
            )
            row = result.first()
        found = (row[0], self._open(row[1])) if row else (None, None)
        self._remember(record_key, _Record(key.user_id, *found))
        return found if row else None

    def _remember(self, record_key: str, record: _Record) -> None:
        if self._cache is None:
            return
        self._cache[record_key] = record
        self._cache.move_to_end(record_key)
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    async def _write(self, key: StorageKey, **values: str | None) -> None:
        record_key = self._keys.build(key)
        cached = self._cache.get(record_key) if self._cache is not None else None
        if cached is not None:
            updated = replace(cached, **values)
            if updated == cached:
                return  # nothing changes: no database write
            await self._write_row(key, record_key, values)
            self._remember(record_key, updated)
            return
        await self._write_row(key, record_key, values)

    async def _write_row(
        self, key: StorageKey, record_key: str, values: dict[str, str | None]
    ) -> None:
        if "data" in values:
            values = {**values, "data": self._seal(values["data"])}
        now = self._now()
        async with self._gate, self._sessions() as session, session.begin():
            if not any(values.values()):
                # Cleared: drop the row when the other half is empty too (finished dialogs).
                other = "data" if "state" in values else "state"
                deleted = await session.execute(
                    delete(FsmRecordRow).where(
                        FsmRecordRow.key == record_key, getattr(FsmRecordRow, other).is_(None)
                    )
                )
                if deleted.rowcount:
                    return
            result = await session.execute(
                update(FsmRecordRow)
                .where(FsmRecordRow.key == record_key)
                .values(updated_at=now, **values)
            )
            if result.rowcount or not any(values.values()):
                return  # updated, or nothing to store for a key that has no row
            row = {
                "key": record_key,
                "user_id": key.user_id,
                "chat_id": key.chat_id,
                "state": None,
                "data": None,
                "updated_at": now,
                **values,
            }
            dialect = session.bind.dialect.name if session.bind else "sqlite"
            # Another update of the same key may have inserted meanwhile: upsert, never fail.
            changed = [*values, "updated_at"]
            await session.execute(upsert(dialect, _TABLE, row, ["key"], update=changed))
