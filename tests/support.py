"""Test helpers shared by the layers: a fake clock, settings on a temporary database, and a
harness that drives the real dispatcher through the in-process Bot API."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import Settings

# What a test run leaves behind to look at (screenshots, charts): gitignored, never cleaned.
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
STAFF_ID = 900001
STAFF_CHAT = -1009000001
TEST_DATA_KEY = "dGVzdC1kYXRhLWtleS1ub3QtZm9yLXByb2R1Y3Rpb24="  # 32 bytes, tests only


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def make_settings(database: Path | str, **overrides: Any) -> Settings:
    """Settings on a test database: a SQLite file path, or a database URL (PostgreSQL)."""
    url = database if isinstance(database, str) else f"sqlite+aiosqlite:///{database}"
    values: dict[str, Any] = {
        "DATABASE_URL": url,
        "STAFF_USER_IDS": str(STAFF_ID),
        "STAFF_CHAT_ID": str(STAFF_CHAT),
        "DEFAULT_LOCALE": "en",
        "DATA_KEY": TEST_DATA_KEY,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


class VirtualTime:
    """Time for the reply pacer in tests: its waits pass at once and are recorded."""

    def __init__(self) -> None:
        self.now = 0.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)


@dataclass
class Harness:
    """One bot process: an App, a dispatcher and the in-process Bot API."""

    app: Any
    dp: Any
    bot: Any
    api: Any
    people: dict[int, Any] = field(default_factory=dict)
    pace: VirtualTime = field(default_factory=VirtualTime)  # the reply pacer's clock
    burst_ack: Any = None  # the acknowledgement of messages to the office, on `pace`

    def worker(self) -> Any:
        """The outbox worker on a fake clock: its waits advance the clock instead of sleeping."""
        from bot.telegram.outbox.notifier import Renderer
        from bot.telegram.outbox.staff_chat import StaffChatCheck
        from bot.telegram.outbox.worker import OutboxWorker

        clock = self.app.clock

        async def sleep(seconds: float) -> None:
            clock.advance(seconds=seconds)

        def monotonic() -> float:
            return clock.now().timestamp()

        return OutboxWorker(
            self.app.outbox,
            Renderer(self.app),
            self.bot,
            monotonic=monotonic,
            sleep=sleep,
            before_round=self.app.checkins.dispatch,
            staff_chat_check=StaffChatCheck(self.bot, self.app.staff_chat, monotonic, sleep),
        )

    def staff_chat(self) -> list[dict[str, Any]]:
        return self.api.chat(STAFF_CHAT)

    def person(self, user_id: int = 1001, language_code: str | None = None, **kwargs: Any) -> Any:
        from bot.telegram.entry.local_client import LocalPerson

        return LocalPerson(self.dp, self.bot, self.api, user_id, language_code, **kwargs)


_DIALOGS: list[Any] = []


def _shared_dialogs() -> list[Any]:
    """One set of Dialog objects per test process, as one set serves every person in
    production: they keep no state (a person's dialog lives in storage), and building them
    is most of a harness's start-up. Each is detached from the previous test's dispatcher."""
    if not _DIALOGS:
        from bot.app import freeze_start_up_objects
        from dialogs import create_dialogs

        _DIALOGS.extend(create_dialogs())
        # aiogram's types and the dialogs live as long as the test process, as in production
        freeze_start_up_objects()
    for dialog in _DIALOGS:
        dialog._parent_router = None  # aiogram allows one parent; the old dispatcher is gone
    return _DIALOGS


async def start_harness(app: Any) -> Harness:
    from bot.telegram.entry.factory import LOCAL_TOKEN, build_dispatcher, create_bot
    from bot.telegram.entry.local_api import LocalBotAPI
    from bot.telegram.entry.reply_pace import ChatPacer
    from dialogs.conversations.ack import BurstAck

    api = LocalBotAPI()
    pace = VirtualTime()
    bot = create_bot(LOCAL_TOKEN, api, pacer=ChatPacer(pace.monotonic, pace.sleep))
    burst_ack = BurstAck(pace.monotonic, pace.sleep)
    dp = build_dispatcher(app, dialogs=_shared_dialogs(), burst_ack=burst_ack)
    return Harness(app=app, dp=dp, bot=bot, api=api, pace=pace, burst_ack=burst_ack)


async def waits_for_another_process(database: str, write: Any) -> None:
    """Another process holds SQLite's write lock while the coroutine `write` runs: it must
    wait (not done after 0.3 s) while the event loop goes on serving others (it turns at
    least 10 times meanwhile), and be done once the lock is released."""
    import asyncio
    import sqlite3

    other_process = sqlite3.connect(database, isolation_level=None)
    other_process.execute("BEGIN IMMEDIATE")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0.01)

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write)
    try:
        await asyncio.sleep(0.3)
        assert not writing.done()  # waiting for the lock...
        assert ticks >= 10  # ...while the loop serves others
        other_process.execute("COMMIT")
        await asyncio.wait_for(writing, 10)
    finally:
        ticking.cancel()
        other_process.close()
