"""SQLite through aiosqlite: one hand-over to its thread per statement (storage/sqlite_driver)."""

import aiosqlite
import pytest
from sqlalchemy import text

from storage.db import create_engine


@pytest.mark.sqlite_only
async def test_a_statement_is_one_round_trip_and_behaves_as_before(database, monkeypatch):
    engine = create_engine(database)
    async with engine.connect() as connection:  # opened before counting
        await connection.execute(text("select 1"))
    trips = []
    original = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        trips.append(fn)
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    async with engine.begin() as connection:
        trips.clear()
        await connection.execute(text("create table t (id integer primary key, name text)"))
        inserted = await connection.execute(
            text("insert into t (name) values (:n) returning id"), {"n": "Aminata"}
        )
        assert inserted.scalar_one() == 1
        assert len(trips) == 2  # one per statement, RETURNING rows included
        many = await connection.execute(
            text("insert into t (name) values (:n)"), [{"n": "Moussa"}, {"n": "Awa"}]
        )
        assert many.rowcount == 2
        rows = await connection.execute(text("select id, name from t order by id"))
        assert rows.all() == [(1, "Aminata"), (2, "Moussa"), (3, "Awa")]
        assert len(trips) == 4
    with pytest.raises(Exception, match="no such table"):  # errors surface as before
        async with engine.connect() as connection:
            await connection.execute(text("select * from missing"))
    await engine.dispose()


@pytest.mark.sqlite_only
async def test_the_connections_thread_never_keeps_the_process_alive(database):
    engine = create_engine(database)
    try:
        async with engine.connect() as connection:
            raw = await connection.get_raw_connection()
            daemon = raw.driver_connection._thread.daemon
    finally:
        await engine.dispose()  # a non-daemon thread left running would hang the test run
    assert daemon  # as SQLAlchemy's own adapter makes it
