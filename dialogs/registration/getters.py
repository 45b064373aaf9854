"""What the registration screens show. The form lives in dialog_data until Confirm."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from weakref import WeakKeyDictionary

from aiogram_dialog import DialogManager

from bot.domain.countries import COUNTRIES, CountryIndex, sorted_countries
from bot.domain.offices import Office
from bot.domain.registration import AgeGroup, Gender, Need, PassportState
from bot.i18n import Catalogs, Translator, native_language_name
from bot.labels import AGE_GROUPS, GENDERS, NEEDS, PASSPORTS
from bot.locales import SUPPORTED_LOCALES
from dialogs.widgets import esc

OTHER_COUNTRY = "ZZ"
OTHER_PLACE = "other:"  # + office id: "another place in Morocco"


# Built once per language (and the search index once per set of catalogs), not per screen.
_NAMES: WeakKeyDictionary[Translator, dict[str, str]] = WeakKeyDictionary()
_SORTED: WeakKeyDictionary[Translator, list[tuple[str, str]]] = WeakKeyDictionary()
_INDEX: WeakKeyDictionary[Catalogs, CountryIndex] = WeakKeyDictionary()


def country_names(t: Translator) -> dict[str, str]:
    names = _NAMES.get(t)
    if names is None:
        names = {code: t.country(code) for code in COUNTRIES}
        names[OTHER_COUNTRY] = t.gettext("Another country")
        _NAMES[t] = names
    return names


def sorted_country_choices(t: Translator) -> list[tuple[str, str]]:
    """(code, name) sorted by name in this language, "Another country" last."""
    choices = _SORTED.get(t)
    if choices is None:
        names = country_names(t)
        choices = [(code, names[code]) for code in [*sorted_countries(names), OTHER_COUNTRY]]
        _SORTED[t] = choices
    return choices


def country_index(catalogs: Catalogs) -> CountryIndex:
    index = _INDEX.get(catalogs)
    if index is None:
        tables = [country_names(catalogs[code]) for code in SUPPORTED_LOCALES]
        index = _INDEX[catalogs] = CountryIndex(tables, [*COUNTRIES, OTHER_COUNTRY])
    return index


async def country_getter(
    dialog_manager: DialogManager, t: Translator, catalogs: Catalogs, **_: Any
) -> dict[str, Any]:
    typed = dialog_manager.dialog_data.get("country_filter") or ""
    if typed:
        names = country_names(t)
        codes = country_index(catalogs).search(typed)
        countries = [(code, names[code]) for code in codes]
    else:
        codes, countries = [], sorted_country_choices(t)
    return {
        "returnee": dialog_manager.dialog_data.get("kind") == "reintegration",
        "countries": countries,
        "filtered": bool(typed),
        "typed": esc(typed),
        "nothing": bool(typed) and not codes,
    }


def city_choices(offices: tuple[Office, ...], t: Translator) -> list[tuple[str, str]]:
    choices = [(city, city) for office in offices for city in office.cities_served]
    for office in offices:
        label = t.gettext("Another place in {country}", country=t.country(office.country))
        choices.append((OTHER_PLACE + office.id, label))
    return choices


async def city_getter(offices: tuple[Office, ...], t: Translator, **_: Any) -> dict[str, Any]:
    return {"cities": city_choices(offices, t)}


def options(t: Translator, labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(value), t(label)) for value, label in labels.items()]


async def choices_getter(t: Translator, **_: Any) -> dict[str, Any]:
    return {
        "genders": options(t, GENDERS),
        "ages": options(t, AGE_GROUPS),
        "passports": options(t, PASSPORTS),
        "needs": options(t, NEEDS),
        "languages": [(code, native_language_name(code)) for code in SUPPORTED_LOCALES],
        "companions": [(str(n), t.number(n)) for n in range(7)],
    }


def summary_lines(data: dict[str, Any], t: Translator) -> dict[str, str]:
    """Each answer as the person reads it; used by the summary and by /mydata."""
    needs = [t(NEEDS[Need(n)]) for n in data.get("needs", [])]
    country = data.get("country")
    return {
        "name": esc(data.get("name", "")),
        "country": esc(country_names(t).get(country, "")) if country else "",
        "city": esc(data.get("city", "")),
        "phone": t.isolate(data["phone"]) if data.get("phone") else t.gettext("not given"),
        "gender": t(GENDERS[Gender(data["gender"])]) if data.get("gender") else "",
        "age": t(AGE_GROUPS[AgeGroup(data["age_group"])]) if data.get("age_group") else "",
        "passport": t(PASSPORTS[PassportState(data["passport"])]) if data.get("passport") else "",
        "companions": t.number(int(data.get("companions", 0))),
        "needs": ", ".join(needs) if needs else t.gettext("none"),
        "language": native_language_name(data["contact_locale"])
        if data.get("contact_locale")
        else "",
    }


async def summary_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    returned_on = data.get("returned_on")
    return {
        **summary_lines(data, t),
        "returnee": data.get("kind") == "reintegration",
        "returned_on": t.date(date.fromisoformat(returned_on), "long") if returned_on else "",
    }


async def return_day_getter(t: Translator, **_: Any) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    first = today - timedelta(days=730)
    return {
        "choosable_days": [(first + timedelta(days=n)).isoformat() for n in range(731)],
        "min_date": first,
        "max_date": today,
    }


async def done_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    return {
        "reference": t.isolate(dialog_manager.dialog_data.get("reference", "")),
        "returnee": dialog_manager.dialog_data.get("kind") == "reintegration",
    }
