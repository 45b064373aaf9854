"""10,000 due check-ins through the outbox worker to a fake Telegram that enforces the limits.

Setup (not timed): a temporary SQLite file migrated by `create_app`; --people registrations
(default 10,000) made with `RegistrationService.register`, then marked returned 40 days ago
with `CheckinService.mark_returned`, so each person's 1-month check-in is due now. The staff
notices of the registrations are cancelled: they are not what is measured.

Run: the real `OutboxWorker` (its own `RateLimiter`, `before_round=app.checkins.dispatch`) is
called with `run_once()` until every check-in is delivered. Telegram is `LimitedBotAPI`: the
in-process `LocalBotAPI` checking each SendMessage against `SendLimits` (25 a second over any
sliding second, 1 a second per chat, 20 a minute per group) and answering a break with 429
retry_after 1, as Telegram would; it also answers a seeded --fault-rate of sends (default
0.5 %) with 429 retry_after 1-3 s, Telegram's own throttling. Each Bot API call takes
--latency-ms (default 5) of simulated time. --poll adds run_forever's POLL_SECONDS wait after
each round (nothing wakes it when check-ins fall due).

Why simulated time: 10,000 messages at 25/s are 400 s of real time. The worker's monotonic()
and sleep() are a simulated clock (sleep advances it, nothing sleeps), the app's clock reads
the same time, and the limits are enforced in that time. Database work, rendering and
aiogram cost real CPU but no simulated time, so the rate is the worker's pacing alone.

Measured: achieved rate (messages / simulated seconds) as a share of the configured 25/s,
429s (caused by breaking a limit vs injected), duplicates (extra messages to a chat), losses
(people without both the message and, in the database, a 'sent' check-in and 'sent' outbox
row), wall and CPU time of the run, peak memory (tracemalloc during the run, which slows it,
and the process's maxrss).

Run: `.venv/bin/python bench/checkins.py` (about 2 min); `--people 2000` for a quick run.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import resource
import tempfile
import time
import tracemalloc
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram.methods import SendMessage
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import App, create_app
from bot.config import Settings
from bot.domain.ratelimit import SendLimits
from bot.domain.registration import AgeGroup, Draft, Gender, PassportState
from bot.services.checkins import Returned
from bot.telegram.factory import LOCAL_TOKEN, create_bot
from bot.telegram.local_api import Fault, LocalBotAPI
from bot.telegram.notifier import Renderer
from bot.telegram.worker import POLL_SECONDS, OutboxWorker

STAFF_ID, FIRST_USER = 900001, 5_000_000
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # registrations; the run is 40 days later
DRAFT = Draft(
    name="Bench Person", country="GN", office_id="rabat", city="Rabat", phone=None,
    gender=Gender.WOMAN, age_group=AgeGroup.FROM_18_TO_25, passport=PassportState.NONE,
    companions=0, contact_locale="en",
)  # fmt: skip


class SimClock:
    """Simulated seconds since START: the app's clock and the worker's monotonic() and sleep()."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)

    def monotonic(self) -> float:
        return self.seconds

    async def sleep(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)


class LimitedBotAPI(LocalBotAPI):
    """LocalBotAPI enforcing `limits` in simulated time, with some 429s of its own."""

    def __init__(self, clock: SimClock, latency: float, fault_rate: float, seed: int) -> None:
        super().__init__()
        self.clock, self.latency, self.fault_rate = clock, latency, fault_rate
        self.limits, self.random = SendLimits(), random.Random(seed)
        self.overall: deque[float] = deque()
        self.last_by_chat: dict[int, float] = {}
        self.groups: dict[int, deque[float]] = {}
        self.delivered: list[tuple[int, str]] = []
        self.limit_429 = self.injected_429 = self.injected_seconds = 0

    def breaks_limits(self, chat_id: int, now: float) -> bool:
        while self.overall and self.overall[0] <= now - 1.0:
            self.overall.popleft()
        group = self.groups.setdefault(chat_id, deque()) if chat_id < 0 else deque()
        while group and group[0] <= now - 60.0:
            group.popleft()
        last = self.last_by_chat.get(chat_id)
        return (
            len(self.overall) >= self.limits.overall_per_second
            or (last is not None and now - last < self.limits.per_chat_seconds)
            or len(group) >= self.limits.group_per_minute
        )

    async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        now = self.clock.seconds  # Telegram takes the request now; the answer comes `latency` later
        self.clock.seconds += self.latency
        if not isinstance(method, SendMessage):
            return await super().make_request(bot, method, timeout)
        chat_id = int(method.chat_id)
        retry_after = None
        if self.breaks_limits(chat_id, now):
            self.limit_429, retry_after = self.limit_429 + 1, 1
        elif self.random.random() < self.fault_rate:
            retry_after = self.random.randint(1, 3)
            self.injected_429 += 1
            self.injected_seconds += retry_after
        if retry_after is not None:
            description = f"Too Many Requests: retry after {retry_after}"
            self.faults.insert(0, Fault(429, description, retry_after))
            return await super().make_request(bot, method, timeout)
        self.overall.append(now)
        self.last_by_chat[chat_id] = now
        if chat_id < 0:
            self.groups[chat_id].append(now)
        result = await super().make_request(bot, method, timeout)
        self.delivered.append((chat_id, method.text))
        return result


