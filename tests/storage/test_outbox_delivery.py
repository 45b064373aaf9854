"""The outbox worker against a fake Telegram answering 429, 403, 400 and 5xx, on a fake clock:
nothing lost, nothing sent twice, nothing sent to another chat, Telegram's pace respected."""

import itertools

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.telegram.entry.local_api import Fault
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_CHAT, make_settings, start_harness


async def outbox_rows(app):
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text("select kind, status, attempts from outbox order by id")
        )
        return [tuple(row) for row in rows]


async def register_people(harness, count, first_id=8001):
    for user_id in range(first_id, first_id + count):
        person, t = await open_menu(harness, user_id, "en")
        await register(person, t)


def staff_texts(harness):
    return [m["text"] for m in harness.staff_chat()]


@pytest.mark.parametrize(
    "fault",
    [
        Fault(403, "Forbidden: bot was kicked from the supergroup chat", times=3),
        Fault(400, "Bad Request: chat not found", times=3),
        Fault(502, "Bad Gateway", times=3),
    ],
    ids=["bot removed", "wrong chat id", "server error"],
)
async def test_staff_chat_unreachable_then_every_notice_arrives_once(harness, fault):
    await register_people(harness, 2)  # registrations succeed while the chat is unreachable
    fault.method, fault.chat_id = "SendMessage", STAFF_CHAT
    harness.api.faults.append(fault)
    worker = harness.worker()
    for _ in range(6):
        await worker.run_once()
        harness.app.clock.advance(minutes=5)
    texts = staff_texts(harness)
    assert len(texts) == 2
    assert "MA-2026-000001" in texts[0] and "MA-2026-000002" in texts[1]
    assert [row[1] for row in await outbox_rows(harness.app)] == ["sent", "sent"]
    sent_to = {call.chat_id for call in harness.api.calls if type(call).__name__ == "SendMessage"}
    assert sent_to <= {STAFF_CHAT, 8001, 8002}  # never another chat


async def test_429_pauses_everything_for_retry_after(harness):
    await register_people(harness, 3)
    harness.api.faults.append(Fault(429, "Too Many Requests: retry after 7", retry_after=7))
    start = harness.app.clock.now()
    await harness.worker().run_once()  # paused by the 429, then goes on once the time is over
    assert len(staff_texts(harness)) == 3
    assert (harness.app.clock.now() - start).total_seconds() >= 7
    assert [row[2] for row in await outbox_rows(harness.app)] == [1, 1, 1]  # a pause is no attempt


async def test_messages_wait_when_no_staff_chat_is_configured(database, clock):
    app = await create_app(make_settings(database, STAFF_CHAT_ID=""), clock=clock)
    harness = await start_harness(app)
    await register_people(harness, 1)
    await harness.worker().run_once()
    assert await outbox_rows(app) == [("registration_new", "pending", 0)]  # never attempted
    await harness.bot.session.close()
    await app.close()


@pytest.mark.slow  # 25 people register
async def test_group_pace_is_twenty_a_minute_and_one_a_second(harness):
    await register_people(harness, 25)
    times = []
    harness.api.on_event = lambda event: times.append(harness.app.clock.now().timestamp())
    worker = harness.worker()
    await worker.run_once()
    assert len(staff_texts(harness)) == 20  # the group's limit: the rest wait, others go on
    for _ in range(5):
        harness.app.clock.advance(seconds=30)
        await worker.run_once()
    assert len(staff_texts(harness)) == 25
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times))
    for i in range(len(times) - 20):
        assert times[i + 20] - times[i] >= 60.0  # never 21 within a minute


@pytest.mark.slow  # 22 people register
async def test_a_group_at_its_limit_does_not_hold_back_messages_to_people(harness):
    await register_people(harness, 22)  # 22 staff notices: 2 over the group's minute
    staff = harness.person(900001, "en")
    await staff.send("/case MA-2026-000001")
    await staff.press("→ Contacted")  # and one message to a person, queued after them
    started = harness.app.clock.now()
    await harness.worker().run_once()
    person_messages = harness.api.chat(8001)
    assert person_messages[-1]["text"].startswith("News about your registration")
    assert (harness.app.clock.now() - started).total_seconds() < 30  # not after the group's wait


