"""aiogram FSM storage in our own database, so that dialogs survive a restart of the bot.

aiogram-dialog keeps its stacks and contexts here as well (one row per key, with destiny).
Rows carry user and chat ids so that `/delete` can erase a person's dialog state.

Writes of one update are batched: inside `async with storage.batch():` (the update middleware
opens one around every update) each write only changes the record in memory, and the batch
writes every changed record at its end in one transaction, with one prebuilt upsert (and one
DELETE for the records a finished dialog cleared). aiogram-dialog itself saves its context
after the screen was drawn, so batching does not widen the window in which a crash forgets what
the person just saw: that window is the end of one update either way (see the README). Outside a
batch each write is its own transaction, as before.

On SQLite (`engine` given) the batch's transaction is one call handed to aiosqlite's thread —
BEGIN IMMEDIATE, the upsert, the DELETE, COMMIT — instead of one hand-over per step: most of
what an update cost was that hand-over, not SQLite. (It uses aiosqlite's `_execute`, which
runs a function on its thread; the version is pinned by requirements.lock, and without it the
batch goes through SQLAlchemy as on PostgreSQL.)

With `cache=True` (one bot process on SQLite, the only writer) a person's records are read once,
all together (one SELECT by user and chat), and then served from a bounded write-through cache
of people: a key the cache does not hold for a person it knows is a key that does not exist (a
new dialog's context), so it costs no read. Writes that change nothing are skipped. The cache
holds up to `cache_size` people (a callable: the number of people active lately). Several
processes (PostgreSQL) must run without it; a batch still remembers what it read, so a write
never needs a read of its own.

On SQLite, with the cache, reads and the batch's transaction run on the event loop itself, on a
connection of its own (`storage/loop_sqlite.py`): a few statements on a local file take tens
of microseconds, and handing them to aiosqlite's thread and back cost several times that. That
connection never waits for SQLite's write lock: when another process holds it, the write goes
the way it went before (aiosqlite's thread, which waits without stalling the loop). The
durability is the same either way: the transaction commits before the update is over.

The batch carries the person's own row too (`defer`: a new person, a due last_seen, a chosen
language; storage/repositories/users.py), written first in the same transaction. A unit of work
of the update that writes takes the batch along (`ride`, storage/uow.py): what is pending when it
starts and when it commits is written in its transaction, and marked written once it committed
(`settled`); if its commit fails, the dialog state that rode with it is dropped (`forsake`), so
a screen that reports a write is never kept without that write.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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
from sqlalchemy import bindparam, delete, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.sql import Insert

from storage.crypto import DataCipher
from storage.db import WriteGate
from storage.dialect import upsert_rows
from storage.direct import SqliteStatement, loop_connection
from storage.loop_sqlite import LoopConnection
from storage.models import FsmRecordRow

_TABLE = FsmRecordRow.__table__
# What an existing record's upsert sets: its key says whose it is, so user_id and chat_id never
# change, and leaving them out spares SQLite rewriting the user_id index on every write.
_CHANGING = ("state", "data", "updated_at")
_PERSON_SQL = "SELECT key, state, data FROM fsm_records WHERE user_id = ? AND chat_id = ?"
_DELETE = delete(FsmRecordRow).where(FsmRecordRow.key.in_(bindparam("keys", expanding=True)))


@dataclass(frozen=True, slots=True)
class _Record:
    user_id: int
    state: str | None
    data: str | None  # plain JSON: sealed only on its way to the database


_EMPTY = (None, None)
# One encoder for every write (json.dumps builds a new one per call when given options); keys
# sorted, so that unchanged data gives the very string the record holds, and no write.
_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
_First = list[tuple[str, dict[str, Any]]]  # deferred statements: SQL and its parameters


Person = tuple[int | None, int | None]  # (user id, chat id): whose records a cache entry holds
# What the cache keeps of a record: (state, data), a plain tuple of strings. The collector stops
# tracking such a tuple, and a dict of them, after one look: 10,000 people's cached dialogs add
# nothing to a full collection (a `_Record` is a tracked object; it lives for one update).
_Held = tuple[str | None, str | None]


@dataclass(slots=True)
class _Batch:
    """The records one update read and changed; written together when the update ends."""

    known: dict[str, _Record] = field(default_factory=dict)
    changed: dict[str, int | None] = field(default_factory=dict)  # record key -> chat id
    # Other writes of the person's own session (their users row), deferred to the same
    # transaction: (SQL with :named parameters, parameters as SQLite stores them, user id).
    first: list[tuple[str, dict[str, Any], int]] = field(default_factory=list)
    riding: int = 0  # units of work that took these along and have not yet committed
    open: bool = True

    def pending(self) -> bool:
        return bool(self.changed or self.first)


@dataclass(slots=True)
class Riding:
    """What a unit of work wrote of its update's pending writes, to mark them written once it
    has committed (what changed again meanwhile stays pending)."""

    batch: _Batch
    first: int
    records: dict[str, _Record]


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
        cache_size: int | Callable[[], int] = 5_000,
        engine: AsyncEngine | None = None,
        loop: LoopConnection | None = None,
    ) -> None:
        self._sessions = session_factory
        self._read_sessions = read_session_factory or session_factory
        self._keys = key_builder or DefaultKeyBuilder(with_destiny=True)
        self._now = now
        self._cipher = cipher
        self._gate = gate or WriteGate("")  # "" is not SQLite: no gate unless given one
        # person -> every record of theirs in the database (as this process last wrote it)
        self._cache: OrderedDict[Person, dict[str, _Held]] | None = OrderedDict() if cache else None
        self._cache_size = cache_size if callable(cache_size) else (lambda: cache_size)
        self._upsert: Insert | None = None
        # Told of people whose deferred row could not be written (memory must forget them).
        self.forget_people: Callable[[set[int]], None] | None = None
        # This storage's batch of the update being handled (another storage has its own).
        self._batch: ContextVar[_Batch | None] = ContextVar(f"fsm_batch_{id(self)}", default=None)
        # SQLite: the whole transaction in one call on aiosqlite's thread (see the module doc).
        self._direct = (
            _DirectWriter(engine) if engine is not None and _DirectWriter.able(engine) else None
        )
        # The loop's own connection (storage/loop_sqlite.py): given (shared with the menu), or
        # this storage's own.
        self._own_loop = loop is None and cache and self._direct is not None
        self._loop = (
            loop if loop is not None else (LoopConnection(engine) if self._own_loop else None)
        )  # type: ignore[arg-type]

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[None]:
        """Keep this update's writes in memory; write them in one transaction at the end."""
        if self._batch.get() is not None and self._batch.get().open:  # type: ignore[union-attr]
            yield  # already inside one (nested middlewares): the outer one writes
            return
        batch = _Batch()
        token = self._batch.set(batch)
        try:
            yield
        finally:
            self._batch.reset(token)
            batch.open = False  # a task started by a handler may outlive it: it writes alone
            if batch.pending():
                await self._flush(batch)

    def defer(self, sql: str, params: dict[str, Any], user_id: int) -> bool:
        """Write `sql` in this update's transaction, before its dialog state (one process on
        SQLite only: the person's own rows). False, with nothing kept, outside an update or
        when this storage does not batch on SQLite: the caller writes it the usual way."""
        batch = self._batch.get()
        if batch is None or not batch.open or self._cache is None or self._direct is None:
            return False
        batch.first.append((sql, params, user_id))
        return True

    def deferred_people(self) -> bool:
        """Whether this update holds a person's row not yet written (a read must wait)."""
        batch = self._batch.get()
        return batch is not None and batch.open and bool(batch.first) and not batch.riding

    async def write_now(self) -> None:
        """Write what this update holds now, in a transaction of its own."""
        batch = self._batch.get()
        if batch is not None and batch.open and batch.pending():
            await self._flush(batch)
            batch.first.clear()
            batch.changed.clear()

    async def ride(self, session: AsyncSession, riding: Riding | None) -> Riding | None:
        """Write this update's pending writes in `session`'s transaction (a unit of work of the
        update that writes anyway): one transaction instead of two. Given the `riding` of an
        earlier call of the same unit of work, only what is new since. `settled` marks them
        written once that transaction has committed; if it did not, they stay pending."""
        batch = self._batch.get()
        if batch is None or not batch.open:
            return riding
        done_first = riding.first if riding is not None else 0
        done = riding.records if riding is not None else {}
        first = batch.first[done_first:]
        keys = [k for k in batch.changed if done.get(k) is not batch.known[k]]
        if not first and not keys:
            return riding
        rows, cleared = self._rows(batch, keys)
        db = await self._on_loop(session)
        if db is not None:  # SQLite, the transaction on the loop: its connection, directly
            assert self._direct is not None
            statements = [(sql, params) for sql, params, _user in first]
            self._direct.statements(db, rows, cleared, statements)
        else:  # PostgreSQL (nothing deferred there), or a SQLite engine not built by storage.db
            for sql, params, _user in first:
                await session.execute(text(sql), params)
            if rows:
                await session.execute(self._upsert_statement(session), rows)
            if cleared:
                await session.execute(_DELETE, {"keys": cleared})
        records = {**done, **{k: batch.known[k] for k in keys}}
        if riding is None:
            batch.riding += 1
            return Riding(batch, len(batch.first), records)
        riding.first, riding.records = len(batch.first), records
        return riding

    async def _on_loop(self, session: AsyncSession) -> Any:
        """The SQLite connection of `session`'s write transaction if it runs on the event loop
        (storage/sqlite_driver.py), else None."""
        return None if self._direct is None else await loop_connection(session)

    def settled(self, riding: Riding, *, committed: bool) -> None:
        """The unit of work that took `riding` along has committed, or has not (rolled back:
        the update writes them at its end as usual)."""
        batch = riding.batch
        batch.riding -= 1
        if not committed:
            return
        del batch.first[: riding.first]
        for record_key, record in riding.records.items():
            if batch.known.get(record_key) is record:
                batch.changed.pop(record_key, None)

    def forsake(self, riding: Riding) -> None:
        """Its commit failed: the dialog state that rode along (a screen that says the write
        was made) is dropped, memory included, so that the database's stays the person's."""
        batch = riding.batch
        batch.riding -= 1
        owners = set()
        for record_key in riding.records:
            batch.changed.pop(record_key, None)
            record = batch.known.pop(record_key, None)
            if record is not None:
                owners.add(record.user_id)
        if self._cache is not None:
            for person in [p for p in self._cache if p[0] in owners]:
                del self._cache[person]

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await self._write(key, lambda record: _Record(record.user_id, value, record.data))

    async def get_state(self, key: StorageKey) -> str | None:
        return (await self._read(key))[0]

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        if not isinstance(data, Mapping):
            raise TypeError(f"data must be a mapping, not {type(data).__name__}")
        plain = _JSON.encode(dict(data)) if data else None
        await self._write(key, lambda record: _Record(record.user_id, record.state, plain))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        data = (await self._read(key))[1]
        return json.loads(data) if data else {}

    def _seal(self, plain: str | None) -> str | None:
        """Dialog data holds form answers (a name, a phone): encrypted at rest like the rest."""
        return self._cipher.encrypt(plain) if self._cipher and plain is not None else plain

    def _open(self, stored: str | None) -> str | None:
        return self._cipher.decrypt(stored) if self._cipher and stored is not None else stored

    async def close(self) -> None:
        """The engine belongs to the application, which disposes of it; the loop's connection
        is this storage's own."""
        if self._loop is not None and self._own_loop:
            self._loop.close()

    async def delete_user(self, user_id: int) -> int:
        """Erase every dialog state of one person (used by /delete)."""
        if self._cache is not None:
            for person in [p for p in self._cache if p[0] == user_id]:
                del self._cache[person]
        batch = self._batch.get()
        if batch is not None and batch.open:
            for record_key in [k for k, r in batch.known.items() if r.user_id == user_id]:
                del batch.known[record_key]
                batch.changed.pop(record_key, None)
            batch.first[:] = [entry for entry in batch.first if entry[2] != user_id]
        async with self._gate, self._sessions() as session, session.begin():
            result = await session.execute(
                delete(FsmRecordRow).where(FsmRecordRow.user_id == user_id)
            )
            return result.rowcount or 0

    async def _record(self, key: StorageKey, record_key: str, batch: _Batch | None) -> _Record:
        """What the record holds now: from this update's batch, the cache, or the database."""
        if batch is not None and record_key in batch.known:
            return batch.known[record_key]
        if self._cache is None:
            record = await self._load(key, record_key)
        else:
            records = await self._person(key)
            record = _Record(key.user_id, *(records.get(record_key) or _EMPTY))
        if batch is not None:
            batch.known[record_key] = record
        return record

    async def _read(self, key: StorageKey) -> tuple[str | None, str | None]:
        batch = self._batch.get()
        record = await self._record(
            key, self._keys.build(key), batch if batch is not None and batch.open else None
        )
        return (record.state, record.data)

    async def _load(self, key: StorageKey, record_key: str) -> _Record:
        async with self._read_sessions() as session:
            result = await session.execute(
                select(FsmRecordRow.state, FsmRecordRow.data).where(FsmRecordRow.key == record_key)
            )
            row = result.first()
        state, data = (row[0], self._open(row[1])) if row else _EMPTY
        return _Record(key.user_id, state, data)

    async def _person(self, key: StorageKey) -> dict[str, _Held]:
        """Every record of the person in this chat, from the cache or in one read."""
        assert self._cache is not None
        person = (key.user_id, key.chat_id)
        records = self._cache.get(person)
        if records is not None:
            self._cache.move_to_end(person)
            return records
        rows = self._loop.rows(_PERSON_SQL, person) if self._loop is not None else None
        if rows is None:  # no loop connection, or SQLite busy recovering: the usual way
            async with self._read_sessions() as session:
                result = await session.execute(
                    select(FsmRecordRow.key, FsmRecordRow.state, FsmRecordRow.data).where(
                        FsmRecordRow.user_id == key.user_id, FsmRecordRow.chat_id == key.chat_id
                    )
                )
                rows = [tuple(row) for row in result]
        records = {k: (state, self._open(data)) for k, state, data in rows}
        self._cache[person] = records
        limit = max(1, self._cache_size())
        while len(self._cache) > limit:
            self._cache.popitem(last=False)
        return records

    def _remember(self, key: StorageKey, record_key: str, record: _Record) -> None:
        if self._cache is None:
            return
        records = self._cache.get((key.user_id, key.chat_id))
        if records is None:
            return  # forgotten meanwhile: the next read loads the person again
        if record.state is None and record.data is None:
            records.pop(record_key, None)
        else:
            records[record_key] = (record.state, record.data)

    async def _write(self, key: StorageKey, change: Callable[[_Record], _Record]) -> None:
        batch = self._batch.get()
        if batch is None or not batch.open:
            async with self.batch():  # a write outside any update: its own transaction
                await self._write(key, change)
            return
        record_key = self._keys.build(key)
        record = await self._record(key, record_key, batch)
        updated = change(record)
        if updated == record:
            return  # nothing changes: no database write
        batch.known[record_key] = updated
        batch.changed[record_key] = key.chat_id
        self._remember(key, record_key, updated)

    def _rows(
        self, batch: _Batch, keys: list[str] | None = None
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """The batch's changed records (or those of `keys`): rows to upsert, and keys of
        records to delete."""
        now = self._now()
        rows: list[dict[str, Any]] = []
        cleared: list[str] = []
        for record_key in batch.changed if keys is None else keys:
            chat_id = batch.changed[record_key]
            record = batch.known[record_key]
            if record.state is None and record.data is None:
                cleared.append(record_key)  # a finished dialog: no empty row is kept
                continue
            rows.append(
                {
                    "key": record_key,
                    "user_id": record.user_id,
                    "chat_id": chat_id,
                    "state": record.state,
                    "data": self._seal(record.data),
                    "updated_at": now,
                }
            )
        return rows, cleared

    async def _flush(self, batch: _Batch) -> None:
        rows, cleared = self._rows(batch)
        first = [(sql, params) for sql, params, _user in batch.first]
        try:
            if self._direct is not None:
                async with self._gate:
                    if self._loop is None or not self._direct.write_on(
                        self._loop, rows, cleared, first
                    ):
                        await self._direct.write(rows, cleared, first)
                return
            async with self._gate, self._sessions() as session, session.begin():
                if rows:
                    await session.execute(self._upsert_statement(session), rows)
                if cleared:
                    await session.execute(_DELETE, {"keys": cleared})
        except BaseException:
            if self._cache is not None:  # memory must not keep what the database refused
                owners = {batch.known[k].user_id for k in batch.changed}
                owners |= {user for _sql, _params, user in batch.first}
                for person in [p for p in self._cache if p[0] in owners]:
                    del self._cache[person]
            if batch.first and self.forget_people is not None:
                self.forget_people({user for _sql, _params, user in batch.first})
            raise

    def _upsert_statement(self, session: AsyncSession) -> Insert:
        if self._upsert is None:
            dialect = session.bind.dialect.name if session.bind else "sqlite"
            self._upsert = upsert_rows(dialect, _TABLE, ["key"], list(_CHANGING))
        return self._upsert


class _DirectWriter:
    """One SQLite transaction as one function run on aiosqlite's thread (one hand-over)."""

    _COLUMNS = ("key", "user_id", "chat_id", "state", "data", "updated_at")

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        upsert = upsert_rows("sqlite", _TABLE, ["key"], list(_CHANGING))
        self._upsert = SqliteStatement(upsert, engine.dialect, list(self._COLUMNS))
        self._delete_sql = 'DELETE FROM fsm_records WHERE "key" = ?'

    @staticmethod
    def able(engine: AsyncEngine) -> bool:
        return engine.dialect.name == "sqlite" and engine.dialect.driver == "aiosqlite"

    def write_on(
        self, loop: LoopConnection, rows: list[dict[str, Any]], cleared: list[str], first: _First
    ) -> bool:
        """Write the batch on the loop's connection; False (nothing written) if it is busy."""
        if len(rows) == 1 and not cleared and not first:  # most updates: one record changed
            return loop.write(self._upsert.sql, self._upsert.values(rows[0]))
        return loop.transaction(lambda db: self.transaction(db, rows, cleared, first, begun=True))

    async def write(self, rows: list[dict[str, Any]], cleared: list[str], first: _First) -> None:
        async with self._engine.connect() as connection:
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection  # aiosqlite.Connection
            await driver._execute(self.transaction, driver._conn, rows, cleared, first)

    def transaction(
        self,
        db: Any,
        rows: list[dict[str, Any]],
        cleared: list[str],
        first: _First,
        *,
        begun: bool = False,
    ) -> None:
        if not begun:
            db.execute("BEGIN IMMEDIATE")
        try:
            self.statements(db, rows, cleared, first)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def statements(
        self, db: Any, rows: list[dict[str, Any]], cleared: list[str], first: _First
    ) -> None:
        """The batch's statements, in the caller's transaction (values converted here, as
        SQLAlchemy would: the time of each row)."""
        for sql, params in first:
            db.execute(sql, params)
        if rows:
            db.executemany(self._upsert.sql, [self._upsert.values(row) for row in rows])
        if cleared:
            db.executemany(self._delete_sql, [(key,) for key in cleared])
