"""Engine and session factory. The SQLite specifics live here and only here."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

SQLITE_BUSY_TIMEOUT_MS = 10_000
# Execution option for sessions that only read: on SQLite they start with a plain BEGIN
# instead of taking the write lock.
READ_ONLY = "avrr_read_only"
# Execution option for sessions that write: on SQLite their transactions run on the event loop
# (storage/sqlite_driver.py).
ON_LOOP = "avrr_on_loop"


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
    if ":memory:" in url or url.rstrip("/").endswith("sqlite+aiosqlite:"):
        raise ValueError("use a SQLite file: each connection to :memory: is a new database")
    from storage.sqlite_driver import OneTripDBAPI

    engine = create_async_engine(
        url,
        module=OneTripDBAPI(),  # one hand-over to aiosqlite's thread per statement, not four
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        # Every session ends its own transaction (commit or rollback), so the pool need not
        # roll back again: one thread round trip less per session.
        pool_reset_on_return=None,
        **kwargs,
    )
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: AsyncEngine) -> None:
    """WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE.

    pysqlite opens transactions lazily and only before writes, so a read that decides a write
    could see stale data; we take the write lock at BEGIN instead (SQLAlchemy's documented
    recipe). Transactions are short (one use-case each, never across a Telegram call).
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        # Erased data is overwritten, not left in free pages of the file.
        cursor.execute("PRAGMA secure_delete=ON")
        # Commits may run on the event loop: checkpoints run on a thread (storage/checkpoints.py).
        cursor.execute("PRAGMA wal_autocheckpoint=0")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
        elif options.get(ON_LOOP, False):
            connection.connection.dbapi_connection.begin_write()
        else:
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine, *, read_only: bool = False) -> async_sessionmaker:
    if read_only:
        bind = engine.execution_options(**{READ_ONLY: True})
    elif engine.dialect.name == "sqlite":
        bind = engine.execution_options(**{ON_LOOP: True})
    else:
        bind = engine
    return async_sessionmaker(bind, expire_on_commit=False)


class WriteGate:
    """SQLite: one writer at a time, first come first served, inside the process.

    SQLite's own busy handler sleeps in growing steps and is not woken when the lock frees, so
    under a burst a waiting writer can starve past the busy timeout ("database is locked"). A FIFO
    asyncio lock in front of every write transaction keeps waits short and fair. Not reentrant:
    a write never opens another write. PostgreSQL needs no gate (row locks, MVCC).
    """

    def __init__(self, url: str) -> None:
        self._lock = asyncio.Lock() if is_sqlite(url) else None

    async def __aenter__(self) -> None:
        if self._lock is not None:
            await self._lock.acquire()

    async def __aexit__(self, *_exc: object) -> None:
        if self._lock is not None:
            self._lock.release()
