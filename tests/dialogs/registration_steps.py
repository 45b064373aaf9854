"""Walk a person through the registration form, in any language."""

from __future__ import annotations

from bot.domain.offices import load_offices
from bot.i18n import Translator, native_language_name
from bot.locales import SUPPORTED_LOCALES

NAME = "Aminata <Diallo> & Co"
RABAT = next(office for office in load_offices() if office.id == "rabat")


async def open_menu(harness, user_id, locale):
    person = harness.person(user_id, "en")
    await person.send("/start")
    await person.press(SUPPORTED_LOCALES.index(locale) + 1)
    return person, harness.app.catalogs[locale]


async def fill_form(
    person, t: Translator, *, name=NAME, needs=("Medical needs",), phone="0612345678"
):
    await person.press(t.gettext("📝 Register my interest"))
    await person.press(t.gettext("✅ I agree"))
    await person.send(name)
    await person.send("guin")
    await person.press(t.country("GN"))
    await person.press(RABAT.city_in(t.locale))  # "الرباط" in Arabic
    if phone:
        await person.send(phone)
    else:
        await person.press(t.gettext("Skip"))
    await person.press(t.gettext("Woman"))
    await person.press(t.gettext("26–35"))
    await person.press(t.gettext("No passport"))
    await person.press(t.number(2))
    for need in needs:
        await person.press("▫️ " + t.gettext(need))
    await person.press(t.gettext("Continue ➡️"))
    await person.press(native_language_name(t.locale))


async def register(person, t: Translator, **kwargs):
    await fill_form(person, t, **kwargs)
    await person.press(t.gettext("✅ Confirm"))
