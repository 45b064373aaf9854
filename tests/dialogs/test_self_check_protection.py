"""Protection before logistics in the self-check, in every language (issue 13, sections 1–2):
no embassy for refugees, asylum seekers or people afraid of their country's authorities; a
person pushed to return gets a protection result and an urgent flag; one message per outcome;
other solutions, "write now" and the returnee path where they belong."""

import pytest

from bot.locales import SUPPORTED_LOCALES
from tests.dialogs.registration_steps import open_menu

# How each language names the embassy and the consulate (any form of the word).
EMBASSY_WORDS = {
    "en": ("embass", "consul"),
    "fr": ("ambassade", "consul"),
    "ar": ("سفار", "قنصل"),
    "es": ("embajada", "consul", "cónsul"),
    "pt": ("embaixada", "consul", "cónsul"),
}
LIKELY = "<b>It looks like the programme can help you.</b>"
OTHER_ROUTE = "<b>Another route may fit you better.</b>"
PROTECTION = "<b>Your choice is what counts. You do not have to go.</b>"
LACKS_MEANS = "You cannot pay for the journey: this is the situation the programme is made for."


def answers(*, where="In Morocco", choice="Yes, it is my choice", passport="No passport",
            asylum="No", minor="No", health="No", destination=None):  # fmt: skip
    return (
        where,
        destination or "To my own country (nationality or origin)",
        choice,
        "No",  # cannot pay
        passport,
        asylum,
        minor,
        health,
    )


async def self_check(harness, locale, user_id, labels):
    person, t = await open_menu(harness, user_id, locale)
    await person.press(t.gettext("✅ Can I get help?"))
    for label in labels:
        await person.press(t.gettext(label))
    return person, t


def mentions_embassy(text, locale):
    return any(word in text.casefold() for word in EMBASSY_WORDS[locale])


