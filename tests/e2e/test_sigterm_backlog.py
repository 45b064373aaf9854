"""End to end: SIGTERM with a large backlog in the outbox.

The worker finishes the message whose Telegram call is under way, takes nothing new, gives back
what it had claimed, and the process exits within seconds — however many messages wait (systemd
kills a process that outlives its stop timeout, possibly in the middle of a send). What was not
sent is still pending, untouched, for the next start.

`bench/sigterm.py` measures the same with 10,000 messages pending.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import create_app
from bot.services.seed import SEED_USER_IDS, seed
from tests.e2e.bot_api_server import FakeBotApiServer
from tests.e2e.test_polling import START_TIMEOUT
from tests.e2e.test_worker_crash import CrashingBot, query, settings_for

pytestmark = pytest.mark.sqlite_only

BACKLOG = 1000  # 40 s of sending at 25 a second
STOP_LIMIT = 5.0  # seconds from SIGTERM to exit
NOTICE = "Registration"  # the status notices name the registration: "… {reference} …"


async def people_with_a_message_due(db_path: Path, count: int) -> None:
    """`count` registrations, and for each a "staff contacted you" notice due now."""
    app = await create_app(settings_for(db_path))
    try:
        await seed(app.uow, registrations=count, year=2026)
    finally:
        await app.close()
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    with closing(sqlite3.connect(db_path)) as connection, connection:
        connection.execute("delete from outbox")
        connection.executemany(
            "insert into outbox (kind, audience, user_id, payload, dedupe_key, status, attempts,"
            " next_attempt_at, created_at) values ('status_changed', 'person', ?, ?, ?,"
            " 'pending', 0, ?, ?)",
            [
                (
                    user_id,
                    json.dumps({"registration_id": registration_id, "status": "contacted"}),
                    f"backlog:{registration_id}",
                    now,
                    now,
                )
                for registration_id, user_id in connection.execute(
                    "select id, user_id from registrations where user_id >= ? order by id",
                    (SEED_USER_IDS,),
                )
            ],
        )


def sends(server: FakeBotApiServer, since: int = 0) -> list[int]:
    return [
        int(fields["chat_id"])
        for name, fields in server.calls[since:]
        if name == "sendMessage" and int(fields["chat_id"]) >= SEED_USER_IDS
    ]


async def stop_during_backlog(server: FakeBotApiServer, db_path: Path, folder: Path) -> dict:
    """Start the bot, let it send a little, SIGTERM; the figures of the stop."""
    bot = CrashingBot(server.url, db_path, folder, "backlog")
    try:
        await bot.start()
        await server.wait_until(lambda: len(sends(server)) >= 20, timeout=START_TIMEOUT * 2)
        calls_at_signal = len(server.calls)
        began = time.monotonic()
        code = await bot.stop_and_wait()
        seconds = time.monotonic() - began
        return {
            "code": code,
            "seconds": seconds,
            "stderr": bot.stderr,
            "sent_after_signal": len(sends(server, calls_at_signal)),
        }
    finally:
        await bot.kill()


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    async with FakeBotApiServer() as fake:
        yield fake


@pytest.mark.slow
async def test_sigterm_stops_the_worker_within_seconds_whatever_the_backlog(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    db_path = tmp_path / "backlog.db"
    await people_with_a_message_due(db_path, BACKLOG)
    figures = await stop_during_backlog(server, db_path, tmp_path)

    assert figures["code"] == 0, figures["stderr"]
    assert "Traceback" not in figures["stderr"], figures["stderr"]
    assert figures["seconds"] < STOP_LIMIT, figures
    # The message in flight at the signal may still go out; nothing new is taken.
    assert figures["sent_after_signal"] <= 1, figures
    received = Counter(sends(server))
    assert max(received.values()) == 1, received.most_common(3)
    # Nothing left claimed or "sending" (an unknown outcome): sent, or pending as it was.
    statuses = dict(query(db_path, "select status, count(*) from outbox group by 1"))
    assert set(statuses) == {"sent", "pending"}, statuses
    assert statuses["sent"] == len(received)
    assert statuses["pending"] == BACKLOG - len(received)
    assert query(db_path, "select max(attempts) from outbox where status = 'pending'") == [(0,)]
