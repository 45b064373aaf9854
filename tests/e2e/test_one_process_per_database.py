"""End to end: a deploy overlap on one SQLite file (the old process not yet stopped when the new
one starts) must not send anything twice.

Without a guard, the new process's outbox worker "recovers" the messages the old one had
claimed or was sending, and both send them. Now the second process refuses to start, with one
line, as long as the first holds the lock next to the database; the lock goes with the process.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.bot_api_server import FakeBotApiServer
from tests.e2e.test_polling import START_TIMEOUT, USER
from tests.e2e.test_worker_crash import (
    CrashingBot,
    checkin_outbox,
    received,
    returnees_with_a_checkin_due,
)

log = logging.getLogger(__name__)

PEOPLE = 40
FIRST_USER = 60001
SEND_DELAY = 0.5  # 40 welcomes then 40 check-ins, 40 s: the second process starts in the middle


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    async with FakeBotApiServer() as fake:
        yield fake


async def wait_exit(bot: CrashingBot, timeout: float) -> int | None:  # noqa: ASYNC109
    assert bot.proc is not None
    try:
        return await asyncio.wait_for(bot.proc.wait(), timeout)
    except TimeoutError:
        return None


def sending(server: FakeBotApiServer) -> int:
    """Messages that reached the server: marking people returned queues a welcome-home message
    before each check-in, so the overlap starts while the old process sends either."""
    return len(server.calls_of("sendMessage"))


@pytest.mark.slow
@pytest.mark.sqlite_only
async def test_a_second_process_on_the_same_sqlite_file_refuses_to_start(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    db_path = tmp_path / "overlap.db"
    people = range(FIRST_USER, FIRST_USER + PEOPLE)
    await returnees_with_a_checkin_due(db_path, people)
    server.send_delay = SEND_DELAY

    old = CrashingBot(server.url, db_path, tmp_path, "old")
    new = CrashingBot(server.url, db_path, tmp_path, "new")
    try:
        await old.start()
        await server.wait_until(lambda: sending(server) >= 3, START_TIMEOUT)
        # The deploy overlap: the new process starts while the old one is sending.
        await new.start()
        code = await wait_exit(new, START_TIMEOUT)
        assert code == 3, f"the second process did not refuse to start:\n{new.stderr}"
        lines = new.stderr.strip().splitlines()
        assert len(lines) == 1, new.stderr
        assert "another bot process is using" in lines[0] and str(db_path) in lines[0], lines
        assert "Traceback" not in new.stderr

        # The old process goes on and reaches everyone, each once.
        await server.wait_until(lambda: len(received(server)) >= PEOPLE, timeout=120)
        counts = received(server)
        duplicates = sum(count - 1 for count in counts.values())
        log.info("deploy overlap: %s people, %s duplicates", len(counts), duplicates)
        assert set(counts) == set(people)
        assert duplicates == 0, counts.most_common(5)
        # Still serving people while the refused process came and went.
        server.push_message(USER, "/start", language_code="en")
        await server.wait_for_bot_message(USER, lambda m: "reply_markup" in m, timeout=20)
        assert await old.stop(signal.SIGTERM) == 0, old.stderr
        assert {status for status, _, _ in checkin_outbox(db_path).values()} == {"sent"}

        # The lock left with the old process: a new one starts and serves.
        again = CrashingBot(server.url, db_path, tmp_path, "again")
        try:
            await again.start()
            server.push_message(USER, "/help", language_code="en")
            await server.wait_for_bot_message(USER, lambda m: "/cancel" in m["text"], 30)
            assert await again.stop(signal.SIGTERM) == 0, again.stderr
        finally:
            await again.kill()
    finally:
        await old.kill()
        await new.kill()


@pytest.mark.slow
@pytest.mark.sqlite_only
async def test_the_lock_goes_with_a_killed_process(server: FakeBotApiServer, tmp_path: Path):
    """SIGKILL runs no clean-up: the kernel still releases the lock, so a restart works."""
    db_path = tmp_path / "killed.db"
    first = CrashingBot(server.url, db_path, tmp_path, "first")
    try:
        await first.start()
        server.push_message(USER, "/start", language_code="en")
        await server.wait_for_bot_message(USER, lambda m: "reply_markup" in m, START_TIMEOUT)
        first.crash()
        assert await wait_exit(first, 10) == -signal.SIGKILL
    finally:
        await first.kill()
    assert (tmp_path / "killed.db.lock").exists()  # the file stays; its lock does not
    second = CrashingBot(server.url, db_path, tmp_path, "second")
    try:
        await second.start()
        server.push_message(USER, "/help", language_code="en")
        await server.wait_for_bot_message(USER, lambda m: "/cancel" in m["text"], START_TIMEOUT)
        assert await second.stop(signal.SIGTERM) == 0, second.stderr
    finally:
        await second.kill()


@pytest.mark.slow
@pytest.mark.postgres_only
async def test_a_deploy_overlap_on_postgresql_sends_each_message_once(
    server: FakeBotApiServer, tmp_path: Path, database: str
) -> None:
    """PostgreSQL allows several processes: the sender lease lets one at a time deliver (and
    recover interrupted messages), so the new process waits for the old one's lease."""
    from sqlalchemy import text

    from storage.db import create_engine

    people = range(FIRST_USER, FIRST_USER + PEOPLE)
    await returnees_with_a_checkin_due(database, people)
    server.send_delay = SEND_DELAY
    old = CrashingBot(server.url, tmp_path / "unused.db", tmp_path, "old")
    new = CrashingBot(server.url, tmp_path / "unused.db", tmp_path, "new")
    for bot in (old, new):
        bot.env["DATABASE_URL"] = database
    try:
        await old.start()
        try:
            await server.wait_until(lambda: sending(server) >= 3, START_TIMEOUT * 2)
        except TimeoutError:
            raise AssertionError(f"the old process sent nothing:\n{old.stderr}") from None
        await new.start()  # the overlap: both serve for a while
        await server.wait_until(lambda: len(received(server)) >= PEOPLE // 2, timeout=120)
        assert new.proc is not None and new.proc.returncode is None, new.stderr
        # The old one stops half-way: the new one takes the lease and sends the rest.
        assert await old.stop(signal.SIGTERM) == 0, old.stderr
        await server.wait_until(lambda: len(received(server)) >= PEOPLE, timeout=120)
        await asyncio.sleep(2 * SEND_DELAY + 1)  # a late duplicate would arrive by now
        counts = received(server)
        duplicates = sum(count - 1 for count in counts.values())
        log.info("deploy overlap on PostgreSQL: %s people, %s duplicates", len(counts), duplicates)
        assert set(counts) == set(people)
        assert duplicates == 0, counts.most_common(5)
        assert await new.stop(signal.SIGTERM) == 0, new.stderr
        engine = create_engine(database)
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("select status, count(*) from outbox where kind = 'checkin' group by 1")
            )
            assert dict(rows.all()) == {"sent": PEOPLE}
        await engine.dispose()
    finally:
        await old.kill()
        await new.kill()
