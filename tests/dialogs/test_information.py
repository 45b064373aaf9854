"""Every topic, page and self-check outcome, reachable from the main menu in every language."""

import html

import pytest

from bot.content import TOPIC_IDS
from bot.i18n import FSI
from bot.locales import SUPPORTED_LOCALES
from dialogs.info.getters import TOPIC_LABELS

TELEGRAM_LIMIT = 4096


def utf16_length(text):
    return len(text.encode("utf-16-le")) // 2


async def person_on_menu(harness, locale, user_id=3001):
    person = harness.person(user_id, "en")
    await person.send("/start")
    await person.press(SUPPORTED_LOCALES.index(locale) + 1)
    return person, harness.app.catalogs[locale]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_every_page_of_every_topic_renders_and_fits_a_message(harness, locale):
    person, t = await person_on_menu(harness, locale)
    await person.press(t.gettext("ℹ️ About the programme"))
    labels = dict(TOPIC_LABELS)
    for topic in TOPIC_IDS:
        await person.press(t.gettext(labels[topic]))
        pages = harness.app.content.topic(locale, topic).pages
        if topic == "faq":
            assert len(pages) >= 12
            await person.press(1)  # the first question
        for number, page in enumerate(pages, start=1):
            text = person.last_text()
            assert html.escape(page.title, quote=False) in text
            assert text.endswith(f"{t.number(number)}/{t.number(len(pages))}")
            assert utf16_length(text) <= TELEGRAM_LIMIT
            if number < len(pages):
                await person.press(t.gettext("Next ➡️"))
        assert t.gettext("✅ Can I get help?") in person.button_texts()  # the next useful action
        await person.press(t.gettext("📚 Other topics"))


async def test_back_and_next_are_mirrored_for_arabic_readers(harness):
    for locale, user_id in (("en", 3002), ("ar", 3003)):
        person, t = await person_on_menu(harness, locale, user_id)
        await person.press(t.gettext("ℹ️ About the programme"))
        await person.press(t.gettext("✈️ Steps of the return"))
        await person.press(t.gettext("Next ➡️"))
        first_row = person.last()["reply_markup"]["inline_keyboard"][0]
        order = [button["text"] for button in first_row]
        back, forward = t.gettext("⬅️ Back"), t.gettext("Next ➡️")
        assert order == ([forward, back] if locale == "ar" else [back, forward])


async def test_faq_question_list_opens_each_answer(harness):
    person, t = await person_on_menu(harness, "fr")
    await person.press(t.gettext("ℹ️ About the programme"))
    await person.press(t.gettext("💬 Questions people ask"))
    questions = harness.app.content.topic("fr", "faq").pages
    assert person.button_texts()[0] == questions[0].title
    await person.press(questions[2].title)
    assert questions[2].title in person.last_text()
    await person.press(t.gettext("💬 Other questions"))
    assert t.gettext("<b>Questions people ask</b>\n\nChoose a question:") == person.last_text()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_contact_shows_only_configured_details(harness, locale):
    person, t = await person_on_menu(harness, locale)
    await person.press(t.gettext("📞 Contact the office"))
    text = person.last_text()
    assert "iomrabat@iom.int" in text
    assert t.country("MA") in text and t.country("MR") in text
    assert text.count(t.gettext("Phone: {phone}").split("{")[0]) == 1  # Mauritania has none
    # Mauritania has no contact details in the documents: say where to go, promise nothing.
    where_to_go = t.gettext(
        "You can go to any IOM office, or press “✉️ Write to the office” in this bot."
    )
    assert text.count(where_to_go) == 1
    assert "soon" not in harness.app.catalogs["en"].gettext(
        "You can go to any IOM office, or press “✉️ Write to the office” in this bot."
    )
    assert (FSI + "+212 5 37 75 85 40" in text) == (locale == "ar")  # the Rabat fax
    assert (FSI + "+212 5 37 65 28 81" in text) == (locale == "ar")


async def answer(person, t, *labels):
    for label in labels:
        await person.press(t.gettext(label))