async def test_an_unexpected_error_on_one_message_does_not_strand_the_others(harness):
    await register_people(harness, 3)
    harness.api.faults.append(Fault(401, "Unauthorized", method="SendMessage"))
    await harness.worker().run_once()
    statuses = [row[1] for row in await outbox_rows(harness.app)]
    assert statuses.count("sent") == 2 and statuses.count("pending") == 1


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(harness):
    person, t = await open_menu(harness, 8101, "en")
    await register(person, t)
    await harness.worker().run_once()
    staff = harness.person(900001, "en")
    await staff.send("/case MA-2026-000001")
    await staff.press("→ Contacted")
    harness.api.faults.append(Fault(403, "Forbidden: bot was blocked by the user", chat_id=8101))
    await harness.worker().run_once()
    assert (await outbox_rows(harness.app))[-1][1] == "failed"
    async with harness.app.uow() as uow:
        assert (await uow.users.get(8101)).blocked
    await person.send("/start")  # they come back: reachable again
    async with harness.app.uow() as uow:
        assert not (await uow.users.get(8101)).blocked


async def test_claimed_but_unsent_messages_survive_any_number_of_crashes(harness):
    await register_people(harness, 3)
    for _ in range(3):  # a worker claims a batch and dies before sending, three times over
        assert len(await harness.app.outbox.claim(10)) == 3
        await harness.worker().start()
    await harness.worker().run_once()
    assert len(staff_texts(harness)) == 3
    assert [row[1:] for row in await outbox_rows(harness.app)] == [("sent", 1)] * 3


async def test_a_send_interrupted_mid_call_is_retried_once_never_blindly(harness):
    await register_people(harness, 2)
    first, _second = await harness.app.outbox.claim(10)
    await harness.app.outbox.sending(first)  # the call to Telegram was under way: unknown
    await harness.worker().start()  # the next process: `first` retried once, `second` waits
    await harness.worker().run_once()
    assert len(staff_texts(harness)) == 2

    await register_people(harness, 1, first_id=8201)
    for _ in range(2):  # interrupted during its Telegram call, twice
        (third,) = await harness.app.outbox.claim(10)
        await harness.app.outbox.sending(third)
        await harness.worker().start()
    await harness.worker().run_once()
    assert len(staff_texts(harness)) == 2  # not resent a third time
    assert (await outbox_rows(harness.app))[-1][1] == "failed"


async def test_a_429_holds_only_that_chat_and_the_others_go_on(harness):
    await register_people(harness, 3)  # 3 notices to the staff group
    staff = harness.person(900001, "en")
    await staff.send("/case MA-2026-000001")
    await staff.press("→ Contacted")  # and a message to a person, queued after them
    harness.api.faults.append(
        Fault(429, "Too Many Requests: retry after 30", 30, "SendMessage", STAFF_CHAT)
    )
    started = harness.app.clock.now()
    await harness.worker().run_once()
    sends = [c.chat_id for c in harness.api.calls if type(c).__name__ == "SendMessage"]
    assert sends.index(8001) < len(sends) - 1  # the person did not wait for the group's 429
    assert [m["text"][:14] for m in harness.api.chat(8001)][-1] == "News about you"
    texts = staff_texts(harness)
    assert len(texts) == 3  # the group's messages went after its 30 s, in order, once each
    assert all(f"MA-2026-00000{n}" in text for n, text in enumerate(texts, 1))
    assert (harness.app.clock.now() - started).total_seconds() >= 30


async def test_429s_from_several_chats_within_a_second_pause_everything(database, clock):
    from bot.telegram.outbox.worker import GLOBAL_429_CHATS, OutboxWorker

    worker = OutboxWorker(outbox=None, renderer=None, bot=None, monotonic=lambda: 100.0)  # type: ignore[arg-type]
    limited = [worker._global_limit(chat, 100.0) for chat in range(1, GLOBAL_429_CHATS + 1)]
    assert limited == [False] * (GLOBAL_429_CHATS - 1) + [True]
    later = OutboxWorker(outbox=None, renderer=None, bot=None)  # type: ignore[arg-type]
    spread = [later._global_limit(chat, 2.0 * chat) for chat in range(1, GLOBAL_429_CHATS + 2)]
    assert not any(spread)  # one chat a time, seconds apart: never a global pause
