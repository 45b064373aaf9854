"""/start, the language picker, the main menu and the commands, per locale."""

import pytest

from bot.i18n import native_language_name
from bot.locales import SUPPORTED_LOCALES

MENU_LINE = "Choose what you need:"


async def test_first_start_offers_the_five_languages_each_named_in_itself(harness):
    person = harness.person(1001, "en")
    await person.send("/start")
    assert person.button_texts() == ["English", "Français", "العربية", "Español", "Português"]
    for code in SUPPORTED_LOCALES:
        assert harness.app.catalogs[code].gettext("Choose your language") in person.last_text()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_choosing_a_language_shows_the_menu_in_it(harness, locale):
    t = harness.app.catalogs[locale]
    person = harness.person(1001, "en")
    await person.send("/start")
    await person.press(native_language_name(locale))
    assert t.gettext(MENU_LINE) in person.last_text()
    assert person.button_texts() == [
        t.gettext(label)
        for label in (
            "🆘 I am in danger / I need help now",
            "ℹ️ About the programme",
            "✅ Can I get help?",
            "📝 Register my interest",
            "🏡 I came back home: reintegration support",
            "✉️ Write to the office",
            "📞 Contact the office",
            "❓ How this bot works",
            "🌐 Language",
        )
    ]
    async with harness.app.uow() as uow:
        assert (await uow.users.get(1001)).locale == locale


@pytest.mark.parametrize("locale", [code for code in SUPPORTED_LOCALES if code != "en"])
def test_menu_is_translated(harness, locale):
    assert harness.app.catalogs[locale].gettext(MENU_LINE) != MENU_LINE


async def test_telegram_language_is_used_until_the_person_chooses(harness):
    person = harness.person(1002, "fr")
    await person.send("/start")
    await person.send("/help")
    fr = harness.app.catalogs["fr"]
    assert (
        fr.gettext("/cancel – stop what you are doing and go back to the menu")
        in person.last_text()
    )


async def test_stored_choice_wins_over_telegram_language(harness):
    person = harness.person(1003, "fr")
    await person.send("/start")
    await person.press("العربية")
    await person.send("/start")
    assert harness.app.catalogs["ar"].gettext(MENU_LINE) in person.last_text()


async def test_second_start_goes_straight_to_the_menu_and_records_the_first_source(harness):
    person = harness.person(1004, "en")
    await person.send("/start src_oujda")
    await person.press("English")
    await person.send("/start src_rabat")
    assert MENU_LINE in person.last_text()
    async with harness.app.uow() as uow:
        assert (await uow.users.get(1004)).source == "oujda"


async def test_language_command_reopens_the_picker(harness):
    person = harness.person(1005, "en")
    await person.send("/start")
    await person.press("Español")
    await person.send("/language")
    assert "Português" in person.button_texts()
    await person.press("Português")
    assert harness.app.catalogs["pt"].gettext(MENU_LINE) in person.last_text()


async def test_cancel_goes_back_to_the_menu(harness):
    person = harness.person(1006, "en")
    await person.send("/start")
    await person.press("English")
    await person.press("How this bot works")
    await person.send("/cancel")
    texts = [m.get("text", "") for m in harness.api.chat(1006)[-2:]]
    assert texts[0] == "Stopped. Nothing was saved."
    assert MENU_LINE in texts[1]


async def test_help_screen_has_a_way_back(harness):
    person = harness.person(1007, "en")
    await person.send("/start")
    await person.press("English")
    await person.press("How this bot works")
    assert "/language" in person.last_text()
    await person.press("Back to the menu")
    assert MENU_LINE in person.last_text()


async def test_a_typed_answer_is_never_read_as_a_command_and_commands_still_are(
    harness, monkeypatch
):
    """The command and staff routers turn a private message that is no command away in one
    check (bot/telegram/entry/filters.py: CommandOrGroup): no `Command` filter reads it. A
    command is still one with a space before it, or as a photo's caption, as aiogram reads it."""
    from aiogram.filters import Command

    parsed: list[str] = []
    real = Command.__call__

    async def counted(self, message, bot):
        parsed.append(message.text or message.caption or "")
        return await real(self, message, bot)

    monkeypatch.setattr(Command, "__call__", counted)
    person = harness.person(1005, "en")
    await person.send("/start")
    await person.press("English")
    await person.press("Register my interest")
    await person.press("I agree")
    parsed.clear()
    await person.send("Aminata Diallo")  # the name, typed
    assert parsed == []
    assert "country of origin" in person.last_text()

    await person.send("  /help")
    help_line = "/cancel – stop what you are doing and go back to the menu"
    assert help_line in person.last_text()
    await person.send("/start")
    await person.send_photo(caption="/help")
    assert help_line in person.last_text()
