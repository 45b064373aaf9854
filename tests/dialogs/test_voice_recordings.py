"""Recorded voice versions of the information pages: staff record one in Telegram, people hear
it on that page in that language only; it survives a restart, can be replaced and removed;
nobody else can record."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.services.staff_policy import NotStaffError
from tests.dialogs.registration_steps import open_menu
from tests.support import STAFF_ID, start_harness

LISTEN = "🔊 Listen"


def voice(file_id):
    return {"file_id": file_id, "file_unique_id": file_id, "duration": 30}


async def record(harness, args, file_id):
    staff = harness.person(STAFF_ID, "en")
    await staff.send(f"/record {args}")
    await staff.send(voice=voice(file_id))
    return staff


async def open_page(harness, user_id, locale, topic_label, page=1):
    person, t = await open_menu(harness, user_id, locale)
    await person.press(t.gettext("ℹ️ About the programme"))
    await person.press(t.gettext(topic_label))
    for _ in range(page - 1):
        await person.press(t.gettext("Next ➡️"))
    return person, t


async def test_recorded_page_is_played_in_its_language_only(harness):
    staff = await record(harness, "who 2 fr", "fr-who-2")
    assert (
        'Saved. People now see "🔊 Listen" on this page.' in harness.api.chat(STAFF_ID)[-2]["text"]
    )
    person, t = await open_page(harness, 8001, "fr", "🙋 Who can get help?", page=2)
    assert t.gettext(LISTEN) in person.button_texts()
    await person.press(t.gettext(LISTEN))
    sent = harness.api.chat(person.chat_id)
    assert sent[-2]["voice"]["file_id"] == "fr-who-2"
    assert t.gettext("Next ➡️") in person.button_texts()  # the page is shown again below it

    first_page, t = await open_page(harness, 8002, "fr", "🙋 Who can get help?", page=1)
    assert t.gettext(LISTEN) not in first_page.button_texts()  # another page
    english, t = await open_page(harness, 8003, "en", "🙋 Who can get help?", page=2)
    assert LISTEN not in english.button_texts()  # another language
    assert staff is not None


async def test_recording_survives_a_restart_and_can_be_replaced_and_removed(app, settings, clock):
    first = await start_harness(app)
    await record(first, "about 1 ar", "ar-about-1")
    await first.bot.session.close()
    await app.close()

    app2 = await create_app(settings, clock=clock)
    second = await start_harness(app2)
    person, t = await open_page(second, 8004, "ar", "ℹ️ What is the programme?")
    await person.press(t.gettext(LISTEN))
    assert second.api.chat(person.chat_id)[-2]["voice"]["file_id"] == "ar-about-1"

    staff = await record(second, "about 1 ar", "ar-about-1-better")  # replace
    await person.press(t.gettext(LISTEN))
    assert second.api.chat(person.chat_id)[-2]["voice"]["file_id"] == "ar-about-1-better"

    await staff.send("/record about 1 ar")
    await staff.press("🗑 Remove the recording")
    async with app2.engine.connect() as connection:
        assert (await connection.execute(text("SELECT * FROM voice_recordings"))).all() == []
    again, t = await open_page(second, 8005, "ar", "ℹ️ What is the programme?")
    assert t.gettext(LISTEN) not in again.button_texts()
    await second.bot.session.close()
    await app2.close()


async def test_only_staff_can_record(harness):
    outsider = harness.person(8006, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send("/record about 1 en")
    await outsider.send(voice=voice("intruder"))
    async with harness.app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT * FROM voice_recordings"))).all() == []
    # The service refuses too, whoever calls it.
    with pytest.raises(NotStaffError):  # the one staff policy (issue 17): raised, not returned
        await harness.app.recordings.record(8006, "about", 1, "en", "intruder")
    async with harness.app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT * FROM voice_recordings"))).all() == []


async def test_record_command_checks_topic_page_and_language(harness):
    staff = harness.person(STAFF_ID, "en")
    for args in ("", "nowhere 1 fr", "about 99 fr", "about 1 xx", "about one fr"):
        await staff.send(f"/record {args}")
        assert staff.last_text().startswith("Write: /record TOPIC PAGE LANGUAGE")
    await staff.send("/record about 1 fr")
    await staff.send("not a voice message")
    async with harness.app.engine.connect() as connection:
        assert (await connection.execute(text("SELECT * FROM voice_recordings"))).all() == []
