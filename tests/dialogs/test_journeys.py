"""Issue 14: journeys that never dead-end (every country, every way out, every message heard)."""

import copy
from datetime import date

import pytest

from bot.domain.countries import all_countries
from bot.i18n import native_language_name
from dialogs.widgets import STAFF_CLOSED
from tests.dialogs.booking_steps import draft, publish, registered_person, to_confirm
from tests.dialogs.registration_steps import open_menu
from tests.dialogs.test_booking import answers, booked_counts
from tests.dialogs.test_checkins import answer_all, returned
from tests.dialogs.test_conversations import writing
from tests.support import STAFF_ID


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
    await person.press(harness.app.offices[0].city_in(locale))
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


# -- finding 6: removing a booked slot asks first; messages in the person's language now ---
async def open_first_slot(harness):
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    await staff.press(1)
    return staff


async def test_removing_a_booked_slot_asks_first_naming_how_many(harness):
    await publish(harness.app)
    for user_id in (14600, 14601):
        person, t = await registered_person(harness, user_id)
        await to_confirm(person, t)
        await person.press("✅ Confirm")
    staff = await open_first_slot(harness)
    await staff.press("🗑 Remove this slot")
    assert "2 people are booked on this slot." in staff.last_text()
    await staff.press("⬅️ No, keep it")
    assert await booked_counts(harness.app) == [2, 0, 0, 0]  # nothing changed
    await staff.press("🗑 Remove this slot")
    await staff.press("🗑 Yes, remove it")
    assert answers(harness)[-1] == "Removed. 2 people were told."


async def test_a_slot_nobody_booked_is_removed_at_once(harness):
    await publish(harness.app)
    staff = await open_first_slot(harness)
    await staff.press("🗑 Remove this slot")
    assert answers(harness)[-1] == "Removed. 0 people were told."


async def test_the_notice_uses_the_language_the_person_uses_now(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 14602, "es")  # the form said Spanish
    await to_confirm(person, t)
    await person.press(t.gettext("✅ Confirm"))
    await person.send("/language")
    await person.press("Français")
    staff = await open_first_slot(harness)
    await staff.press("🗑 Remove this slot")
    await staff.press("🗑 Yes, remove it")
    await harness.worker().run_once()
    fr = harness.app.catalogs["fr"]
    notice = harness.api.last_message(person.chat_id)
    assert fr.gettext("📅 Choose another time") in person.button_texts(notice)


# -- finding 7: the small ones --------------------------------------------------------------
async def case_status(app, user_id):
    return (await app.registrations.open_for(user_id)).status.value


async def test_a_cancelled_interview_takes_the_case_back_from_interview(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 14702)
    await to_confirm(person, t)
    await person.press("✅ Confirm")
    assert await case_status(harness.app, 14702) == "interview"
    await person.press("🏠 Main menu")
    await person.press("📅 My interview")
    await person.press("🚫 Cancel my interview")
    await person.press("🚫 Yes, cancel it")
    assert await case_status(harness.app, 14702) == "new"  # where it was before booking


async def test_a_slot_removed_by_the_office_takes_the_case_back_too(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 14703)
    await to_confirm(person, t)
    await person.press("✅ Confirm")
    staff = await open_first_slot(harness)
    await staff.press("🗑 Remove this slot")
    await staff.press("🗑 Yes, remove it")
    assert await case_status(harness.app, 14703) == "new"


async def test_the_calendar_opens_on_the_first_month_with_a_free_day(harness):
    assert await publish(harness.app, days=(date(2027, 1, 12),))  # nothing in Nov or Dec
    person, t = await registered_person(harness, 14704)
    await person.press(t.gettext("📅 Book my interview"))
    assert "12" in person.button_texts()
    await person.press("12")
    assert t.gettext("Choose a time:") in person.last_text()


async def test_with_no_slots_the_calendar_says_so_and_offers_the_office(harness):
    person, t = await registered_person(harness, 14705, "pt")
    await person.press(t.gettext("📅 Book my interview"))
    assert (
        t.gettext(
            "There are no open times at the moment. Staff will publish more; "
            "you can also write to the office."
        )
        in person.last_text()
    )
    buttons = person.button_texts()
    assert t.gettext("✉️ Write to the office") in buttons
    assert len(buttons) <= 3  # no grid of empty days


async def test_a_moved_interview_is_announced_as_moved(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 14706, "fr")
    await to_confirm(person, t)
    await person.press(t.gettext("✅ Confirm"))
    assert t.gettext("<b>Your interview is booked.</b>") in person.last_with_keyboard()["text"]
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext("📅 My interview"))
    await person.press(t.gettext("🔁 Choose another time"))
    await person.press("25")
    await person.press("10:30")
    await person.press(t.gettext("✅ Confirm"))
    text = person.last_with_keyboard()["text"]
    assert t.gettext("<b>Your interview is moved to a new time.</b>") in text
    assert t.gettext("<b>Your interview is booked.</b>") not in text


