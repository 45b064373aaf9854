"""End to end: the outbox worker killed (SIGKILL) in the middle of a large batch of check-ins.

200 returnees have their 1-month check-in due. The real `python -m bot` process starts
sending them to `FakeBotApiServer` (about 25 a second); after 60 have reached the server it is
killed without warning. A new process on the same database then sends the rest.

Exactly once, as far as it can be promised: nobody is left without their check-in, nobody
recorded as sent is written to again, and a message whose outcome was unknown at the crash
(its row was "sending": claimed, maybe sent, not recorded) is sent again once at most. The
worker sends one message at a time, so at most one of those had really reached Telegram: at
most one person gets the check-in twice.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import Settings
from bot.domain.registration import Draft
from bot.telegram.outbox.worker import BATCH
from tests.dialogs.booking_steps import draft
from tests.e2e.bot_api_server import FakeBotApiServer
from tests.e2e.test_polling import START_TIMEOUT, BotProcess
from tests.support import STAFF_CHAT, STAFF_ID, TEST_DATA_KEY, FakeClock

# The bot runs as a separate process on a SQLite file here.
pytestmark = pytest.mark.sqlite_only

PEOPLE = 200
FIRST_USER = 40001
# Check-ins received by the server before the crash: 60, in the middle of the second batch.
KILL_AFTER = BATCH + BATCH // 5
RESUME_TIMEOUT = 60  # start-up plus about 140 messages at 25 a second
CHECKIN_TEXT = "since your return"  # in the English invitation, "… month since your return …"
log = logging.getLogger(__name__)


def settings_for(db_path: Path | str) -> Settings:
    """On a SQLite file, or on a database URL (PostgreSQL)."""
    url = db_path if isinstance(db_path, str) else f"sqlite+aiosqlite:///{db_path}"
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        DATABASE_URL=url,
        DATA_KEY=TEST_DATA_KEY,
        STAFF_USER_IDS=str(STAFF_ID),
        STAFF_CHAT_ID=str(STAFF_CHAT),
        DEFAULT_LOCALE="en",
    )


async def returnees_with_a_checkin_due(db_path: Path | str, people: range) -> None:
    """Registered 41 days ago, returned 40 days ago (real clock: the bot process uses it).

    The staff notices of the registrations went out back then: they are delivered here, through
    the outbox service, so that only the check-ins are left for the bot process to send.
    """
    now = datetime.now(UTC)
    clock = FakeClock(now - timedelta(days=41))
    app = await create_app(settings_for(db_path), clock=clock)
    try:
        form: Draft = draft("en")
        registration_ids = {}
        for user_id in people:
            registration, created = await app.registrations.register(user_id, form)
            assert created
            registration_ids[user_id] = registration.id
        while batch := await app.outbox.claim(100):
            for message in batch:
                assert message.kind == "registration_new", message
                await app.outbox.sent(message)
        clock.current = now
        returned_on = (now - timedelta(days=40)).date()
        for user_id in people:
            outcome, _ = await app.checkins.mark_returned(
                STAFF_ID, registration_id=registration_ids[user_id], returned_on=returned_on
            )
            assert outcome == "started", (user_id, outcome)
    finally:
        await app.close()


def query(db_path: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db_path, timeout=10)) as connection:
        return connection.execute(sql).fetchall()


def checkin_outbox(db_path: Path) -> dict[int, tuple[str, int, str | None]]:
    """user id -> (status, attempts, last error) of their check-in's outbox row."""
    rows = query(
        db_path, "select user_id, status, attempts, last_error from outbox where kind='checkin'"
    )
    return {user_id: (status, attempts, error) for user_id, status, attempts, error in rows}


def received(server: FakeBotApiServer) -> Counter[int]:
    """How many check-in invitations each person's chat received (every sendMessage that
    reached the server counts, even when the bot died before reading the answer)."""
    return Counter(
        int(fields["chat_id"])
        for fields in server.calls_of("sendMessage")
        if CHECKIN_TEXT in fields.get("text", "")
    )


class CrashingBot(BotProcess):
    """`python -m bot` with the staff settings of `settings_for`, and a way to crash it."""

    def __init__(self, api_url: str, db_path: Path, folder: Path, name: str) -> None:
        super().__init__(api_url, db_path, folder, name)
        self.env["STAFF_USER_IDS"] = str(STAFF_ID)
        self.env["STAFF_CHAT_ID"] = str(STAFF_CHAT)

    async def stop_and_wait(self, timeout: float = 120) -> int:  # noqa: ASYNC109
        """SIGTERM, then wait for the exit however long it takes (to measure it)."""
        assert self.proc is not None
        assert self.proc.returncode is None, f"the bot died early:\n{self.stderr}"
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), timeout)

    def crash(self) -> None:
        """SIGKILL now: no handler runs, nothing is flushed or committed."""
        assert self.proc is not None
        assert self.proc.returncode is None, f"the bot died early:\n{self.stderr}"
        self.proc.send_signal(signal.SIGKILL)


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    async with FakeBotApiServer() as fake:
        yield fake


async def run_until_killed(server: FakeBotApiServer, db_path: Path, folder: Path) -> None:
    """The first process sends check-ins until SIGKILL, in the middle of a batch."""
    first = CrashingBot(server.url, db_path, folder, "first")
    try:
        await first.start()
        try:
            await server.wait_until(
                lambda: sum(received(server).values()) >= KILL_AFTER, timeout=START_TIMEOUT
            )
        except TimeoutError:
            raise AssertionError(
                f"{sum(received(server).values())} check-ins after {START_TIMEOUT}s:\n"
                f"{first.stderr}"
            ) from None
        first.crash()
        assert first.proc is not None
        assert await asyncio.wait_for(first.proc.wait(), 10) == -signal.SIGKILL
    finally:
        await first.kill()
    await asyncio.sleep(0.2)  # a request already written to the socket still reaches the server


