"""Prebuilt Core statements that a write transaction on the event loop runs straight on SQLite.

A unit of work's write transaction on SQLite runs on the event loop (storage/sqlite_driver.py).
Its statements still went through SQLAlchemy one by one: the session, the statement's cache
key, an execution context, a result object. Inside an update that cost about 100 µs of CPU a
statement on top of SQLite's own work (15–55 µs there for Confirm's inserts); Confirm runs four.

A `Direct` statement is compiled by SQLAlchemy once (for the parameters it is given), and in
such a transaction it runs on the session's own sqlite3 connection: the same SQL, the same
conversion of values (each column type's `bind_processor`), in the same transaction, and an
error comes back as SQLAlchemy's (an `IntegrityError` stays one). Anywhere else (PostgreSQL, or
a transaction on aiosqlite's thread) it goes through `session.execute`. One definition of the
statement, two ways to run it; the tests run both (`make test`, `make test-pg`).

Checked when compiled: what it returns needs no conversion (integers, text), and every column
with a Python-side default is given a value, since nothing here would compute it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.exc import DBAPIError, ResourceClosedError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

_LOOP_DB = "avrr_loop_db"  # session.info: (its transaction, the adapted connection or None)


async def loop_connection(session: AsyncSession) -> sqlite3.Connection | None:
    """The sqlite3 connection of `session`'s write transaction if that runs on the event loop
    (storage/sqlite_driver.py), else None. Begins the transaction if it has not begun."""
    if session.bind is None or session.bind.dialect.name != "sqlite":
        return None
    transaction = session.sync_session.get_transaction()
    known = session.info.get(_LOOP_DB)
    if transaction is None or known is None or known[0] is not transaction:
        connection = await session.connection()
        adapted = connection.sync_connection.connection.dbapi_connection  # type: ignore[union-attr]
        known = (session.sync_session.get_transaction(), adapted)
        session.info[_LOOP_DB] = known
    adapted = known[1]
    if not getattr(adapted, "on_loop", False):
        return None
    return adapted._connection._conn  # type: ignore[no-any-return]


class SqliteStatement:
    """A Core statement as SQLite runs it, for one set of parameter names: `sql`, and `values`
    for each set of parameters (also the dialog state's writer, storage/fsm.py)."""

    def __init__(self, statement: Executable, dialect: Any, names: list[str]) -> None:
        compiled = statement.compile(dialect=dialect, column_keys=names)  # type: ignore[attr-defined]
        if compiled.insert_prefetch or compiled.update_prefetch:
            missing = [c.name for c in (*compiled.insert_prefetch, *compiled.update_prefetch)]
            raise ValueError(f"give a value for {missing}: a Direct statement computes none")
        for column in getattr(compiled, "returning", None) or ():
            if column.type.dialect_impl(dialect).result_processor(dialect, None) is not None:
                raise ValueError(f"{column.name}: a Direct statement returns values unconverted")
        self.sql: str = compiled.string
        # Each position of the SQL: a parameter's value (converted), or a value fixed in the
        # statement itself (converted once, here).
        self._slots: list[tuple[str | None, Any, Callable[[Any], Any] | None]] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds.get(name)
            if bind is None:
                raise ValueError(f"{name}: a bound parameter a Direct statement cannot name")
            convert = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if name in names:
                self._slots.append((name, None, convert))
            elif bind.required or bind.callable is not None:
                raise ValueError(f"{name}: give its value (a Direct statement computes none)")
            else:
                fixed = bind.effective_value
                self._slots.append((None, convert(fixed) if convert else fixed, None))

    def values(self, params: dict[str, Any]) -> list[Any]:
        """The values of one execution, in the SQL's order, as SQLite stores them."""
        return [
            fixed if name is None else convert(params[name]) if convert else params[name]
            for name, fixed, convert in self._slots
        ]

    def run(self, db: sqlite3.Connection, params: dict[str, Any]) -> list[Any]:
        positional = self.values(params)
        try:
            return db.execute(self.sql, positional).fetchall()
        except sqlite3.Error as error:
            raise DBAPIError.instance(self.sql, positional, error, sqlite3.Error) from error


class Direct:
    """A Core statement built once per dialect (`build(dialect name)`), run by `rows`."""

    def __init__(self, build: Callable[[str], Executable]) -> None:
        self._build = build
        self._statements: dict[str, Executable] = {}
        self._on_sqlite: dict[frozenset[str], SqliteStatement] = {}

    def statement(self, dialect_name: str) -> Executable:
        statement = self._statements.get(dialect_name)
        if statement is None:
            statement = self._statements[dialect_name] = self._build(dialect_name)
        return statement

    async def rows(self, session: AsyncSession, params: dict[str, Any]) -> Sequence[Any]:
        """Run it in `session`'s transaction; the rows it returns (RETURNING), as tuples."""
        dialect = session.bind.dialect  # type: ignore[union-attr]
        db = await loop_connection(session)
        if db is None:
            result = await session.execute(self.statement(dialect.name), params)
            try:
                return result.all()
            except ResourceClosedError:  # a statement that returns no rows
                return []
        names = frozenset(params)
        compiled = self._on_sqlite.get(names)
        if compiled is None:
            statement = self.statement(dialect.name)
            compiled = self._on_sqlite[names] = SqliteStatement(statement, dialect, sorted(names))
        return compiled.run(db, params)
