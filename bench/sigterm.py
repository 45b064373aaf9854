"""Seconds from SIGTERM to exit with a large backlog in the outbox (default 10,000 messages).

The real `python -m bot` process on a SQLite file sends to the fake Bot API server; once it has
sent a few, it gets SIGTERM. Prints the seconds to exit, how many messages went out after the
signal, and what is left pending.

    .venv/bin/python bench/sigterm.py --messages 10000
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.bot_api_server import FakeBotApiServer  # noqa: E402
from tests.e2e.test_sigterm_backlog import (  # noqa: E402
    people_with_a_message_due,
    stop_during_backlog,
)
from tests.e2e.test_worker_crash import query  # noqa: E402


async def main(messages: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        began = time.monotonic()
        await people_with_a_message_due(db_path, messages)
        print(f"{messages} messages pending (prepared in {time.monotonic() - began:.0f} s)")
        async with FakeBotApiServer() as server:
            figures = await stop_during_backlog(server, db_path, Path(folder))
        statuses = dict(query(db_path, "select status, count(*) from outbox group by 1"))
        print(f"exit code {figures['code']}, {figures['seconds']:.2f} s from SIGTERM to exit")
        print(f"sent after the signal: {figures['sent_after_signal']}; outbox now: {statuses}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=10_000)
    asyncio.run(main(parser.parse_args().messages))
