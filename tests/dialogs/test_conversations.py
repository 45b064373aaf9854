"""Talk to a person: relay both ways per media type, authorisation, rate limit, deletion, and
the separation between form answers and relayed messages."""

import pytest
from sqlalchemy import text

from bot.telegram.entry.local_api import Fault
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_CHAT, STAFF_ID

OUTSIDER = 6667


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql))).all()


def group_member(harness, user_id):
    return harness.person(user_id, "fr", chat_id=STAFF_CHAT, chat_type="supergroup")


async def writing(harness, user_id=9001, locale="ar", registered=True):
    person, t = await open_menu(harness, user_id, locale)
    if registered:
        await register(person, t)
        await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext("✉️ Write to the office"))
    return person, t


async def test_arabic_person_and_french_staff_talk_through_the_bot(harness):
    person, t = await writing(harness)
    await person.send("I lost my passport")
    assert harness.api.chat(person.chat_id)[-2]["text"] == t.gettext(
        "Sent to the office. Staff answer as soon as they can, during office hours."
    )
    await harness.worker().run_once()
    header, relayed = harness.staff_chat()[-2:]
    assert "MA-2026-000001" in header["text"] and "العربية" in header["text"]
    assert "Test" not in header["text"]  # never the Telegram name
    assert relayed["text"].endswith("I lost my passport")
    assert relayed["reply_to_message"]["message_id"] == header["message_id"]

    await group_member(harness, STAFF_ID).send(
        "Nous pouvons vous aider à obtenir un laissez-passer.", reply_to_message=relayed
    )
    await harness.worker().run_once()
    answer = person.last_text()
    assert answer.startswith(t.gettext("🏢 Message from the office:"))
    assert answer.endswith("Nous pouvons vous aider à obtenir un laissez-passer.")

    await group_member(harness, OUTSIDER).send("Bonjour !", reply_to_message=relayed)
    await harness.worker().run_once()
    assert "Bonjour" not in person.last_text()  # a non-staff reply is not relayed
    assert harness.api.chat(OUTSIDER)[-1]["text"] == harness.app.catalogs["fr"].gettext(
        "Only office staff can answer people through the bot."
    )

    await person.press(t.gettext("✖️ End the conversation"))
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == (
        "✖️ Conversation MA-2026-000001 was closed by the person."
    )


async def test_unregistered_person_appears_under_an_anonymous_handle(harness):
    person, _ = await writing(harness, 9002, "en", registered=False)
    await person.send("Hello")
    await harness.worker().run_once()
    header = harness.staff_chat()[-2]["text"]
    assert "not registered · #" in header


@pytest.mark.parametrize("kind", ["photo", "voice", "document"])
async def test_media_are_relayed_both_ways(harness, kind):
    person, t = await writing(harness, 9003, "fr")
    await getattr(person, f"send_{kind}")()
    await harness.worker().run_once()
    relayed = harness.staff_chat()[-1]
    media_key = {"photo": "photo", "voice": "voice", "document": "document"}[kind]
    assert media_key in relayed
    file = {"file_id": f"staff-{kind}", "file_unique_id": "s"}
    staff_media = {
        "photo": {"photo": [{**file, "width": 9, "height": 9}]},
        "voice": {"voice": {**file, "duration": 2}},
        "document": {"document": {**file, "file_name": "x.pdf"}},
    }[kind]
    await group_member(harness, STAFF_ID).send(None, reply_to_message=relayed, **staff_media)
    await harness.worker().run_once()
    received = harness.api.last_message(person.chat_id)
    assert media_key in received
    assert received["caption"] == t.gettext("🏢 Message from the office:")


async def test_messages_in_a_form_are_never_relayed(harness):
    person, _t = await writing(harness, 9004, "en", registered=False)
    await person.send("Hello office")
    await person.press("🏠 Main menu")  # leaves the mode; the conversation stays open
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    await person.send("Aminata")  # an answer to the form, not a message to the office
    await person.send_photo()  # a stray photo in the form
    relayed = await rows(harness.app, "select direction from relay_messages")
    assert relayed == [("in",)]


async def test_rate_limit_is_kind_and_stops_the_flood(harness):
    person, _t = await writing(harness, 9005, "en", registered=False)
    for i in range(20):
        await person.send(f"message {i}")
    await person.send("one too many")
    assert harness.api.chat(person.chat_id)[-2]["text"] == (
        "You have sent many messages. Please wait a little: staff will read them all."
    )
    assert len(await rows(harness.app, "select id from relay_messages")) == 20
    harness.app.clock.advance(minutes=11)
    await person.send("later")
    assert len(await rows(harness.app, "select id from relay_messages")) == 21


