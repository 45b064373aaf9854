"""SQLite: a session's write transaction runs on the event loop (storage/sqlite_driver.py),
never waits there for another process, and the WAL is checkpointed off the loop
(storage/checkpoints.py)."""

import asyncio
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

import storage.checkpoints
from storage.checkpoints import Checkpoints, checkpoint
from storage.db import create_engine, create_session_factory
from storage.migrate import migrate
from tests.support import waits_for_another_process

pytestmark = pytest.mark.sqlite_only


def size(path: str) -> int:
    return Path(path).stat().st_size


@pytest.fixture
async def engine(database):
    engine = create_engine(database)
    await migrate(engine)
    await engine.dispose()  # new connections from here: each traced by `threads`
    yield engine
    await engine.dispose()


def threads(engine) -> list[tuple[str, bool]]:
    """(statement, whether it ran on the event loop's thread), for every connection made
    from now on."""
    from sqlalchemy import event

    loop_thread = threading.get_ident()
    seen: list[tuple[str, bool]] = []

    @event.listens_for(engine.sync_engine, "connect")
    def _connect(dbapi_connection, _record):
        dbapi_connection.driver_connection._conn.set_trace_callback(
            lambda sql: seen.append((sql.split()[0].upper(), threading.get_ident() == loop_thread))
        )

    return seen


async def test_a_write_transaction_runs_on_the_loop_and_a_read_on_the_thread(engine):
    seen = threads(engine)
    async with create_session_factory(engine)() as session, session.begin():
        await session.execute(text("insert into users (id, first_seen, last_seen, blocked, "
                                   "announcements_stopped) values (1, '2026-01-01 00:00:00', "
                                   "'2026-01-01 00:00:00', 0, 0)"))  # fmt: skip
    written = [(sql, on_loop) for sql, on_loop in seen if sql in ("BEGIN", "INSERT", "COMMIT")]
    assert written == [("BEGIN", True), ("INSERT", True), ("COMMIT", True)]
    seen.clear()
    async with create_session_factory(engine, read_only=True)() as session:
        assert (await session.execute(text("select count(*) from users"))).scalar() == 1
    assert ("SELECT", False) in seen and ("SELECT", True) not in seen


async def test_a_write_waits_for_another_process_off_the_loop(engine):
    """Another process holds SQLite's write lock: BEGIN waits on aiosqlite's thread, the loop
    goes on serving, and the write is made once the lock is free."""
    sessions = create_session_factory(engine)

    async def write():
        async with sessions() as session, session.begin():
            await session.execute(text("insert into reference_counters values ('X', 1)"))

    await waits_for_another_process(engine.url.database, write())
    async with sessions() as session:
        assert (await session.execute(text("select value from reference_counters"))).scalar() == 1


async def test_the_wal_is_checkpointed_off_the_loop_every_few_hundred_commits(engine, monkeypatch):
    """SQLite's own checkpoint is off on every connection; the process checkpoints every
    `every` commits on a worker thread: the data reaches the database file."""
    ran: list[tuple[bool, tuple[int, int, int]]] = []  # (on the loop's thread, its result)
    loop_thread = threading.get_ident()
    loop = asyncio.get_running_loop()
    finished = asyncio.Event()

    def recorded(path: str) -> tuple[int, int, int]:
        result = checkpoint(path)
        ran.append((threading.get_ident() == loop_thread, result))
        loop.call_soon_threadsafe(finished.set)
        return result

    # Recorded as it runs: `Checkpoints.running` is over as soon as the loop has seen it finish.
    monkeypatch.setattr(storage.checkpoints, "checkpoint", recorded)
    checkpoints = engine.dialect.loaded_dbapi.checkpoints = Checkpoints(every=5)
    checkpoints.path = engine.url.database
    sessions = create_session_factory(engine)
    blob = "x" * 100_000
    before = size(engine.url.database)
    for i in range(4):
        async with sessions() as session, session.begin():
            await session.execute(
                text("insert into audit_log (at, actor_id, action, detail) "
                     "values ('2026-01-01 00:00:00', 1, 'test', :d)"),
                {"d": f"{i}{blob}"},
            )  # fmt: skip
    await asyncio.sleep(0.05)
    assert ran == []
    assert size(engine.url.database) < before + 100_000  # all still in the WAL
    async with sessions() as session, session.begin():
        await session.execute(text("delete from audit_log where action = 'none'"))
    async with asyncio.timeout(10):  # the fifth commit started it
        await finished.wait()
    [(on_loop, (busy, frames, done))] = ran
    assert not on_loop and busy == 0 and frames == done > 0
    assert size(engine.url.database) >= before + 400_000
