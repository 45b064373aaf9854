"""The staff console's Cases page over many cases: server time and number of SQL queries.

Setup (not timed), on a temporary SQLite file: --cases registrations (3,000) written through the
repositories, a third of them with a conversation (half of those waiting for the office), one in
ten with an urgent need. Then a staff member signs in through a one-time link and GETs
/staff/cases --requests times (20) on a real aiohttp test server; printed: the median and
slowest server time, the page's size, and the SQL queries per request (a SQLAlchemy
before_cursor_execute counter), which must not grow with the number of cases.
Run: `.venv/bin/python -m bench.console_cases` (`--cases 300`, `--requests 50`).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import event

from bot.app import App, create_app
from bot.config import Settings
from bot.domain.conversations import Direction, Kind, new_handle
from bot.domain.registration import AgeGroup, Draft, Gender, Need, PassportState

STAFF_ID, FIRST_USER = 900001, 7_000_000


def _draft(i: int, office_id: str) -> Draft:
    return Draft(
        name=f"Person {i}", country=("GN", "SN", "ML", "CI")[i % 4], office_id=office_id,
        city="Rabat", phone=None, gender=Gender.WOMAN, age_group=AgeGroup.FROM_26_TO_35,
        passport=PassportState.NONE, companions=0, contact_locale="fr",
        needs=frozenset({Need.MEDICAL}) if i % 10 == 0 else frozenset(),
    )  # fmt: skip


async def seed_cases(app: App, count: int, first_user: int = FIRST_USER) -> None:
    """`count` cases, straight through the repositories (one transaction)."""
    offices = [o.id for o in app.offices]
    start = app.clock.now() - timedelta(days=30)
    async with app.uow() as uow:
        for i in range(count):
            at = start + timedelta(minutes=7 * i)
            user_id = first_user + i
            office = offices[i % len(offices)]
            registration = await uow.registrations.add(
                f"MA-2026-{first_user % 1000 + i + 1:06d}", user_id, _draft(i, office),
                now=at, consent_at=at, consent_version="bench", self_check=None,
            )  # fmt: skip
            if i % 3 == 0:
                conversation = await uow.conversations.create(
                    user_id=user_id, handle=new_handle() + str(i), reference=registration.reference,
                    office_id=office, locale="fr", now=at,
                )  # fmt: skip
                await uow.conversations.add_message(
                    conversation.id, Direction.IN, Kind.TEXT, "Bonjour", None, at
                )
                if i % 2 == 0:  # answered: no longer waiting
                    await uow.conversations.add_message(
                        conversation.id, Direction.OUT, Kind.TEXT, "Bonjour !", None, at, STAFF_ID
                    )
        await uow.commit()


class QueryCounter:
    """Counts the SQL statements an engine runs (SQLAlchemy before_cursor_execute)."""

    def __init__(self, engine: Any) -> None:
        self.count = 0
        self._engine = engine.sync_engine
        event.listen(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, *_: Any) -> None:
        self.count += 1

    def close(self) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)


async def run(cases: int, requests: int) -> None:
    from tests.web.console_support import console_client, sign_in

    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            DATABASE_URL=f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            STAFF_USER_IDS=str(STAFF_ID),
            DATA_KEY=Fernet.generate_key().decode(),
        )
        app = await create_app(settings)
        began = time.perf_counter()
        await seed_cases(app, cases)
        print(f"seeded {cases} cases in {time.perf_counter() - began:.1f} s")
        client = await console_client(app)
        try:
            await sign_in(client, app, STAFF_ID)
            await client.get("/staff/cases")  # warm: templates compiled, caches filled
            counter = QueryCounter(app.engine)
            times, size = [], 0
            for _ in range(requests):
                began = time.perf_counter()
                response = await client.get("/staff/cases")
                size = len(await response.read())
                times.append(time.perf_counter() - began)
                assert response.status == 200
            counter.close()
        finally:
            await client.close()
            await app.close()
    print(
        f"Cases page, {cases} cases, {requests} requests: median "
        f"{statistics.median(times) * 1000:.1f} ms, slowest {max(times) * 1000:.1f} ms, "
        f"{size / 1024:.0f} KiB, {counter.count / requests:.1f} SQL queries per request "
        f"(at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=20)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.cases, arguments.requests))


if __name__ == "__main__":
    main()