async def test_messages_wait_while_the_group_is_unreachable_and_arrive_once(harness):
    person, _ = await writing(harness, 9006, "en", registered=False)
    await person.send("first")
    await person.send("second")
    harness.api.faults.append(
        Fault(403, "Forbidden: bot was kicked", method="SendMessage", chat_id=STAFF_CHAT, times=4)
    )
    worker = harness.worker()
    for _ in range(6):
        await worker.run_once()
        harness.app.clock.advance(minutes=5)
    texts = [m["text"] for m in harness.staff_chat()]
    assert len(texts) == 3 and texts[1].endswith("first") and texts[2].endswith("second")


async def test_after_deletion_staff_can_no_longer_write_and_nothing_is_kept(harness):
    person, _t = await writing(harness, 9007, "en")
    await person.send("My phone is +212600000000")
    await harness.worker().run_once()
    relayed = harness.staff_chat()[-1]
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == (
        "✖️ Conversation MA-2026-000001 ended: the person deleted their data."
    )
    staff = group_member(harness, STAFF_ID)
    await staff.send("Are you there?", reply_to_message=relayed)
    assert harness.staff_chat()[-1]["text"] == harness.app.catalogs["fr"].gettext(
        "This conversation is closed: nothing was sent."
    )
    contents = await rows(harness.app, "select text_enc, file_enc from relay_messages")
    assert contents == [(None, None)]
    assert await rows(harness.app, "select user_id from conversations") == [(None,)]


async def test_mydata_shows_the_conversation(harness):
    person, _t = await writing(harness, 9008, "en", registered=False)
    await person.send("Where is the office?")
    await person.send("/mydata")
    assert "Where is the office?" in person.last_text()


async def test_staff_close_button_is_for_staff_only(harness):
    person, t = await writing(harness, 9009, "pt", registered=False)
    await person.send("Olá")
    await harness.worker().run_once()
    header = harness.staff_chat()[-2]
    await group_member(harness, OUTSIDER).press("✖️", message=header)
    assert [e.text for e in harness.api.events if e.kind == "answer"][-1] == (
        harness.app.catalogs["fr"].gettext("Only office staff can do this.")
    )
    await group_member(harness, STAFF_ID).press("✖️", message=header)
    await harness.worker().run_once()
    assert person.last_text() == t.gettext(
        "The office closed this conversation. You can write again at any time from the menu."
    )


async def test_inbox_lists_open_conversations_with_their_waiting_time(harness):
    person, _ = await writing(harness, 9010, "en", registered=False)
    await person.send("Hello")
    harness.app.clock.advance(minutes=42)
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/inbox")
    assert "waiting 42 minutes" in staff.last_text()
    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send("/inbox")
    assert harness.api.chat(OUTSIDER)[-2]["text"] == (
        "I do not know this command. Please use the buttons below."
    )


async def test_staff_answer_from_case_reaches_the_person_exactly_as_a_group_reply(harness):
    person, t = await open_menu(harness, 9101, "ar")
    await register(person, t)  # with medical needs: an urgent flag
    await person.press(t.gettext("🏠 Main menu"))
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/start")
    await staff.press("English")

    await staff.send("/cases")
    assert "⚠️ Medical needs · MA-2026-000001" in staff.last_text()  # urgent flags in /cases

    await staff.send("/case MA-2026-000001")
    await staff.press("✍️ Answer")
    assert "MA-2026-000001" in staff.last_text()
    await staff.send("Venez au bureau lundi.")
    sent = harness.api.chat(STAFF_ID)[-2]["text"]
    assert sent == "Sent to the person, as a message from the office."
    assert "✍️" in staff.last_text()  # the answer screen again: more can be sent
    await harness.worker().run_once()
    from_case = person.last_text()
    assert from_case == t.gettext("🏢 Message from the office:") + "\nVenez au bureau lundi."

    # The same words replied in the group arrive identically.
    header = next(m for m in harness.staff_chat() if "Conversation" in m.get("text", ""))
    await group_member(harness, STAFF_ID).send("Venez au bureau lundi.", reply_to_message=header)
    await harness.worker().run_once()
    assert person.last_text() == from_case
    await staff.press("✅ Done")
    assert staff.buttons()  # back to a screen with buttons


async def test_inbox_entries_are_buttons_that_open_the_conversation_and_answer(harness):
    person, _t = await writing(harness, 9102, "fr")
    await person.send("J'ai perdu mon passeport")
    await harness.worker().run_once()
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/inbox")
    entry = staff.button_texts()[0]
    assert entry.startswith("MA-2026-000001 · fr · waiting")
    await staff.press(entry)
    assert "J'ai perdu mon passeport" in staff.last_text()
    await staff.press("✍️ Answer")
    await staff.send("Nous allons vous aider.")
    await harness.worker().run_once()
    assert person.last_text().endswith("Nous allons vous aider.")

    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    inbox_message = staff.api.chat(STAFF_ID)[-1]
    await outsider.press_data("conv:open:1", inbox_message)  # a forged button: refused
    assert "passeport" not in str(harness.api.chat(OUTSIDER))