ASYLUM_ANSWERS = (
    "I am a recognised refugee",
    "I asked for asylum, no answer yet",
    "No, but I am afraid of the authorities of my country",
)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
@pytest.mark.parametrize("asylum", ASYLUM_ANSWERS)
async def test_no_embassy_anywhere_on_the_path_of_a_person_at_risk(harness, locale, asylum):
    person, t = await self_check(harness, locale, 5001, answers(asylum=asylum))
    result = person.last_text()
    assert not mentions_embassy(result, locale)
    assert t.gettext(LIKELY) not in result
    assert "laissez-passer" not in result.casefold()
    # Every page the result offers keeps to that: open each information button in turn.
    offered = ("🧭 Other solutions", "⚖️ Your rights", "✈️ Steps of the return")
    pages = [t.gettext(label) for label in offered if t.gettext(label) in person.button_texts()]
    assert t.gettext("🧭 Other solutions") in pages
    assert t.gettext("✈️ Steps of the return") not in pages
    for label in pages:
        await person.press(label)
        assert not mentions_embassy(person.last_text(), locale)
        while t.gettext("Next ➡️") in person.button_texts():
            await person.press(t.gettext("Next ➡️"))
            assert not mentions_embassy(person.last_text(), locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_the_laissez_passer_note_stays_for_a_person_not_at_risk(harness, locale):
    """The control case: the same path without the asylum answer does name the embassy."""
    person, t = await self_check(harness, locale, 5002, answers())
    assert t.gettext(LIKELY) in person.last_text()
    assert mentions_embassy(person.last_text(), locale)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_someone_pushed_to_return_gets_protection_not_can_help(harness, locale):
    person, t = await self_check(harness, locale, 5003, answers(choice="No, someone is pushing me"))
    result = person.last_text()
    assert t.gettext(PROTECTION) in result
    assert t.gettext(LIKELY) not in result
    assert t.gettext(LACKS_MEANS) not in result
    assert not mentions_embassy(result, locale)
    buttons = person.button_texts()
    # The danger entry first (someone pushes them), then writing to the office now.
    assert buttons[:2] == [
        t.gettext("🆘 I am in danger / I need help now"),
        t.gettext("✉️ Write to the office now"),
    ]
    assert t.gettext("🧭 Other solutions") in buttons
    await person.press(t.gettext("✉️ Write to the office now"))
    await person.send("help")
    await harness.worker().run_once()
    assert any("help" in (m.get("text") or "") for m in harness.staff_chat())


async def test_someone_pushed_who_registers_reaches_staff_marked_urgent(harness):
    afraid = "No, but I am afraid of the authorities of my country"
    person, t = await self_check(
        harness, "fr", 5004, answers(choice="No, someone is pushing me", asylum=afraid)
    )
    await person.press(t.gettext("📝 Register my interest"))
    await person.press(t.gettext("✅ I agree"))
    await person.press(t.gettext("Yes"))  # use the self-check's answers
    await person.send("Awa")
    await person.send("Mali")
    await person.press(t.country("ML"))
    await person.press("Rabat")
    await person.press(t.gettext("Skip"))
    await person.press(t.gettext("Woman"))
    await person.press(t.gettext("26–35"))
    await person.press(t.gettext("No passport"))
    await person.press(t.number(0))
    assert "✅ " + t.gettext("Someone is pushing me to go back") in person.button_texts()
    no_embassy = "Asylum, refugee, or afraid of my country's authorities"
    assert "✅ " + t.gettext(no_embassy) in person.button_texts()
    await person.press(t.gettext("Continue ➡️"))
    await person.press("Français")
    await person.press(t.gettext("✅ Confirm"))
    await harness.worker().run_once()
    notice = harness.staff_chat()[-1]["text"]
    assert notice.splitlines()[1] == "⚠️ Urgent: Someone is pushing me to go back"
    assert f"Needs: {no_embassy}" in notice  # staff talk with them before any embassy contact


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_refugee_result_says_one_thing(harness, locale):
    person, t = await self_check(
        harness, locale, 5005, answers(asylum="I am a recognised refugee", passport="Yes, valid")
    )
    result = person.last_text()
    assert t.gettext(OTHER_ROUTE) in result
    assert t.gettext(LACKS_MEANS) not in result  # never beside "another route"
    assert "UNHCR" not in result and "HCR" not in result  # not in the programme's documents


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_a_person_abroad_is_offered_the_returnee_path(harness, locale):
    person, t = await self_check(harness, locale, 5006, answers(where="In another country"))
    result = person.last_text()
    assert t.gettext(OTHER_ROUTE) in result
    assert t.gettext(LACKS_MEANS) not in result
    assert "Mauritan" in harness.app.catalogs["en"].gettext(
        "Are you Moroccan or Mauritanian? The programme in Mauritania covers returns from and to "
        "Mauritania. Moroccans who come back home can get reintegration help (help to start "
        "again at home), from a programme of the country they were in or from IOM Morocco. "
        "Once you are home, press “🏡 I came back home”."
    )
    await person.press(t.gettext("🏡 I came back home: reintegration support"))
    assert t.gettext("<b>Reintegration support</b>") in person.last_text()  # the returnee form
    await person.press(t.gettext("✅ I agree"))
    await person.send("Karim")
    assert t.gettext("From which country did you come back?") in person.last_text()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_unsure_people_are_shown_the_other_solutions(harness, locale):
    person, t = await self_check(harness, locale, 5007, answers(choice="🤔 Not sure yet"))
    assert t.gettext("<b>Staff need to talk with you first.</b>") in person.last_text()
    await person.press(t.gettext("🧭 Other solutions"))
    first = harness.app.content.topic(locale, "other_solutions").pages[0]
    assert first.title in person.last_text()


async def test_unsure_answers_show_other_solutions_even_when_the_programme_can_likely_help(
    harness,
):
    person, _t = await self_check(harness, "en", 5008, answers(passport="🤔 Not sure yet"))
    assert "🧭 Other solutions" in person.button_texts()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_urgent_health_needs_get_a_write_now_button(harness, locale):
    person, t = await self_check(
        harness, locale, 5009, answers(passport="Yes, valid", health="Yes")
    )
    result = person.last_text()
    assert t.gettext(LIKELY) in result
    assert (
        t.gettext(
            "Tell staff about your health now: write to the office. Depending on your needs, you "
            "may get medical care before departure. Before travel, a doctor checks that your "
            "health allows you to travel."
        )
        in result
    )
    assert person.button_texts()[0] == t.gettext("✉️ Write to the office now")
    assert t.gettext("✉️ Write to the office") not in person.button_texts()  # one, not two
    await person.press(t.gettext("✉️ Write to the office now"))
    assert person.last_text() != result  # the talk screen is open
