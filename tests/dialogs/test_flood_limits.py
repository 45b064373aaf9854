"""Telegram's flood limits on replies to a person: a 429 is honoured (a short wait: wait and send
once; a long one: the reply waits in the outbox for that chat), never answered with an apology,
and replies never go faster than one a second per chat."""

import itertools
from collections import defaultdict

from sqlalchemy import text

from bot.telegram.entry.local_api import BOT_USER, Fault

APOLOGY = "Sorry, something went wrong on our side. Here is the menu."


async def on_menu(harness, user_id):
    person = harness.person(user_id, "en")
    await person.send("/start")
    await person.press("English")
    return person


def calls_to(harness, chat_id, since=0):
    return [c for c in harness.api.calls[since:] if getattr(c, "chat_id", None) == chat_id]


def texts(harness, chat_id):
    """What the bot wrote in the chat."""
    return [m.get("text", "") for m in harness.api.chat(chat_id) if m["from"] == BOT_USER]


def record_send_times(harness):
    times = defaultdict(list)

    def on_event(event):
        if event.kind == "send":
            times[event.chat_id].append(harness.pace.now)

    harness.api.on_event = on_event
    return times


async def test_a_long_flood_limit_puts_the_reply_in_the_outbox_without_an_apology(harness):
    person = await on_menu(harness, 5001)
    before = len(harness.api.calls)
    harness.api.faults.append(
        Fault(429, "Too Many Requests: retry after 30", retry_after=30, chat_id=5001, times=10)
    )
    await person.send("/help")  # the help screen: refused by Telegram for 30 s
    await person.send("/mydata")  # and another reply while the chat is held
    assert len(calls_to(harness, 5001, before)) == 1  # nothing more tried in the held chat
    assert not any(APOLOGY in t for t in texts(harness, 5001))
    async with harness.app.engine.connect() as connection:
        waiting = (
            await connection.execute(
                text("select kind, status, payload from outbox where user_id = 5001")
            )
        ).all()
    assert [(kind, status) for kind, status, _ in waiting] == [("reply", "pending")] * 2
    assert all("How this" not in payload for *_, payload in waiting)  # sealed

    harness.api.faults.clear()  # Telegram's 30 s are over
    harness.app.clock.advance(seconds=31)
    await harness.worker().run_once()
    delivered = texts(harness, 5001)[-2:]
    assert delivered[0].startswith("<b>How this")  # in order, each once
    assert delivered[1].startswith("<b>What the bot stores about you")
    assert [c for c in calls_to(harness, 5001, before) if type(c).__name__ == "SendMessage"][1:]
    assert not any(APOLOGY in t for t in texts(harness, 5001))


async def test_a_short_flood_limit_is_waited_out_and_the_reply_sent_once(harness):
    person = await on_menu(harness, 5002)
    count = len(texts(harness, 5002))
    harness.api.faults.append(
        Fault(429, "Too Many Requests: retry after 3", retry_after=3, chat_id=5002)
    )
    started = harness.pace.now
    await person.send("/mydata")
    assert harness.pace.now - started >= 3
    new = texts(harness, 5002)[count:]
    assert len(new) == 1 and new[0].startswith("<b>What the bot stores about you")


async def test_a_flood_limit_on_a_button_press_is_answered_once_without_apology(harness):
    person = await on_menu(harness, 5003)
    harness.api.faults.append(Fault(429, "Too Many Requests", retry_after=40, chat_id=5003))
    before = len(harness.api.calls)
    await person.press("ℹ️")
    answers = [c for c in harness.api.calls[before:] if type(c).__name__ == "AnswerCallbackQuery"]
    assert len(answers) == 1
    assert not any(APOLOGY in t for t in texts(harness, 5003))


async def test_replies_never_go_faster_than_one_a_second_per_chat(harness):
    times = record_send_times(harness)
    person = await on_menu(harness, 5004)
    for _ in range(3):
        await person.send_sticker()  # a hint and the menu again, each time
        await person.send("/mydata")
    sent = times[5004]
    assert len(sent) >= 7
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(sent))


async def test_a_burst_to_the_office_is_acknowledged_once_and_the_limit_told_once(harness):
    times = record_send_times(harness)
    person = await on_menu(harness, 5005)
    await person.press("✉️ Write to the office")
    edits = []
    harness.api.on_event = lambda e: (
        times[e.chat_id].append(harness.pace.now) if e.kind == "send" else None,
        edits.append((e.message["message_id"], harness.pace.now)) if e.kind == "edit" else None,
    )
    before = len(texts(harness, 5005))
    for i in range(30):  # thirty messages in about two seconds
        await person.send(f"message {i}")
        harness.app.clock.advance(seconds=0.07)
    await harness.burst_ack.settle()  # the last count is shown

    new = texts(harness, 5005)[before:]
    ack, window, limit, window_again = new  # four messages for thirty (not sixty-one)
    assert ack == (
        "20 messages sent to the office. Staff answer as soon as they can, during office hours."
    )
    assert "Write to the office" in window
    assert limit == "You have sent many messages. Please wait a little: staff will read them all."
    assert window_again == window
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(times[5005]))
    ack_id = next(m["message_id"] for m in harness.api.chat(5005) if m.get("text") == ack)
    ack_edits = [at for message_id, at in edits if message_id == ack_id]
    assert 1 <= len(ack_edits) <= 19  # never more than one a second (waits pass at once here)
    assert all(b - a >= 1.0 for a, b in itertools.pairwise(ack_edits))

    harness.app.clock.advance(minutes=11)  # a new window and a new burst
    await person.send("later")
    assert texts(harness, 5005)[-2].startswith("Sent to the office.")