async def run_until_everyone_is_reached(
    server: FakeBotApiServer, db_path: Path, folder: Path
) -> str:
    """A new process on the same database sends the rest, then stops cleanly (its stderr)."""
    second = CrashingBot(server.url, db_path, folder, "second")
    try:
        await second.start()
        try:
            # Everyone reached and nothing left to send: a SIGTERM now takes nothing new, so
            # the stop must wait for the one retry of a message whose outcome was unknown.
            await server.wait_until(
                lambda: (
                    len(received(server)) >= PEOPLE
                    and query(db_path, "select count(*) from outbox where status != 'sent'")
                    == [(0,)]
                ),
                timeout=RESUME_TIMEOUT,
            )
        except TimeoutError:
            raise AssertionError(
                f"{len(received(server))} of {PEOPLE} people reached after {RESUME_TIMEOUT}s:\n"
                f"{second.stderr}"
            ) from None
        assert await second.stop(signal.SIGTERM) == 0, second.stderr
        assert "Traceback" not in second.stderr, second.stderr
        return second.stderr
    finally:
        await second.kill()


def assert_final_database(db_path: Path, unknown: set[int]) -> None:
    final = checkin_outbox(db_path)
    assert {status for status, _, _ in final.values()} == {"sent"}, Counter(
        (status, error) for status, _, error in final.values()
    )
    # One attempt each, two for those whose first outcome was unknown: none failed for good.
    assert {user_id for user_id, (_, attempts, _) in final.items() if attempts == 2} == unknown
    assert {attempts for _, attempts, _ in final.values()} <= {1, 2}
    assert query(db_path, "select status, count(*) from checkins where months=1 group by 1") == [
        ("sent", PEOPLE)
    ]
    assert query(db_path, "select count(*) from outbox where status != 'sent'") == [(0,)]


@pytest.mark.slow  # a real process at Telegram's real pace
async def test_a_worker_killed_mid_batch_resumes_without_loss_or_blind_resends(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    db_path = tmp_path / "crash.db"
    people = set(range(FIRST_USER, FIRST_USER + PEOPLE))
    await returnees_with_a_checkin_due(db_path, range(FIRST_USER, FIRST_USER + PEOPLE))
    assert query(
        db_path, "select count(*) from checkins where months=1 and status='scheduled'"
    ) == [(PEOPLE,)]

    # a. SIGKILL after KILL_AFTER check-ins reached the server.
    await run_until_killed(server, db_path, tmp_path)
    before = received(server)
    calls_before = len(server.calls)

    # b. The database as the crash left it, before anything recovers it.
    at_kill = checkin_outbox(db_path)
    assert set(at_kill) == people, "the first round queued every due check-in"
    by_status = Counter(status for status, _, _ in at_kill.values())
    unknown = {user_id for user_id, (status, _, _) in at_kill.items() if status == "sending"}
    recorded_sent = {user_id for user_id, (status, _, _) in at_kill.items() if status == "sent"}
    claimed = {user_id for user_id, (status, _, _) in at_kill.items() if status == "claimed"}
    assert set(by_status) <= {"sent", "sending", "claimed", "pending"}, by_status
    assert unknown, f"the kill was meant to land in the middle of a batch: {by_status}"
    # Only the message whose Telegram call was under way is of unknown outcome; the rest of
    # the batch was claimed but never sent, so a crash costs it no retry.
    assert len(unknown) <= 1, by_status
    assert not claimed & set(before), "a claimed message reached Telegram without being marked"
    # Every message recorded as sent reached the server, once.
    assert all(before[user_id] == 1 for user_id in recorded_sent), before
    # Nothing reached the server without being claimed first, and only one send is in flight
    # at a time: at most one "sending" message had really gone out.
    assert set(before) <= recorded_sent | unknown
    sent_but_unrecorded = {user_id for user_id in unknown if before[user_id]}
    assert len(sent_but_unrecorded) <= 1, sent_but_unrecorded
    assert all(count == 1 for count in before.values()), before

    # c. Restart on the same database until everyone has their check-in; SIGTERM.
    stderr = await run_until_everyone_is_reached(server, db_path, tmp_path)
    # The interrupted messages were put back once each, and the log says how many.
    assert f"{len(unknown)} outbox messages were interrupted" in stderr, stderr

    # d. Each person got their check-in; a second copy only where the outcome was unknown.
    after = received(server)
    assert set(after) == people, "nobody is left without a check-in"
    duplicates = {user_id for user_id, count in after.items() if count > 1}
    assert max(after.values()) <= 2, after.most_common(3)
    assert duplicates == sent_but_unrecorded, (duplicates, sent_but_unrecorded)
    assert len(duplicates) <= len(unknown)
    resent = {
        int(fields["chat_id"])
        for name, fields in server.calls[calls_before:]
        if name == "sendMessage" and CHECKIN_TEXT in fields.get("text", "")
    }
    assert not resent & recorded_sent, "a check-in recorded as sent was sent again"
    assert resent == people - recorded_sent
    assert_final_database(db_path, unknown)

    log.info(
        "received before the kill: %s; at the kill: %s sent, %s sending, %s pending; "
        "sent but unrecorded: %s; duplicates: %s",
        sum(before.values()), by_status["sent"], len(unknown), by_status["pending"],
        len(sent_but_unrecorded), len(duplicates),
    )  # fmt: skip
