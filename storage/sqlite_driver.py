"""aiosqlite as SQLAlchemy drives it, with one hand-over to its thread per statement.

SQLAlchemy's aiosqlite adapter makes four round trips to aiosqlite's thread for each statement
(open a cursor, execute, fetch the rows, close the cursor), and on a busy 2-core machine a
round trip costs more CPU than SQLite's work. Here a statement is one function run on that
thread: execute, fetch every row, close, and hand back the description, rows, rowcount and
lastrowid. Everything else is SQLAlchemy's adapter unchanged (connections, BEGIN, COMMIT,
errors). It uses aiosqlite's `_execute` (runs a function on its thread), as `storage/fsm.py`
does; the version is pinned by requirements.lock, and `tests/storage` cover every statement
shape the project runs.
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

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._one_trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._one_trip(operation, seq_of_parameters, many=True)

    async def _one_trip(self, operation: Any, parameters: Any, *, many: bool) -> None:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        async with self._adapt_connection._execute_mutex:
            result = await connection._execute(_run, connection._conn, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = result
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        """The statement's cursor was closed on the thread already."""

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        raise NotImplementedError("one statement at a time")

    def setinputsizes(self, *inputsizes: Any) -> None:
        """SQLite takes no input sizes."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """Give to `create_async_engine(..., module=OneTripDBAPI())` for SQLite files."""

    def __init__(self) -> None:
        super().__init__(aiosqlite, sqlite3)

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy's adapter: the connection's thread never keeps the process alive.
        if isinstance(connection, Thread):
            connection.daemon = True
        else:
            connection._thread.daemon = True
        return OneTripConnection(self, await_(connection))
