"""Issue 14: journeys that never dead-end (every country, every way out, every message heard)."""

import pytest

from bot.domain.countries import all_countries
from tests.dialogs.booking_steps import registered_person
from tests.dialogs.registration_steps import open_menu
from tests.dialogs.test_checkins import answer_all, returned


async def due_checkin(harness, user_id, locale="en"):
    """A returnee whose one-month check-in invitation just arrived (opened from it)."""
    person, t = await returned(harness, user_id, locale)
    await harness.worker().run_once()
    return person, t


async def to_country(person, t, returnee=False):
    label = "🏡 I came back home: reintegration support" if returnee else "📝 Register my interest"
    await person.press(t.gettext(label))
    await person.press(t.gettext("✅ I agree"))
    await person.send("Aminata")


# -- finding 1: every country, in every language and script ------------------------------
def test_every_cldr_country_can_be_chosen():
    codes = all_countries()
    assert len(codes) > 240
    for code in ("ES", "IT", "FR", "DE", "GR", "BE", "BA", "TN", "SY", "YE", "BD", "SO", "XK"):
        assert code in codes
    assert "ZZ" not in codes and "EU" not in codes and "UN" not in codes


@pytest.mark.parametrize(
    ("locale", "typed", "code"),
    [
        ("en", "bosn", "BA"),
        ("fr", "allem", "DE"),
        ("ar", "إسبا", "ES"),
        ("es", "grec", "GR"),
        ("pt", "bélg", "BE"),
        ("en", "سوري", "SY"),  # Arabic letters typed on an English screen
        ("ar", "yem", "YE"),  # Latin letters typed on an Arabic screen
    ],
)
async def test_a_returnee_from_europe_finds_their_country_in_any_language(
    harness, locale, typed, code
):
    person, t = await open_menu(harness, 14100 + len(typed), locale)
    await to_country(person, t, returnee=True)
    await person.send(typed)
    assert t.country(code) in person.button_texts()
    await person.press(t.country(code))
    assert t.gettext("Where are you now?") in person.last_text()


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_other_or_prefer_not_to_say_is_offered_and_accepted(harness, locale):
    person, t = await open_menu(harness, 14120, locale)
    await to_country(person, t)
    other = t.gettext("Other / I prefer not to say")
    for _ in range(40):  # page to the end of the list
        if other in person.button_texts():
            break
        await person.press(t.gettext("Next ➡️"))
    await person.press(other)
    assert t.gettext("Where are you now?") in person.last_text()


async def test_frequent_countries_come_first(harness):
    person, t = await open_menu(harness, 14121, "en")
    await to_country(person, t, returnee=True)
    first_page = person.button_texts()
    assert "Belgium" in first_page and "Bosnia & Herzegovina" in first_page
    assert "Albania" not in first_page and "Andorra" not in first_page
    await person.send("/start")
    await to_country(person, t)
    assert "Benin" in person.button_texts() and "Andorra" not in person.button_texts()


# -- finding 2: a check-in opened from its invitation never leaves the person without buttons
@pytest.mark.parametrize("way_out", ["later", "menu"])
async def test_leaving_a_checkin_opened_from_the_invitation_shows_the_menu(harness, way_out):
    person, t = await due_checkin(harness, 14200)
    await person.press(t.gettext("📝 Answer now"), message=harness.api.last_message(person.chat_id))
    if way_out == "later":
        await person.press(t.gettext("⏸ Answer later"))
    else:
        await answer_all(person, t)
        await person.press(t.gettext("🏠 Main menu"))
    last = harness.api.last_message(person.chat_id)
    assert last.get("reply_markup"), last
    assert t.gettext("✉️ Write to the office") in person.button_texts(last)
    assert t.gettext("ℹ️ About the programme") in person.button_texts(last)


# -- finding 3: the phone step's reply keyboard goes when the step ends --------------------
async def to_phone(harness, user_id, locale="en"):
    person, t = await open_menu(harness, user_id, locale)
    await to_country(person, t)
    await person.send("guin")
    await person.press(t.country("GN"))
    await person.press("Rabat")
    assert harness.api.reply_keyboards.get(person.chat_id)  # shown for the phone step
    return person, t


