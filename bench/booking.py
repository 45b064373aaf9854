"""1,000 people booking through the dispatcher with a fake Telegram session on SQLite.

Setup (not timed): a temporary SQLite file migrated by `create_app` (real clock); staff publish
slots at the "rabat" office for the 7 days after today in Africa/Casablanca, 09:00-17:00, 15
minutes, 10 places each (2,240 places); --people registrations are made with the service.

Each person then talks to the real `Dispatcher.feed_update` through the in-process
`LocalBotAPI`: /start, "English", then "📅 Book my interview", a day, a time, "✅ Confirm".
Person i takes day i % 7 and time (i // 7) % 32, so every place asked for is free. Per person we
time with `time.perf_counter()`: the Confirm press alone (the booking transaction and the
rendering of the confirmation and the .ics), and the whole flow from "Book my interview" to the
confirmation (4 presses; 5 when the day is in next month's calendar page). The wall time
covers every person's whole conversation, /start and the language included.

--concurrency N runs N people at once on the event loop: latencies then include waiting for
the other people's updates and for SQLite's single writer.

Run: `.venv/bin/python bench/booking.py` (add `--concurrency 20`, `--people N`, `--json`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from datetime import date, timedelta
from datetime import time as clock_time
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import text

from bot.app import App, create_app
from bot.config import Settings
from bot.domain.booking import SlotPlan
from bot.domain.registration import AgeGroup, Draft, Gender, PassportState
from bot.telegram.entry.factory import LOCAL_TOKEN, build_dispatcher, create_bot
from bot.telegram.entry.local_api import LocalBotAPI
from bot.telegram.entry.local_client import ButtonNotFoundError, LocalPerson

STAFF_ID, OFFICE = 900001, "rabat"
N_DAYS, START, END, LENGTH, CAPACITY = 7, clock_time(9), clock_time(17), 15, 10
N_TIMES = (END.hour - START.hour) * 60 // LENGTH
FIRST_USER = 3_000_000


class ProblemCounter(logging.Handler):
    """Counts warnings and errors: the bot's error handlers swallow exceptions and apologise."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def draft() -> Draft:
    return Draft(
        name="Bench Person", country="GN", office_id=OFFICE, city="Rabat", phone=None,
        gender=Gender.WOMAN, age_group=AgeGroup.FROM_18_TO_25, passport=PassportState.NONE,
        companions=0, contact_locale="en",
    )  # fmt: skip


async def prepare(app: App, people: int) -> list[date]:
    """Publish the slots and register everyone; return the days with slots."""
    today = app.bookings.today(OFFICE)  # in the office's time zone
    days = [today + timedelta(days=k) for k in range(1, N_DAYS + 1)]
    plan = SlotPlan(OFFICE, tuple(days), START, END, LENGTH, CAPACITY)
    await app.bookings.publish(STAFF_ID, plan)
    for i in range(people):
        await app.registrations.register(FIRST_USER + i, draft())
    return days


async def book(person: LocalPerson, day: date, slot: int, today: date) -> tuple[float, float]:
    """One person's booking; returns (Confirm press, whole flow) in seconds."""
    await person.send("/start")
    await person.press("English")
    started = time.perf_counter()
    await person.press("📅 Book my interview")
    if (day.year, day.month) != (today.year, today.month):
        await person.press(" ›")  # the calendar opens on this month: go to the next one
    await person.press(str(day.day))
    await person.press(slot + 1)  # by position: English shows "9:00 AM", French "09:00"
    before_confirm = time.perf_counter()
    await person.press("✅ Confirm")
    done = time.perf_counter()
    return done - before_confirm, done - started


def summary(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1e3 for s in seconds) or [float("nan")]
    centiles = statistics.quantiles(ms * 2 if len(ms) < 2 else ms, n=100, method="inclusive")
    median, mean = statistics.median(ms), statistics.fmean(ms)
    return {"median": median, "p99": centiles[98], "mean": mean, "max": ms[-1]}


async def bench(people: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmpdir:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmpdir}/bench.db",
            STAFF_USER_IDS=str(STAFF_ID), STAFF_CHAT_ID="-1009000001",
            DATA_KEY=Fernet.generate_key().decode(),
        )  # fmt: skip
        app = await create_app(settings)
        api = LocalBotAPI()
        bot = create_bot(LOCAL_TOKEN, api)
        dp = build_dispatcher(app)
        gate, problems = asyncio.Semaphore(concurrency), ProblemCounter()
        logging.getLogger().addHandler(problems)
        try:
            days, today = await prepare(app, people), app.bookings.today(OFFICE)

            async def one(i: int) -> tuple[float, float] | None:
                person = LocalPerson(dp, bot, api, FIRST_USER + i, "en")
                async with gate:  # at most `concurrency` people talk at once
                    try:
                        return await book(person, days[i % N_DAYS], (i // N_DAYS) % N_TIMES, today)
                    except ButtonNotFoundError:  # the screen was not the expected one
                        return None

            started = time.perf_counter()
            timed = [t for t in await asyncio.gather(*map(one, range(people))) if t is not None]
            wall = time.perf_counter() - started
            async with app.engine.connect() as connection:
                sql = text("select count(*) from bookings where status='active'")
                booked = (await connection.execute(sql)).scalar_one()
        finally:
            logging.getLogger().removeHandler(problems)
            await bot.session.close()
            await app.close()
    return {
        "people": people, "concurrency": concurrency, "booked": booked,
        "stuck": people - len(timed), "confirm_ms": summary([t[0] for t in timed]),
        "flow_ms": summary([t[1] for t in timed]), "wall_seconds": wall,
        "bookings_per_second": booked / wall, "warnings_and_errors": problems.count,
    }  # fmt: skip


def table(result: dict[str, Any]) -> str:
    lines = [
        f"{result['people']} people booking, concurrency {result['concurrency']}",
        "",
        f"{'ms':<9}" + "".join(f"{k:>9}" for k in result["confirm_ms"]),
    ]
    for name in ("confirm", "flow"):
        lines.append(f"{name:<9}" + "".join(f"{v:>9.1f}" for v in result[f"{name}_ms"].values()))
    lines.append(f"\nbooked {result['booked']} of {result['people']} (stuck {result['stuck']})")
    lines.append(f"wall {result['wall_seconds']:.1f} s, {result['bookings_per_second']:.1f}/s")
    lines.append(f"warnings/errors logged {result['warnings_and_errors']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1000, help="persons booking (default 1000)")
    parser.add_argument("--concurrency", type=int, default=1, help="people at once (default 1)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # no aiogram.event or alembic INFO lines
    if args.people < 1 or args.concurrency < 1:
        parser.error("--people and --concurrency must be at least 1")
    if args.people > N_DAYS * N_TIMES * CAPACITY:
        parser.error(f"--people can be at most {N_DAYS * N_TIMES * CAPACITY} (the places)")
    result = asyncio.run(bench(args.people, args.concurrency))
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
