"""CPU and wall time of one Telegram update through the whole bot, without the network.

Every update goes through the real stack: `Dispatcher.feed_update` from `build_dispatcher`,
the person-context middleware, aiogram-dialog, the SQL FSM storage and a SQLite file (in a
temporary directory, migrated by `create_app`). Only the HTTP transport is replaced, by the
in-process `LocalBotAPI`.

Workload: --people persons (default 200) each send /start, press "English", then alternate
"How this bot works" and "Back to the menu", taken in turn, until --updates updates (default
3000) have been fed. 100 updates from separate warm-up persons come first and are not counted.

Around each `await person.send(...)` / `person.press(...)` we take `time.perf_counter()` (wall)
and `time.process_time()` (CPU of the whole process, so aiosqlite's worker thread counts too).
The timed region includes building the Update on the "client" side, which is small.

Run: `make bench` (that is `.venv/bin/python bench/feed_update.py`); add `--json` for JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import tempfile
import time
from typing import Any

from bot.app import create_app
from bot.config import Settings
from bot.telegram.entry.factory import LOCAL_TOKEN, build_dispatcher, create_bot
from bot.telegram.entry.local_api import LocalBotAPI
from bot.telegram.entry.local_client import LocalPerson

WARMUP_UPDATES = 100
PRESSES = ("How this bot works", "Back to the menu")


class ProblemCounter(logging.Handler):
    """Counts warnings and errors: the bot's error handlers swallow exceptions and apologise."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


async def act(person: LocalPerson, step: int) -> None:
    """The person's step-th action: /start, then the language, then menu <-> help."""
    if step == 0:
        await person.send("/start")
    elif step == 1:
        await person.press("English")
    else:
        await person.press(PRESSES[step % 2])


async def run(people: list[LocalPerson], updates: int) -> tuple[list[float], list[float]]:
    """Feed `updates` updates, one person after the other; return CPU and wall seconds each."""
    cpu: list[float] = []
    wall: list[float] = []
    for i in range(updates):
        person, step = people[i % len(people)], i // len(people)
        w0, c0 = time.perf_counter(), time.process_time()
        await act(person, step)
        c1, w1 = time.process_time(), time.perf_counter()
        cpu.append(c1 - c0)
        wall.append(w1 - w0)
    return cpu, wall


def summary(seconds: list[float]) -> dict[str, float]:
    us = sorted(s * 1e6 for s in seconds)
    centiles = statistics.quantiles(us, n=100, method="inclusive")
    return {
        "median": statistics.median(us),
        "p90": centiles[89],
        "p99": centiles[98],
        "mean": statistics.fmean(us),
    }


async def bench(n_people: int, updates: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmpdir:
        settings = Settings(_env_file=None, DATABASE_URL=f"sqlite+aiosqlite:///{tmpdir}/bench.db")  # type: ignore[call-arg]
        app = await create_app(settings)
        api = LocalBotAPI()
        bot = create_bot(LOCAL_TOKEN, api)
        dp = build_dispatcher(app)
        problems = ProblemCounter()
        logging.getLogger().addHandler(problems)
        try:
            warmers = [LocalPerson(dp, bot, api, 10_000_000 + i) for i in range(10)]
            await run(warmers, WARMUP_UPDATES)
            problems.count, calls_before = 0, len(api.calls)
            people = [LocalPerson(dp, bot, api, 1_000_000 + i) for i in range(n_people)]
            started = time.perf_counter()
            cpu, wall = await run(people, updates)
            elapsed = time.perf_counter() - started
            calls = len(api.calls) - calls_before
        finally:
            logging.getLogger().removeHandler(problems)
            await bot.session.close()
            await app.close()
    return {
        "people": n_people,
        "updates": updates,
        "cpu_us": summary(cpu),
        "wall_us": summary(wall),
        "updates_per_second": updates / elapsed,
        "api_calls_per_update": calls / updates,
        "warnings_and_errors": problems.count,
    }


def table(result: dict[str, Any]) -> str:
    head = f"{result['updates']} updates, {result['people']} people, {WARMUP_UPDATES} warm-up"
    lines = [head, "", f"{'µs/update':<10}" + "".join(f"{k:>9}" for k in result["cpu_us"])]
    for name in ("cpu", "wall"):
        lines.append(f"{name:<10}" + "".join(f"{v:>9.0f}" for v in result[f"{name}_us"].values()))
    lines.append(f"\nupdates/s {result['updates_per_second']:.0f}")
    lines.append(f"Bot API calls/update {result['api_calls_per_update']:.2f}")
    lines.append(f"warnings/errors logged {result['warnings_and_errors']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=200, help="persons talking (default 200)")
    parser.add_argument("--updates", type=int, default=3000, help="updates timed (default 3000)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)  # the bot's errors are logged, not raised
    if args.people < 1 or args.updates < 2:
        parser.error("--people must be at least 1 and --updates at least 2")
    result = asyncio.run(bench(args.people, args.updates))
    print(json.dumps(result, indent=2) if args.json else table(result))


if __name__ == "__main__":
    main()
