"""Two bot processes on one PostgreSQL server: each its own App, engine, connection pools and
dispatcher (with the cross-process person lock), as behind a load balancer."""

import asyncio
import itertools
import time

import pytest
from aiogram.fsm.storage.base import StorageKey

from bot.app import create_app
from bot.domain.registration import Status
from bot.telegram.entry.factory import LOCAL_TOKEN, build_dispatcher, create_bot, create_worker
from bot.telegram.entry.local_api import LocalBotAPI
from storage.locks import PersonLock
from tests.dialogs.booking_steps import TOMORROW, draft, publish, registered_person, to_confirm
from tests.support import STAFF_ID, Harness, make_settings

pytestmark = pytest.mark.postgres_only


async def process(database, clock):
    app = await create_app(make_settings(database), clock=clock)
    api = LocalBotAPI()
    bot = create_bot(LOCAL_TOKEN, api)
    dp = build_dispatcher(app, events_isolation=PersonLock(database))
    return Harness(app=app, dp=dp, bot=bot, api=api)


def to_people(*harnesses):
    return [
        call.chat_id
        for harness in harnesses
        for call in harness.api.calls
        if type(call).__name__ == "SendMessage" and call.chat_id > 0
    ]


async def close(harness):
    await harness.bot.session.close()
    await harness.app.close()


async def test_booking_race_across_two_processes(database, clock):
    one, two = await process(database, clock), await process(database, clock)
    try:
        await publish(one.app, days=(TOMORROW,), start="10:00", end="10:30", capacity=3)
        people = []
        for index, user_id in enumerate(range(50001, 50061)):
            harness = one if index % 2 else two
            person, t = await registered_person(harness, user_id)
            await to_confirm(person, t)
            people.append(person)
        await asyncio.gather(*(p.press("✅ Confirm") for p in people))
        async with one.app.uow(read_only=True) as uow:
            (slot,) = await uow.bookings.slots(
                "rabat", clock.now(), clock.now().replace(year=2027), free_only=False
            )
        assert slot.booked == 3
        answers = [e.text or "" for h in (one, two) for e in h.api.events if e.kind == "answer"]
        assert len([a for a in answers if "just taken" in a]) == 57
    finally:
        await close(one)
        await close(two)


async def test_two_workers_send_each_outbox_message_once(database, clock):
    one, two = await process(database, clock), await process(database, clock)
    try:
        for user_id in range(51001, 51041):
            await one.app.registrations.register(user_id, draft())
        staff_id = STAFF_ID
        for user_id in range(51001, 51041):  # 40 messages to 40 different people
            registration = await one.app.registrations.open_for(user_id)
            await one.app.cases.change_status(
                staff_id, registration.id, registration.status, Status.CONTACTED
            )
        workers = [create_worker(one.app, one.bot), create_worker(two.app, two.bot)]
        stop = asyncio.Event()
        tasks = [asyncio.create_task(w.run_forever(stop)) for w in workers]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and len(set(to_people(one, two))) < 40:  # noqa: ASYNC110 - waiting on other tasks' sends
            await asyncio.sleep(0.2)
        stop.set()
        await asyncio.gather(*tasks)
        assert sorted(to_people(one, two)) == list(range(51001, 51041))  # each exactly once
        senders = [
            h for h in (one, two) if any(type(c).__name__ == "SendMessage" for c in h.api.calls)
        ]
        assert len(senders) == 1  # one process holds the sender lease: one rate limit overall
    finally:
        await close(one)
        await close(two)


async def test_one_persons_updates_never_overlap_across_processes(database):
    locks = [PersonLock(database), PersonLock(database)]
    key = StorageKey(bot_id=1, chat_id=77, user_id=77)
    spans = []

    async def handle(lock):
        async with lock.lock(key):
            begin = time.monotonic()
            await asyncio.sleep(0.05)
            spans.append((begin, time.monotonic()))

    await asyncio.gather(*(handle(locks[i % 2]) for i in range(10)))
    spans.sort()
    assert all(a_end <= b_begin for (_, a_end), (b_begin, _) in itertools.pairwise(spans))
    other = StorageKey(bot_id=1, chat_id=78, user_id=78)
    began = time.monotonic()
    async with locks[0].lock(key), locks[1].lock(other):  # different people do not wait
        pass
    assert time.monotonic() - began < 1
    for lock in locks:
        await lock.close()