GUINEA_NO_PASSPORT = (
    "In Morocco",
    "To my own country (nationality or origin)",
    "Yes, it is my choice",
    "No",  # cannot pay
    "No passport",
    "No",  # no asylum claim
    "No",  # not a minor alone
    "No",  # no urgent health needs
)


async def test_french_person_without_passport_is_told_the_programme_can_likely_help(harness):
    person, t = await person_on_menu(harness, "fr")
    await person.press(t.gettext("✅ Can I get help?"))
    await answer(person, t, *GUINEA_NO_PASSPORT)
    text = person.last_text()
    assert t.gettext("<b>It looks like the programme can help you.</b>") in text
    assert (
        t.gettext(
            "No valid passport? The programme can help you get a laissez-passer "
            "(a travel document) through your embassy."
        )
        in text
    )
    assert (
        t.gettext(
            "The answers are not a decision. The final decision is taken by staff at the interview."
        )
        in text
    )


async def test_recognised_refugee_is_pointed_to_the_other_route_kindly(harness):
    person, t = await person_on_menu(harness, "en")
    await person.press("Can I get help?")
    await answer(
        person, t, "In Morocco", "To my own country (nationality or origin)",
        "Yes, it is my choice", "No", "Yes, valid", "I am a recognised refugee", "No", "No",
    )  # fmt: skip
    text = person.last_text()
    assert "Another route may fit you better." in text
    assert "Talk with staff first" in text and "they will direct you" in text
    assert "UNHCR" not in text  # not in the programme's documents: staff direct them
    assert "final decision is taken by staff" in text
    assert "Other solutions" in " ".join(person.button_texts())


async def test_sixteen_year_old_alone_is_told_staff_must_talk_first(harness):
    person, t = await person_on_menu(harness, "ar")
    await person.press(t.gettext("✅ Can I get help?"))
    await answer(
        person, t, "In Morocco", "To my own country (nationality or origin)",
        "Yes, it is my choice", "No", "No passport", "No", "Yes", "No",
    )  # fmt: skip
    text = person.last_text()
    assert t.gettext("<b>Staff need to talk with you first.</b>") in text
    assert (
        t.gettext(
            "You are under 18 and alone. Staff must talk with you first, to make sure you are safe."
        )
        in text
    )


async def test_not_sure_is_always_an_answer_and_back_goes_to_the_previous_question(harness):
    person, _ = await person_on_menu(harness, "en")
    await person.press("Can I get help?")
    assert "1/8" in person.last_text()
    await person.press("Not sure yet")
    assert "Where do you want to go?" in person.last_text()
    await person.press("Back")
    assert "Where are you now?" in person.last_text()
    for _ in range(8):
        assert "Not sure yet" in " ".join(person.button_texts())
        await person.press("Not sure yet")
    assert "Staff need to talk with you first." in person.last_text()
    assert "Take your time" in person.last_text()
    assert "🧭 Other solutions" in person.button_texts()  # unsure: the other solutions too


async def test_tampered_answer_keeps_the_question(harness):
    person, _ = await person_on_menu(harness, "en")
    await person.press("Can I get help?")
    message = person.last()
    data = person.buttons(message)[0]["callback_data"].rsplit(":", 1)[0] + ":bogus"
    await person.press_data(data, message)
    assert "Where are you now?" in person.last_text()


OUTCOME_PATHS = {
    "<b>It looks like the programme can help you.</b>": GUINEA_NO_PASSPORT,
    "<b>Staff need to talk with you first.</b>": (
        "In Morocco", "To my own country (nationality or origin)", "🤔 Not sure yet",
        "No", "Yes, valid", "No", "No", "No",
    ),
    "<b>Another route may fit you better.</b>": (
        "In another country", "To another country", "Yes, it is my choice",
        "No", "Yes, valid", "No", "No", "No",
    ),
}  # fmt: skip


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("title", list(OUTCOME_PATHS))
async def test_every_outcome_is_reachable_in_every_language(harness, locale, title):
    person, t = await person_on_menu(harness, locale)
    await person.press(t.gettext("✅ Can I get help?"))
    await answer(person, t, *OUTCOME_PATHS[title])
    assert t.gettext(title) in person.last_text()
    assert utf16_length(person.last_text()) <= TELEGRAM_LIMIT
