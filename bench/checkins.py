"""10,000 due check-ins through the outbox worker to a fake Telegram that enforces the limits.

Setup (not timed), on a temporary SQLite file: --people returnees (10,000) registered by the
service, marked returned 40 days before by `mark_returned`: each 1-month check-in is due (the
registrations' staff notices are cancelled). The real `OutboxWorker` (its `RateLimiter`,
`before_round=app.checkins.dispatch`) runs `run_once()` until all are delivered, to a
`LocalBotAPI` that checks each SendMessage against `SendLimits` (25 in any sliding second, 1 a
second per chat), answers a break with 429 retry_after 1 like Telegram, and a seeded
--fault-rate (0.5 %) of sends with 429 retry_after 1-3. Each call takes --latency-ms (5).
--poll adds run_forever's POLL_SECONDS wait after each round (nothing wakes it for check-ins).

Time is simulated: 10,000 messages at 25/s are 400 s of real time. The worker's monotonic()
and sleep() and the app's clock are one simulated clock (sleep advances it, the limits are
enforced in it); database, rendering and aiogram cost CPU, not simulated time.

Reported: rate (messages / simulated s) as a share of 25/s, also without 429 pauses (may pass
100 %: after a pause 25 go at once); 429s from a broken limit vs injected; duplicates; losses
(people without the message, or whose check-in and outbox row are not both 'sent'); wall and
CPU time of the run (tracemalloc triples them: --no-trace); peak memory (tracemalloc;
maxrss, setup included). Run: `.venv/bin/python bench/checkins.py` (5-7 min), `--people 2000`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import tempfile
import time
import tracemalloc
from collections import Counter, deque
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from aiogram.methods import SendMessage
from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import App, create_app
from bot.config import Settings
from bot.domain.ratelimit import SendLimits
from bot.domain.registration import AgeGroup, Draft, Gender, PassportState
from bot.services.checkins import Returned
from bot.telegram.entry.factory import LOCAL_TOKEN, create_bot
from bot.telegram.entry.local_api import Fault, LocalBotAPI
from bot.telegram.outbox.notifier import Renderer
from bot.telegram.outbox.worker import POLL_SECONDS, OutboxWorker

STAFF_ID, FIRST_USER = 900001, 5_000_000
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # registrations; the run is 40 days later
DRAFT = Draft(
    name="Bench Person", country="GN", office_id="rabat", city="Rabat", phone=None,
    gender=Gender.WOMAN, age_group=AgeGroup.FROM_18_TO_25, passport=PassportState.NONE,
    companions=0, contact_locale="en",
)  # fmt: skip
# What marking them returned queued went out then, 40 simulated days ago (the staff notices and
# each person's "check-ins will follow" welcome): only the check-ins due now are measured.
CANCEL_EARLIER = (
    "update outbox set status = 'cancelled' where audience = 'staff' or kind = 'checkins_welcome'"
)
LEFT = """select (select count(*) from outbox where status not in ('sent', 'failed', 'cancelled'))
  + (select count(*) from checkins where status = 'scheduled' and months = 1)"""
DELIVERED = """select c.user_id from checkins c join outbox o on o.dedupe_key = 'checkin:' || c.id
  where c.months = 1 and c.status = 'sent' and o.status = 'sent'"""


class SimClock:
    """Simulated seconds since START: the app's clock and the worker's monotonic() and sleep()."""

    seconds = 0.0

    def now(self) -> datetime:
        return START + timedelta(seconds=self.seconds)

    async def sleep(self, seconds: float) -> None:
        self.seconds += max(0.0, seconds)


class LimitedBotAPI(LocalBotAPI):
    """LocalBotAPI enforcing SendLimits (overall, per chat) in simulated time, and some 429s."""

    def __init__(self, clock: SimClock, latency: float, fault_rate: float, seed: int) -> None:
        super().__init__()
        self.clock, self.latency, self.fault_rate = clock, latency, fault_rate
        self.limits, self.random = SendLimits(), random.Random(seed)
        self.overall: deque[float] = deque()  # when accepted sends arrived
        self.last_by_chat: dict[int, float] = {}
        self.delivered: list[tuple[int, str]] = []
        self.limit_429 = self.injected_429 = self.pause_seconds = 0

    def breaks_limits(self, chat_id: int, now: float) -> bool:
        while self.overall and self.overall[0] <= now - 1.0:
            self.overall.popleft()
        chat_busy = now - self.last_by_chat.get(chat_id, -1e9) < self.limits.per_chat_seconds
        return chat_busy or len(self.overall) >= self.limits.overall_per_second

    async def make_request(self, bot: Any, method: Any, timeout: int | None = None) -> Any:  # noqa: ASYNC109
        now = self.clock.seconds  # Telegram takes the request now and answers `latency` later
        self.clock.seconds += self.latency
        if not isinstance(method, SendMessage):
            return await super().make_request(bot, method, timeout)
        chat_id, retry_after = int(method.chat_id), 0
        if self.breaks_limits(chat_id, now):
            self.limit_429, retry_after = self.limit_429 + 1, 1
        elif self.random.random() < self.fault_rate:
            self.injected_429, retry_after = self.injected_429 + 1, self.random.randint(1, 3)
        if retry_after:
            self.pause_seconds += retry_after
            self.faults.insert(0, Fault(429, "Too Many Requests: retry later", retry_after))
            return await super().make_request(bot, method, timeout)
        self.overall.append(now)
        self.last_by_chat[chat_id] = now
        self.delivered.append((chat_id, method.text))
        return await super().make_request(bot, method, timeout)


async def prepare(app: App, clock: SimClock, people: int) -> None:
    """Register everyone, then, 40 days later, mark them returned 40 days ago."""
    ids = [(await app.registrations.register(FIRST_USER + i, DRAFT))[0].id for i in range(people)]
    clock.seconds += timedelta(days=40).total_seconds()
    mark = partial(app.checkins.mark_returned, STAFF_ID, returned_on=START.date())
    if {(await mark(registration_id=i))[0] for i in ids} != {Returned.STARTED}:
        raise RuntimeError("some returnees could not be marked returned")
    async with app.engine.begin() as connection:
        await connection.execute(text(CANCEL_EARLIER))


async def scalars(app: App, sql: str) -> list[Any]:
    async with app.engine.connect() as connection:
        return list((await connection.execute(text(sql))).scalars())


async def bench(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmpdir:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmpdir}/bench.db",
            STAFF_USER_IDS=str(STAFF_ID), STAFF_CHAT_ID="-1009000001",
            DATA_KEY=Fernet.generate_key().decode(),
        )  # fmt: skip
        clock = SimClock()
        app = await create_app(settings, clock=clock)
        api = LimitedBotAPI(clock, args.latency_ms / 1000, args.fault_rate, seed=1)
        worker = OutboxWorker(
            app.outbox, Renderer(app), create_bot(LOCAL_TOKEN, api),
            monotonic=lambda: clock.seconds, sleep=clock.sleep, before_round=app.checkins.dispatch,
        )  # fmt: skip
        try:
            setup = time.perf_counter()
            await prepare(app, clock, args.people)
            if not args.no_trace:  # it triples the CPU time
                tracemalloc.start()
            started, wall, cpu, rounds = clock.seconds, time.perf_counter(), time.process_time(), 0
            while rounds < 100 + args.people // 5 and (await scalars(app, LEFT))[0] > 0:
                rounds += 1
                if await worker.run_once() == 0 or args.poll:
                    clock.seconds += POLL_SECONDS  # run_forever's wait for a wake-up
            cpu, wall, setup = time.process_time() - cpu, time.perf_counter() - wall, wall - setup
            elapsed, peak = clock.seconds - started, tracemalloc.get_traced_memory()[1]
            ok = set(await scalars(app, DELIVERED))
        finally:
            await api.close()
            await app.close()
    chats = Counter(chat_id for chat_id, _ in api.delivered)
    received = set(chats) & set(range(FIRST_USER, FIRST_USER + args.people))
    sent, limit = len(api.delivered), api.limits.overall_per_second
    return {
        "people": args.people, "latency_ms": args.latency_ms, "fault_rate": args.fault_rate,
        "poll": args.poll, "delivered": sent, "rounds": rounds, "simulated_seconds": elapsed,
        "rate_per_second": sent / elapsed, "share_of_limit_pct": 100 * sent / elapsed / limit,
        "share_without_429_pauses_pct": 100 * sent / (elapsed - api.pause_seconds) / limit,
        "limit_429s": api.limit_429, "injected_429s": api.injected_429,
        "pause_seconds_429": api.pause_seconds, "duplicates": sum(chats.values()) - len(chats),
        "losses": args.people - len(received & ok), "setup_seconds": setup,
        "wall_seconds": wall, "cpu_seconds": cpu, "tracemalloc_peak_mb": peak / 2**20,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }  # fmt: skip


def table(result: dict[str, Any]) -> str:
    rounded = {key: round(v, 3) if isinstance(v, float) else v for key, v in result.items()}
    return "\n".join(f"{key:<29} {value}" for key, value in rounded.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=10_000, help="returnees (default 10000)")
    parser.add_argument("--latency-ms", type=float, default=5.0, help="per Bot API call (5)")
    parser.add_argument("--fault-rate", type=float, default=0.005, help="injected 429s (0.005)")
    parser.add_argument("--poll", action="store_true", help="wait POLL_SECONDS between rounds")
    parser.add_argument("--no-trace", action="store_true", help="no tracemalloc (faster)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    if args.people < 1 or args.latency_ms < 0 or not 0 <= args.fault_rate < 1:
        parser.error("--people >= 1, --latency-ms >= 0 and 0 <= --fault-rate < 1")
    result = asyncio.run(bench(args))
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
