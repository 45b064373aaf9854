"""Bad input never crashes the bot, never changes anything, and always gets a translated answer."""

import logging

import pytest

from bot.locales import SUPPORTED_LOCALES
from tests.support import STAFF_CHAT, start_harness

MENU_LINE = "Choose what you need:"


async def on_menu(harness, user_id=2001, lang="en"):
    person = harness.person(user_id, lang)
    await person.send("/start")
    await person.press(1)  # English
    return person


def bot_texts(harness, chat_id, last=3):
    return [m.get("text", "") for m in harness.api.chat(chat_id)[-last:]]


MEDIA_HINT = (
    "I can only read buttons here. To send this to the office, press ✉️ Write to the "
    "office and send it again."
)
VOICE_HINT = (
    "🎤 ➡️ ✉️ I cannot listen to voice messages here. To send it to the office, "
    "press ✉️ Write to the office and send it again."
)
TEXT_HINT = "I understand only the buttons. To write to the office, press ✉️ Write to the office."


@pytest.mark.parametrize("kind", ["sticker", "photo", "voice", "document"])
async def test_media_where_buttons_are_expected_gets_a_hint_and_the_menu_again(harness, kind):
    person = await on_menu(harness)
    await getattr(person, f"send_{kind}")()
    hint, menu = bot_texts(harness, person.chat_id, 2)
    assert hint == (VOICE_HINT if kind == "voice" else MEDIA_HINT)
    assert MENU_LINE in menu
    assert person.button_texts()  # the buttons are there again, at the bottom


@pytest.mark.parametrize(
    "text",
    [
        "x" * 5000,
        "\u202egnirts desrever\u202c",  # right-to-left override
        "\u200b\u200b\u200b",  # zero-width spaces
        "🙂" * 300,
        "<b>not html</b> & {braces} %s",
    ],
)
async def test_strange_or_overlong_text_gets_a_hint(harness, text):
    person = await on_menu(harness)
    await person.send(text)
    hint, menu = bot_texts(harness, person.chat_id, 2)
    assert hint == TEXT_HINT
    assert MENU_LINE in menu


async def test_unknown_command_is_answered(harness):
    person = await on_menu(harness)
    await person.send("/nonsense")
    assert bot_texts(harness, person.chat_id, 2)[0] == (
        "I do not know this command. Please use the buttons below."
    )


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_hints_are_translated(harness, locale):
    person = harness.person(2002, "en")
    await person.send("/start")
    await person.press(SUPPORTED_LOCALES.index(locale) + 1)
    await person.send_sticker()
    expected = harness.app.catalogs[locale].gettext(MEDIA_HINT)
    assert bot_texts(harness, person.chat_id, 2)[0] == expected


async def test_messages_in_other_groups_are_ignored_and_nothing_is_stored(harness):
    group = harness.person(2003, "en", chat_id=-100777, chat_type="supergroup")
    await group.send("/start")
    await group.send("hello")
    assert harness.api.chat(-100777)[-1]["from"]["id"] == 2003  # only what the person sent
    async with harness.app.uow() as uow:
        assert await uow.users.get(2003) is None


async def test_the_staff_group_gets_no_menu(harness):
    member = harness.person(2004, "en", chat_id=STAFF_CHAT, chat_type="supergroup")
    await member.send("/start")
    assert all(m["from"]["id"] == 2004 for m in harness.api.chat(STAFF_CHAT))


async def test_tampered_callback_data_restarts_the_menu_politely(harness):
    person = await on_menu(harness)
    await person.press_data("\x00garbage\U0001f4a3" * 3, person.last())
    notices = [e.text for e in harness.api.events if e.kind == "answer"]
    assert notices[-1] == "This button no longer works. Here is the menu."
    assert MENU_LINE in person.last_text()


async def test_button_of_a_closed_dialog_restarts_the_menu(harness):
    person = await on_menu(harness)
    old_menu = person.last_with_keyboard()
    await person.send("/language")
    await person.send("/start")  # resets the stack: the old menu's intent no longer exists
    await person.press("How this bot works", message=old_menu)
    notices = [e.text for e in harness.api.events if e.kind == "answer"]
    assert notices[-1] == "This button no longer works. Here is the menu."
    assert MENU_LINE in person.last_text()


async def test_another_persons_button_changes_nothing_for_either(harness):
    alice = await on_menu(harness, 2005)
    bob = await on_menu(harness, 2006)
    alice_menu = alice.last_with_keyboard()
    await bob.press("How this bot works", message=alice_menu)
    assert MENU_LINE in alice.last_text()  # Alice's screen did not move
    await alice.press("How this bot works")
    assert "/language" in alice.last_text()


async def test_open_dialog_survives_a_restart_of_the_bot(app, settings, clock):
    first = await start_harness(app)
    person = first.person(2007, "fr")
    await person.send("/start")
    await person.press("Français")
    old_menu = person.last_with_keyboard()
    await first.bot.session.close()

    from bot.app import create_app

    app2 = await create_app(settings, clock=clock)
    second = await start_harness(app2)
    same_person = second.person(2007, "fr")
    await same_person.press(app2.catalogs["fr"].gettext("❓ How this bot works"), message=old_menu)
    fr_help = app2.catalogs["fr"].gettext("/language – change the language")
    assert fr_help in same_person.last_text()
    await second.bot.session.close()
    await app2.close()


async def test_unexpected_error_apologises_and_logs_no_personal_data(harness, caplog, monkeypatch):
    person = harness.person(2008, "en")
    await person.send("/start")

    async def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(harness.app.users, "choose_locale", broken)
    with caplog.at_level(logging.INFO):
        await person.press("English")
    texts = bot_texts(harness, person.chat_id, 2)
    assert texts[0] == "Sorry, something went wrong on our side. Here is the menu."
    assert "RuntimeError" in caplog.text
    assert "Test" not in caplog.text  # the person's first name never reaches the log
    assert str(person.user["id"]) not in caplog.text