async def test_help_lists_mydata_and_delete(harness):
    person, _t = await open_menu(harness, 14707, "ar")
    await person.send("/help")
    assert "/mydata" in person.last_text() and "/delete" in person.last_text()


async def test_withdrawing_is_confirmed(harness):
    person, t = await registered_person(harness, 14708, "es")
    await person.press(t.gettext("📄 My registration"))
    await person.press(t.gettext("🚫 Withdraw my registration"))
    await person.press(t.gettext("🚫 Yes, withdraw"))
    texts = [m.get("text") for m in harness.api.chat(person.chat_id)[-3:]]
    assert t.gettext("Your registration is withdrawn. You can register again at any time.") in texts
    assert t.gettext("Choose what you need:") in person.last_text()


async def test_a_person_marked_returned_is_told_when_checkins_start(harness):
    person, t = await registered_person(harness, 14709, "fr")
    reference = (await harness.app.registrations.open_for(14709)).reference
    await harness.person(STAFF_ID, "en").send(f"/returned {reference}")
    await harness.worker().run_once()
    told = [m.get("text") or "" for m in harness.api.chat(person.chat_id)]
    hello = t.gettext("Welcome home. The programme can now support your reintegration.")
    welcome = next(m for m in told if m.startswith(hello))
    first = t.date(date(2026, 12, 23), "long")  # one month after today, office time
    assert first in welcome


@pytest.mark.parametrize(
    ("gender", "age", "offered", "hidden"),
    [
        ("Man", "18–25", [], ["Pregnancy", "Under 18 and alone"]),
        ("Woman", "18–25", ["Pregnancy"], ["Under 18 and alone"]),
        ("Man", "Under 18", ["Under 18 and alone"], ["Pregnancy"]),
    ],
)
async def test_needs_are_offered_by_gender_and_age(harness, gender, age, offered, hidden):
    person, t = await open_menu(harness, 14710, "en")
    await to_country(person, t)
    await person.send("guin")
    await person.press("Guinea")
    await person.press("Rabat")
    await person.press("Skip")
    await person.press(gender)
    await person.press(age)
    await person.press("No passport")
    await person.press("0")
    labels = " ".join(person.button_texts())
    assert all(need in labels for need in offered)
    assert not any(need in labels for need in hidden)


# -- finding 8: Arabic ----------------------------------------------------------------------
async def test_the_booking_calendar_reads_right_to_left_in_arabic(harness):
    await publish(harness.app)
    rows = {}
    for user_id, locale in ((14800, "ar"), (14801, "fr")):
        person, t = await registered_person(harness, user_id, locale)
        await person.press(t.gettext("📅 Book my interview"))
        keyboard = person.last_with_keyboard()["reply_markup"]["inline_keyboard"]
        rows[locale] = keyboard
    week = next(row for row in rows["ar"] if any(b["text"] == "24" for b in row))
    texts = [b["text"] for b in week]
    assert texts.index("25") < texts.index("24")  # later days to the left
    pager = rows["ar"][-2] if len(rows["ar"][-1]) == 1 else rows["ar"][-1]
    assert pager[0]["text"].endswith("›")  # "next month" on the left for an Arabic reader


async def test_office_cities_are_written_in_arabic_for_arabic_readers(harness):
    person, t = await open_menu(harness, 14802, "ar")
    await to_country(person, t)
    await person.send("guin")
    await person.press(t.country("GN"))
    assert "الرباط" in person.button_texts() and "Rabat" not in person.button_texts()
    await person.press("الرباط")  # the stored value stays the office's own spelling
    await person.press(t.gettext("Skip"))
    assert harness.app.offices[0].city_in("ar") == "الرباط"
    assert harness.app.offices[0].city_in("fr") == "Rabat"


async def test_mydata_shows_every_time_in_the_office_time_zone_to_the_minute(harness):
    person, _t = await registered_person(harness, 14803, "en")
    await person.send("/mydata")
    text = person.last_text()
    # the fake clock says 09:00:00 UTC; Rabat's office is at UTC+1
    assert "10:00" in text and "9:00" not in text
    assert "10:00:00" not in text and ":00:00" not in text