@pytest.mark.parametrize(
    "way_out", ["typed", "skip", "back", "contact", "/start", "/cancel", "/language", "/help"]
)
async def test_the_phone_keyboard_is_removed_on_every_way_out(harness, way_out):
    person, t = await to_phone(harness, 14300)
    if way_out == "typed":
        await person.send("0612345678")
    elif way_out == "skip":
        await person.press(t.gettext("Skip"))
    elif way_out == "back":
        await person.press(t.gettext("⬅️ Back"))
    elif way_out == "contact":
        await person.send_contact("+212612345678")
    else:
        await person.send(way_out)
    assert harness.api.reply_keyboards.get(person.chat_id) is None
    assert harness.api.last_message(person.chat_id).get("reply_markup")  # buttons to go on


async def test_the_phone_keyboard_is_removed_after_a_language_switch(harness):
    person, _t = await to_phone(harness, 14301)
    await person.send("/language")
    await person.press("العربية")
    assert harness.api.reply_keyboards.get(person.chat_id) is None


async def test_a_bad_phone_keeps_the_keyboard_for_the_retry(harness):
    person, _t = await to_phone(harness, 14302)
    await person.send("not a phone")
    assert harness.api.reply_keyboards.get(person.chat_id)


# -- finding 7: "Write to the office" -----------------------------------------------------
async def test_main_menu_from_write_to_the_office_shows_the_main_menu(harness):
    person, t = await registered_person(harness, 14700, "fr")
    await person.press(t.gettext("📄 My registration"))
    await person.press(t.gettext("✉️ Write to the office"))
    await person.press(t.gettext("🏠 Main menu"))
    assert t.gettext("Choose what you need:") in person.last_text()


async def test_a_sticker_in_write_to_the_office_gets_a_clear_answer(harness):
    person, t = await open_menu(harness, 14701, "es")
    await person.press(t.gettext("✉️ Write to the office"))
    before = len(harness.staff_chat())
    await person.send_sticker()
    assert [m.get("text") for m in harness.api.chat(person.chat_id)][-2] == t.gettext(
        "Stickers cannot be sent to the office. Please write a few words, or send a photo "
        "or a voice message."
    )
    await harness.worker().run_once()
    assert len(harness.staff_chat()) <= before + 1  # at most the conversation's header
    assert all("sticker" not in str(m) for m in harness.staff_chat())


# -- finding 4: a message nobody expected is heard ----------------------------------------
@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_typed_text_mid_flow_offers_the_office_and_the_way_back(harness, locale):
    person, t = await open_menu(harness, 14400, locale)
    await to_country(person, t)
    await person.send("guin")
    await person.press(t.country("GN"))
    await person.press("Rabat")
    await person.press(t.gettext("Skip"))
    question = t.gettext("Gender:")
    assert question in person.last_text()
    await person.send("my friend is sick, I need help")
    hint, again = harness.api.chat(person.chat_id)[-2:]
    assert hint["text"] == t.gettext(
        "I understand only the buttons. To write to the office, press ✉️ Write to the office."
    )
    assert person.button_texts(hint) == [t.gettext("✉️ Write to the office")]
    assert question in again["text"]  # the question again, with its buttons: the way back
    await person.press(t.gettext("✉️ Write to the office"), message=hint)
    assert t.gettext("<b>Write to the office</b>") in person.last_text()
    await person.send("my friend is sick, I need help")
    await harness.worker().run_once()
    assert any("my friend is sick" in (m.get("text") or "") for m in harness.staff_chat())
    await person.press(t.gettext("⬅️ Back"))
    assert question in person.last_text()  # back where they were, the form kept
    await person.press(t.gettext("Woman"))
    assert t.gettext("Age group:") in person.last_text()


async def test_a_voice_note_outside_write_to_the_office_is_offered_to_the_office(harness):
    person, t = await open_menu(harness, 14401, "fr")
    await person.send_voice()
    hint = harness.api.chat(person.chat_id)[-2]
    assert hint["text"].startswith("🎤 ➡️ ✉️")
    assert hint["text"] == t.gettext(
        "🎤 ➡️ ✉️ I cannot listen to voice messages here. To send it to the office, "
        "press ✉️ Write to the office and send it again."
    )
    await person.press(t.gettext("✉️ Write to the office"), message=hint)
    await person.send_voice()
    await harness.worker().run_once()
    assert any(m.get("voice") for m in harness.staff_chat())
