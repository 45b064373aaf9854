"""aiosqlite as SQLAlchemy drives it: a session's write transaction on the event loop, the
rest on aiosqlite's thread with one hand-over per statement.

SQLAlchemy's aiosqlite adapter makes four round trips to aiosqlite's thread for each statement
(open a cursor, execute, fetch the rows, close the cursor), and on a busy 2-core machine a
round trip costs more CPU than SQLite's work. Here a statement on the thread is one function:
execute, fetch every row, close, and hand back the description, rows, rowcount and lastrowid.

A session's write transaction (`create_session_factory` in storage/db.py: the units of work,
the dialog state's fallback) runs on the event loop itself, without a thread. Writers in the
process pass the `WriteGate` one at a time, so SQLite answers them at once, and a use-case's
few statements take tens of microseconds where each hand-over cost more. Its BEGIN never waits
on the loop (busy timeout 0): when another process holds the write lock, BEGIN waits on
aiosqlite's thread instead, and the statements after it (the lock is then ours) run on the
loop. So does its COMMIT: the connections' automatic checkpoint is off (storage/db.py) and
`Checkpoints` (storage/checkpoints.py) runs one on a worker thread every few hundred commits,
so no COMMIT fsyncs on the loop.

Read-only transactions (reports, the console's lists) stay on the thread, so a long read never
stalls the loop; so does `engine.begin()` (migrations, the key check), because SQLAlchemy's
`AsyncConnection` insists on a hand-over per statement.

It uses aiosqlite's `_execute` (runs a function on its thread), as `storage/fsm.py` does; the
version is pinned by requirements.lock, and `tests/storage` cover every statement shape the
project runs.
"""

from __future__ import annotations

import collections
import sqlite3
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT
from sqlalchemy.util.concurrency import await_

from storage.checkpoints import Checkpoints


def _run(db: sqlite3.Connection, operation: str, parameters: Any, many: bool) -> tuple[Any, ...]:
    cursor = db.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


BEGIN_WRITE = "BEGIN IMMEDIATE"


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: Any) -> None:  # no aiosqlite cursor: no round trip
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    def execute(self, operation: Any, parameters: Any = None) -> Any:
        if self._adapt_connection.on_loop:  # type: ignore[attr-defined]
            return self._here(operation, parameters, many=False)
        return super().execute(operation, parameters)

    def executemany(self, operation: Any, seq_of_parameters: Any) -> Any:
        if self._adapt_connection.on_loop:  # type: ignore[attr-defined]
            return self._here(operation, seq_of_parameters, many=True)
        return super().executemany(operation, seq_of_parameters)

    def _here(self, operation: Any, parameters: Any, *, many: bool) -> None:
        """The statement of a write transaction, on the event loop."""
        try:
            self._set(*_run(self._connection._conn, operation, parameters, many))
        except Exception as error:
            self._adapt_connection._handle_exception(error)

    def _set(self, description: Any, rows: Any, rowcount: int, lastrowid: int | None) -> None:
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_trip(operation, seq_of_parameters, many=True)

    async def _one_trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            result = await connection._execute(_run, connection._conn, operation, parameters, many)
        self._set(*result)

    async def _async_soft_close(self) -> None:
        """The statement's cursor was closed on the thread already."""

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        raise NotImplementedError("one statement at a time")

    def setinputsizes(self, *inputsizes: Any) -> None:
        """SQLite takes no input sizes."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("_busy_ms", "on_loop")
    _cursor_cls = OneTripCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.on_loop = False  # inside a write transaction: statements run on the event loop
        self._busy_ms: int | None = None

    def begin_write(self) -> None:
        """BEGIN IMMEDIATE without waiting on the loop; if another process holds the write
        lock, wait for it on aiosqlite's thread (with the connection's busy timeout)."""
        db: sqlite3.Connection = self._connection._conn  # type: ignore[attr-defined]
        try:
            if self._busy_ms is None:
                self._busy_ms = int(db.execute("PRAGMA busy_timeout").fetchone()[0])
            db.execute("PRAGMA busy_timeout=0")
            try:
                db.execute(BEGIN_WRITE)
                locked = False
            except sqlite3.OperationalError:
                locked = True  # SQLITE_BUSY: another process writes
            finally:
                db.execute(f"PRAGMA busy_timeout={self._busy_ms}")
            if locked:
                await_(self._connection._execute(db.execute, BEGIN_WRITE))  # type: ignore[attr-defined]
        except Exception as error:
            self._handle_exception(error)
        self.on_loop = True

    def commit(self) -> None:
        if self.on_loop:
            self._end_here("commit")
        else:
            super().commit()
        self.dbapi.checkpoints.committed()

    def rollback(self) -> None:
        if self.on_loop:
            self._end_here("rollback")
        else:
            super().rollback()

    def _end_here(self, how: str) -> None:
        """COMMIT or ROLLBACK of a write transaction, on the event loop."""
        self.on_loop = False
        try:
            getattr(self._connection._conn, how)()  # type: ignore[attr-defined]
        except Exception as error:
            self._handle_exception(error)

    def close(self) -> None:
        self.on_loop = False
        super().close()


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Give to `create_async_engine(..., module=OneTripDBAPI())` for SQLite files."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)
        self.checkpoints = Checkpoints()  # of this engine's database, in this process

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        self.checkpoints.path = arg[0] if arg else kw.get("database")
        # A write transaction's statements run on the loop's thread, the rest on aiosqlite's:
        # never at once (one session holds the connection at a time).
        connection = self.aiosqlite.connect(*arg, **{**kw, "check_same_thread": False})
        # As SQLAlchemy's adapter: the connection's thread never keeps the process alive.
        if isinstance(connection, Thread):
            connection.daemon = True
        else:
            connection._thread.daemon = True
        return OneTripConnection(self, await_(connection))