# -- finding 5: returnees have their own path --------------------------------------------
async def register_as_returnee(person, t):
    await person.press(t.gettext("🏡 I came back home: reintegration support"))
    consent = person.last_text()
    await person.press(t.gettext("✅ I agree"))
    await person.send("Youssef")
    await person.send("tun")
    await person.press(t.country("TN"))
    await person.press("Oujda")
    await person.press("1")  # a day in the calendar
    await person.press(t.gettext("Skip"))
    await person.press(t.gettext("Man"))
    await person.press(t.gettext("26–35"))
    asked = person.last_text()
    await person.press(t.gettext("Continue ➡️"))
    await person.press(native_language_name(t.locale))
    summary = person.last_text()
    await person.press(t.gettext("✅ Confirm"))
    return consent, asked, summary


async def test_a_returnee_registers_through_their_own_path(harness):
    person, t = await open_menu(harness, 14500, "en")
    consent, asked, summary = await register_as_returnee(person, t)
    assert "reintegration" in consent
    assert "passport" not in consent.lower() and "travelling" not in consent
    assert "Is there something the office should know?" in asked  # age, then needs
    assert "Passport" not in summary and "travelling" not in summary
    await harness.worker().run_once()
    notice = harness.staff_chat()[-1]["text"]
    assert notice.startswith("🏡 New returnee")
    assert "Passport" not in notice and "Travelling" not in notice
    assert "came back from Tunisia" in notice
    await person.press(t.gettext("🏠 Main menu"))
    buttons = person.button_texts()
    assert t.gettext("🏡 My reintegration") in buttons
    assert t.gettext("📝 Register my interest") not in buttons
    assert t.gettext("📄 My registration") not in buttons
    await person.press(t.gettext("🏡 My reintegration"))
    page = person.last_text()
    assert "MA-2026-000001" in page
    assert "Next check-in:" in page
    assert t.gettext("✉️ Write to the office") in person.button_texts()


async def test_someone_marked_returned_by_staff_gets_my_reintegration(harness):
    person, t = await returned(harness, 14501, "ar")
    await person.send("/start")
    buttons = person.button_texts()
    assert t.gettext("🏡 My reintegration") in buttons
    assert t.gettext("📄 My registration") not in buttons
    assert t.gettext("📅 Book my interview") not in buttons
    await person.press(t.gettext("🏡 My reintegration"))
    assert t.gettext("<b>My reintegration</b>") in person.last_text()


# -- dead ends the conversation crawler found --------------------------------------------
@pytest.mark.parametrize("command", ["/slots", "/stats", "/export"])
async def test_staff_close_says_where_to_go_on(harness, command):
    staff = harness.person(STAFF_ID, "fr")
    await harness.app.users.choose_locale(STAFF_ID, "fr")
    await staff.send(command)
    t = harness.app.catalogs["fr"]
    await staff.press(t.gettext("✖️ Close"))
    assert staff.last_text() == t.gettext(STAFF_CLOSED)  # was the closed screen, no button


async def test_closing_a_conversation_opened_from_inbox_says_what_next(harness):
    person, _t = await writing(harness, 9301, "fr")
    await person.send("J'ai perdu mon passeport")
    await harness.worker().run_once()
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/inbox")
    await staff.press(staff.button_texts()[0])
    await staff.press("✖️ Close conversation")
    assert staff.last_text() == "Conversation closed. /inbox shows the ones still open."


async def test_case_history_reads_in_the_staff_language(harness):
    registration, _ = await harness.app.registrations.register(9302, draft("en"))
    staff = harness.person(STAFF_ID, "fr")
    await harness.app.users.choose_locale(STAFF_ID, "fr")
    await staff.send(f"/case {registration.reference}")
    history = staff.last_text().split("Historique")[-1]
    assert "inscription reçue" in history
    assert "created" not in history


async def test_keeping_data_on_delete_shows_the_menu(harness):
    person, t = await registered_person(harness, 9303, "ar")
    await person.send("/delete")
    await person.press(t.gettext("⬅️ No, keep it"))
    assert t.gettext("📄 My registration") in person.button_texts()


async def test_recording_done_says_where_to_go_on(harness):
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/record about 1 fr")
    await staff.press("✔️ Done")
    assert staff.last_text().startswith("Closed. Your commands:")


async def test_an_old_button_pressed_at_the_phone_step_removes_its_keyboard(harness):
    person, t = await open_menu(harness, 14303, "en")
    old = copy.deepcopy(person.last_with_keyboard())  # the menu as the phone still shows it
    await to_country(person, t)
    await person.send("guin")
    await person.press(t.country("GN"))
    await person.press("Rabat")
    assert harness.api.reply_keyboards.get(person.chat_id)
    await person.press_data(old["reply_markup"]["inline_keyboard"][0][0]["callback_data"], old)
    assert harness.api.reply_keyboards.get(person.chat_id) is None
