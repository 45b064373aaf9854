"""One update at a time per person in one process (storage/locks.py: LocalPersonLock), and
nothing kept per person once their updates are done: aiogram's and aiogram-dialog's default
isolation kept a lock for every person ever seen."""

import asyncio
import gc

from aiogram.fsm.storage.base import StorageKey

from storage.locks import LocalPersonLock


def key(user_id: int, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user_id, user_id=user_id, destiny=destiny)


async def test_one_person_waits_another_does_not_and_nothing_is_kept():
    locks = LocalPersonLock()
    order: list[str] = []
    first_in = asyncio.Event()
    release = asyncio.Event()

    async def update(name: str, user_id: int, hold: bool = False) -> None:
        async with locks.lock(key(user_id)):
            order.append(f"{name} in")
            if hold:
                first_in.set()
                await release.wait()
            order.append(f"{name} out")

    first = asyncio.create_task(update("a1", 1, hold=True))
    await first_in.wait()
    second = asyncio.create_task(update("a2", 1))  # the same person: waits
    await update("b", 2)  # someone else: not held up
    assert order == ["a1 in", "b in", "b out"]
    release.set()
    await asyncio.gather(first, second)
    assert order == ["a1 in", "b in", "b out", "a1 out", "a2 in", "a2 out"]
    assert locks._locks == {} and locks._users == {}


async def test_a_failing_update_frees_its_lock():
    locks = LocalPersonLock()
    try:
        async with locks.lock(key(3)):
            raise RuntimeError("handler failed")
    except RuntimeError:
        pass
    async with asyncio.timeout(1):
        async with locks.lock(key(3)):
            pass
    assert locks._locks == {}


async def test_a_waiter_cancelled_leaves_the_lock_to_the_others():
    """An update cancelled while it waits for the person's lock (the bot stopping) neither takes
    the lock nor keeps it: the holder finishes, the next waiter gets it, and nothing is left."""
    locks = LocalPersonLock()
    held = asyncio.Event()
    release = asyncio.Event()

    async def holder() -> None:
        async with locks.lock(key(4)):
            held.set()
            await release.wait()

    async def waiter(ran: list[bool]) -> None:
        async with locks.lock(key(4)):
            ran.append(True)

    first = asyncio.create_task(holder())
    await held.wait()
    cancelled_ran: list[bool] = []
    cancelled = asyncio.create_task(waiter(cancelled_ran))
    next_ran: list[bool] = []
    following = asyncio.create_task(waiter(next_ran))
    await asyncio.sleep(0)
    cancelled.cancel()
    release.set()
    async with asyncio.timeout(1):
        await asyncio.gather(first, following)
    assert cancelled.cancelled() and cancelled_ran == [] and next_ran == [True]
    assert locks._locks == {} and locks._users == {}


async def test_the_bot_keeps_no_lock_per_person(harness):
    """Through the whole dispatcher (its isolation and aiogram-dialog's): 30 people later,
    no asyncio lock more than before."""

    def locks_alive() -> int:
        gc.collect()
        return sum(isinstance(o, asyncio.Lock) for o in gc.get_objects())

    before = locks_alive()
    for user_id in range(5001, 5031):
        person = harness.person(user_id, "en")
        await person.send("/start")
        await person.press("English")
    assert locks_alive() - before < 5
