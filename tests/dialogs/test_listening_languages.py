"""A language with recordings but no written catalog (Wolof here) is offered on the language
screen only once every information page has its recording; the person then chooses the
language of the menus, and hears the pages in Wolof."""

from __future__ import annotations

from bot.content import TOPIC_IDS
from tests.support import STAFF_ID


async def record_all_but_one(app, locale="wo"):
    pages = [
        (topic, page) for topic in TOPIC_IDS for page in range(1, app.content.page_count(topic) + 1)
    ]
    for topic, page in pages[:-1]:
        assert (
            await app.recordings.record(STAFF_ID, topic, page, locale, f"{topic}-{page}")
        ).value == "saved"
    return pages[-1]


async def test_listening_language_is_offered_once_every_page_is_recorded(harness):
    last_topic, last_page = await record_all_but_one(harness.app)
    person = harness.person(8101, "en")
    await person.send("/start")
    assert "🔊 Wolof" not in person.button_texts()

    staff = harness.person(STAFF_ID, "en")
    await staff.send(f"/record {last_topic} {last_page} wo")
    await staff.send(voice={"file_id": "last-wo", "file_unique_id": "l", "duration": 5})
    await person.send("/language")
    assert "🔊 Wolof" in person.button_texts()
    await person.press("🔊 Wolof")
    fr = harness.app.catalogs["fr"]
    assert fr.gettext("Which language do you read best? The menus will be in it.") in (
        person.last_text()
    )
    await person.press("Français")
    assert fr.gettext("ℹ️ About the programme") in person.button_texts()  # menus in French
    await person.press(fr.gettext("ℹ️ About the programme"))
    await person.press(fr.gettext("ℹ️ What is the programme?"))
    await person.press(fr.gettext("🔊 Listen"))
    assert harness.api.chat(person.chat_id)[-2]["voice"]["file_id"] == "about-1"  # Wolof

    await person.send("/mydata")
    assert "Wolof" in person.last_text()
    # Choosing a written language again: back to reading, no Wolof recordings.
    await person.send("/language")
    await person.press("English")
    await person.press("ℹ️ About the programme")
    await person.press("ℹ️ What is the programme?")
    assert "🔊 Listen" not in person.button_texts()


async def test_a_forged_listening_choice_changes_nothing(harness):
    await record_all_but_one(harness.app)  # Wolof is not complete
    person = harness.person(8102, "en")
    await person.send("/start")
    screen = person.last_with_keyboard()
    data = person.buttons(screen)[0]["callback_data"].rsplit(":", 1)[0] + ":wo"
    await person.press_data(data, screen)
    assert "Which language do you read best?" not in person.last_text()
    async with harness.app.uow(read_only=True) as uow:
        user = await uow.users.get(8102)
    assert user.listen_locale is None