async def prepare(app: App, clock: SimClock, people: int) -> None:
    """Register everyone, then, 40 days later, mark them returned 40 days ago."""
    ids = [(await app.registrations.register(FIRST_USER + i, DRAFT))[0].id for i in range(people)]
    clock.seconds += timedelta(days=40).total_seconds()
    returned_on = (clock.now() - timedelta(days=40)).date()
    for registration_id in ids:
        outcome, _ = await app.checkins.mark_returned(
            STAFF_ID, registration_id=registration_id, returned_on=returned_on
        )
        if outcome is not Returned.STARTED:
            raise RuntimeError(f"mark_returned: {outcome}")
    async with app.engine.begin() as connection:
        await connection.execute(
            text("update outbox set status='cancelled' where audience='staff'")
        )


async def scalars(app: App, sql: str) -> list[Any]:
    async with app.engine.connect() as connection:
        return list((await connection.execute(text(sql))).scalars())


async def bench(people: int, latency_ms: float, fault_rate: float, poll: bool) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmpdir:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmpdir}/bench.db",
            STAFF_USER_IDS=str(STAFF_ID), STAFF_CHAT_ID="-1009000001",
            DATA_KEY=Fernet.generate_key().decode(),
        )  # fmt: skip
        clock = SimClock()
        app = await create_app(settings, clock=clock)
        api = LimitedBotAPI(clock, latency_ms / 1000, fault_rate, seed=1)
        bot = create_bot(LOCAL_TOKEN, api)
        worker = OutboxWorker(
            app.outbox, Renderer(app), bot, monotonic=clock.monotonic, sleep=clock.sleep,
            before_round=app.checkins.dispatch,
        )  # fmt: skip
        left = "select (select count(*) from outbox where status in ('pending', 'sending'))"
        left += " + (select count(*) from checkins where status = 'scheduled' and months = 1)"
        try:
            await prepare(app, clock, people)
            tracemalloc.start()
            started, wall, cpu, rounds = clock.seconds, time.perf_counter(), time.process_time(), 0
            while rounds < 100 + people // 5 and (await scalars(app, left))[0] > 0:
                rounds += 1
                if await worker.run_once() == 0 or poll:
                    clock.seconds += POLL_SECONDS  # run_forever's wait for a wake-up
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            elapsed, peak = clock.seconds - started, tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            ok = await scalars(app, "select c.user_id from checkins c join outbox o on o.dedupe_key"
                " = 'checkin:' || c.id where c.months = 1 and c.status = 'sent' and o.status = 'sent'")  # fmt: skip
        finally:
            await bot.session.close()
            await app.close()
    chats = Counter(chat_id for chat_id, _ in api.delivered)
    received = set(chats) & set(range(FIRST_USER, FIRST_USER + people))
    rate, limit = len(api.delivered) / elapsed, api.limits.overall_per_second
    return {
        "people": people, "latency_ms": latency_ms, "fault_rate": fault_rate, "poll": poll,
        "delivered": len(api.delivered), "rounds": rounds, "simulated_seconds": elapsed,
        "rate_per_second": rate, "share_of_limit_pct": 100 * rate / limit,
        "share_outside_injected_pauses_pct":
            100 * len(api.delivered) / (elapsed - api.injected_seconds) / limit,
        "limit_429s": api.limit_429, "injected_429s": api.injected_429,
        "injected_pause_seconds": api.injected_seconds,
        "duplicates": sum(n - 1 for n in chats.values()),
        "losses": people - len(received & set(ok)), "wall_seconds": wall, "cpu_seconds": cpu,
        "tracemalloc_peak_mb": peak / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def table(result: dict[str, Any]) -> str:
    width = max(map(len, result))
    return "\n".join(
        f"{key:<{width}}  {value:.5g}" if isinstance(value, float) else f"{key:<{width}}  {value}"
        for key, value in result.items()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="returnees (default 10000)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="per Bot API call (5)")
    parser.add_argument("--fault-rate", type=float, default=0.005, help="injected 429s (0.005)")
    parser.add_argument("--poll", action="store_true", help="wait POLL_SECONDS between rounds")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    if args.people < 1 or args.latency_ms < 0 or not 0 <= args.fault_rate < 1:
        parser.error("--people >= 1, --latency-ms >= 0 and 0 <= --fault-rate < 1")
    result = asyncio.run(bench(args.people, args.latency_ms, args.fault_rate, args.poll))
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
