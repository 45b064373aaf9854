"""The PostgreSQL connection dropping mid-transaction (a TCP proxy between the bot and the
throwaway server, cut at the worst moments): nothing half-written, nothing sent twice, the bot
answers again once the database is back, and /healthz reports the outage."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import text

from bot.app import App, create_app
from storage.db import create_engine
from storage.repositories.booking import SqlBookingRepository
from storage.repositories.outbox import SqlOutboxRepository
from tests.dialogs.booking_steps import TOMORROW, draft, publish, registered_person, to_confirm
from tests.support import STAFF_ID, make_settings, start_harness
from tests.tcp_proxy import CuttableProxy

pytestmark = pytest.mark.postgres_only


@pytest.fixture
async def proxy(database: str) -> AsyncIterator[CuttableProxy]:
    parts = urlsplit(database)
    cuttable = await CuttableProxy.start(parts.hostname or "127.0.0.1", parts.port or 5432)
    yield cuttable
    await cuttable.close()


@pytest.fixture
async def proxied_app(database: str, proxy: CuttableProxy, clock) -> AsyncIterator[App]:
    parts = urlsplit(database)
    url = database.replace(f"@{parts.hostname}:{parts.port}/", f"@127.0.0.1:{proxy.port}/")
    application = await create_app(make_settings(url), clock=clock)
    yield application
    await application.close()


async def direct(database: str, sql: str) -> list[tuple]:
    """Read the database around the proxy: what the server really holds."""
    engine = create_engine(database)
    async with engine.connect() as connection:
        rows = [tuple(row) for row in (await connection.execute(text(sql))).all()]
    await engine.dispose()
    return rows


async def test_a_cut_during_a_booking_confirm_writes_nothing_and_the_bot_recovers(
    proxied_app, proxy, database, monkeypatch
):
    harness = await start_harness(proxied_app)
    try:
        await publish(proxied_app, days=(TOMORROW,), start="10:00", end="10:30", capacity=1)
        person, t = await registered_person(harness, 8501)
        await to_confirm(person, t)
        real = SqlBookingRepository.add_booking

        async def then_cut(self, *args, **kwargs):
            booking = await real(self, *args, **kwargs)  # place taken, booking row written
            proxy.cut()  # ... and the connection drops before the commit
            return booking

        monkeypatch.setattr(SqlBookingRepository, "add_booking", then_cut)
        await person.press(t.gettext("✅ Confirm"))
        assert "Sorry, something went wrong on our side" in " ".join(
            m.get("text", "") for m in harness.api.chat(person.chat_id)[-3:]
        )
        # Nothing half-written: the place is free, no booking, nothing queued about it.
        assert await direct(database, "select booked from slots") == [(0,)]
        assert await direct(database, "select count(*) from bookings") == [(0,)]
        assert await direct(
            database, "select count(*) from outbox where kind like 'interview%'"
        ) == [(0,)]

        monkeypatch.setattr(SqlBookingRepository, "add_booking", real)
        proxy.restore()
        await person.send("/start")  # the bot answers again
        assert person.last_text()
        await to_confirm(person, t)
        await person.press(t.gettext("✅ Confirm"))
        assert await direct(database, "select booked from slots") == [(1,)]
        assert await direct(database, "select count(*) from bookings where status = 'active'") == [
            (1,)
        ]
    finally:
        await harness.bot.session.close()


async def test_a_cut_during_an_outbox_claim_loses_nothing_and_sends_nothing_twice(
    proxied_app, proxy, database, monkeypatch
):
    harness = await start_harness(proxied_app)
    try:
        for user_id in range(8601, 8611):
            await proxied_app.registrations.register(user_id, draft())
        real = SqlOutboxRepository.claim_due
        cuts = []

        async def then_cut(self, now, limit):
            claimed = await real(self, now, limit)  # rows locked and marked claimed ...
            if not cuts:
                cuts.append(len(claimed))
                proxy.cut()  # ... and the connection drops before the commit
            return claimed

        monkeypatch.setattr(SqlOutboxRepository, "claim_due", then_cut)
        worker = harness.worker()
        with pytest.raises(Exception):  # noqa: B017 - whichever error the driver raises
            await worker.run_once()
        assert cuts == [10]
        assert harness.staff_chat() == []  # nothing went out
        assert await direct(database, "select status, count(*) from outbox group by 1") == [
            ("pending", 10)
        ]  # the claim was rolled back with the connection: no row stranded as "claimed"

        proxy.restore()
        assert await worker.run_once() == 10
        texts = [m["text"] for m in harness.staff_chat()]
        references = [f"MA-2026-{n:06d}" for n in range(1, 11)]
        assert [sum(ref in text for text in texts) for ref in references] == [1] * 10
        assert await direct(database, "select status, count(*) from outbox group by 1") == [
            ("sent", 10)
        ]
        assert await worker.run_once() == 0
    finally:
        await harness.bot.session.close()


async def test_healthz_reports_the_outage(proxied_app, proxy):
    from aiohttp.test_utils import TestClient, TestServer

    from bot.telegram.entry.factory import LOCAL_TOKEN, create_bot
    from bot.telegram.entry.local_api import LocalBotAPI
    from bot.telegram.entry.webhook import build_web_app

    bot = create_bot(LOCAL_TOKEN, LocalBotAPI())
    client = TestClient(TestServer(build_web_app(proxied_app, bot)))
    await client.start_server()
    try:
        assert (await client.get("/healthz")).status == 200
        proxy.cut()
        response = await client.get("/healthz")
        assert response.status == 503
        assert await response.text() == "database unreachable"
        proxy.restore()
        assert (await client.get("/healthz")).status == 200
    finally:
        await client.close()
        await bot.session.close()


async def test_the_staff_still_work_after_an_outage(proxied_app, proxy):
    """A status change after the database came back (the pool's dead connections replaced)."""
    await proxied_app.registrations.register(8701, draft())
    registration = await proxied_app.registrations.open_for(8701)
    proxy.cut()
    proxy.restore()
    from bot.domain.registration import Status
    from bot.services.cases import Change

    assert (
        await proxied_app.cases.change_status(
            STAFF_ID, registration.id, Status.NEW, Status.CONTACTED
        )
        is Change.DONE
    )
