"""SQLite on the event loop itself: the hot path's tiny reads and writes, without a thread.

With one bot process on a SQLite file, most updates run a statement or two that take tens of
microseconds; handing each to aiosqlite's thread and back costs several times that. This
connection runs them right on the loop. It never waits for a lock (busy timeout 0), so the
loop never stalls: when SQLite cannot answer at once (another process holds the write lock: a
report, a maintenance command), the caller is told (None / False) and goes the usual way,
through aiosqlite's thread, which waits without stalling the loop. Within the process every
writer passes the `WriteGate` first, so that case is rare.

Used for a person's dialog state (storage/fsm.py) and for what the menu shows (the
registrations repository's `facts_on_loop`). Durability is the engine's: WAL with
`synchronous=NORMAL`, every transaction committed before the update is over.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from storage.checkpoints import Checkpoints


class LoopConnection:
    def __init__(self, engine: AsyncEngine) -> None:
        self._path = engine.url.database
        self._db: sqlite3.Connection | None = None
        # The engine's count of commits (storage/checkpoints.py), which these join.
        dbapi = engine.dialect.loaded_dbapi
        self._checkpoints: Checkpoints = getattr(dbapi, "checkpoints", None) or Checkpoints()
        self._checkpoints.path = self._checkpoints.path or self._path

    @staticmethod
    def able(engine: AsyncEngine) -> bool:
        return engine.dialect.name == "sqlite" and engine.dialect.driver == "aiosqlite"

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self._path, timeout=0, isolation_level=None)
        db.execute("PRAGMA synchronous=NORMAL")  # as the engine's connections (storage.db)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA secure_delete=ON")
        # Checkpoints (copying the WAL into the file, with an fsync) run on a worker thread
        # (storage/checkpoints.py): never a pause of the loop.
        db.execute("PRAGMA wal_autocheckpoint=0")
        return db

    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = self._connect()
        return self._db

    def rows(self, sql: str, params: Sequence[Any] | Mapping[str, Any]) -> list[Any] | None:
        """One read; None if SQLite cannot answer without waiting."""
        try:
            return self._connection().execute(sql, params).fetchall()
        except sqlite3.OperationalError:
            return None

    def write(self, sql: str, params: Sequence[Any]) -> bool:
        """One statement, its own transaction (no BEGIN and COMMIT to run around it); False,
        with nothing written, if SQLite cannot take it at once (another process holds the write
        lock): the caller goes the usual way, which reports any other error."""
        try:
            self._connection().execute(sql, params)
        except sqlite3.OperationalError:
            return False
        self._checkpoints.committed()
        return True

    def transaction(self, body: Callable[[sqlite3.Connection], None]) -> bool:
        """`body` in one write transaction (it commits or rolls back itself); False, with
        nothing written, if another process holds the write lock."""
        db = self._connection()
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            return False
        body(db)
        self._checkpoints.committed()
        return True

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
