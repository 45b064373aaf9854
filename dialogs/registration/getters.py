"""What the registration screens show. The form lives in dialog_data until Confirm."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from aiogram_dialog import DialogManager

from bot.domain.countries import (
    OTHER_COUNTRY,
    all_countries,
    fold,
    frequent,
    ordered_countries,
    search_keys,
)
from bot.domain.offices import Office
from bot.domain.registration import AgeGroup, Gender, Need, PassportState, needs_that_apply
from bot.i18n import Catalogs, Translator, native_language_name
from bot.locales import SUPPORTED_LOCALES
from bot.presentation.labels import AGE_GROUPS, GENDERS, NEEDS, PASSPORTS
from bot.services.ports import Clock
from dialogs.widgets import esc

OTHER_PLACE = "other:"  # + office id: "another place in Morocco"

# Built once per language (and per kind of list), not per screen: ~250 names sorted and folded.
_NAMES: dict[str, dict[str, str]] = {}
_KEYS: dict[str, list[tuple[str, tuple[str, ...]]]] = {}  # code and what a search may start
_FOUND: dict[tuple[str, str | None], list[str]] = {}  # (folded letters, kind): codes found
_ORDER: dict[tuple[str, str | None], list[str]] = {}


def country_names(t: Translator) -> dict[str, str]:
    """Every CLDR country in `t`'s language, and "Other / I prefer not to say"."""
    names = _NAMES.get(t.locale)
    if names is None:
        names = {code: t.country(code) for code in all_countries()}
        names[OTHER_COUNTRY] = t.gettext("Other / I prefer not to say")
        _NAMES[t.locale] = names
        _KEYS[t.locale] = [(code, search_keys(fold(name))) for code, name in names.items()]
    return names


def country_order(t: Translator, kind: str | None) -> list[str]:
    """The frequent countries first (by name), then all the others (by name), then Other."""
    key = (t.locale, kind)
    if key not in _ORDER:
        names = country_names(t)
        _ORDER[key] = [
            *ordered_countries(names, frequent(kind), all_countries()),
            OTHER_COUNTRY,
        ]
    return _ORDER[key]


def find_countries(typed: str, catalogs: Catalogs, kind: str | None) -> list[str]:
    """Codes whose name in any of the five languages (any script) starts with the letters."""
    wanted = fold(typed)
    if not wanted:
        return []
    if (wanted, kind) in _FOUND:  # the same few letters are typed again and again
        return _FOUND[wanted, kind]
    for code in SUPPORTED_LOCALES:
        country_names(catalogs[code])
    found = {
        code
        for locale in SUPPORTED_LOCALES
        for code, keys in _KEYS[locale]
        if any(key.startswith(wanted) for key in keys)
    }
    result = [code for code in country_order(catalogs["en"], kind) if code in found]
    if len(_FOUND) >= 4096:
        _FOUND.clear()
    _FOUND[wanted, kind] = result
    return result


async def country_getter(
    dialog_manager: DialogManager, t: Translator, catalogs: Catalogs, **_: Any
) -> dict[str, Any]:
    names = country_names(t)
    kind = dialog_manager.dialog_data.get("kind")
    typed = dialog_manager.dialog_data.get("country_filter") or ""
    if typed:
        found = set(find_countries(typed, catalogs, kind))
        codes = [code for code in country_order(t, kind) if code in found]
    else:
        codes = country_order(t, kind)
    return {
        "returnee": dialog_manager.dialog_data.get("kind") == "reintegration",
        "countries": [(code, names[code]) for code in codes],
        "filtered": bool(typed),
        "typed": esc(typed),
        "nothing": bool(typed) and not codes,
    }


def city_choices(offices: tuple[Office, ...], t: Translator) -> list[tuple[str, str]]:
    choices = [
        (city, office.place_name(city, t.locale))
        for office in offices
        for city in office.cities_served
    ]
    for office in offices:
        label = t.gettext("Another place in {country}", country=t.country(office.country))
        choices.append((OTHER_PLACE + office.id, label))
    return choices


async def city_getter(offices: tuple[Office, ...], t: Translator, **_: Any) -> dict[str, Any]:
    return {"cities": city_choices(offices, t)}


def options(t: Translator, labels: dict[Any, str]) -> list[tuple[str, str]]:
    return [(str(value), t(label)) for value, label in labels.items()]


async def choices_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    offered = needs_that_apply(data.get("gender"), data.get("age_group"))
    return {
        "genders": options(t, GENDERS),
        "ages": options(t, AGE_GROUPS),
        "passports": options(t, PASSPORTS),
        "needs": options(t, {need: label for need, label in NEEDS.items() if need in offered}),
        "languages": [(code, native_language_name(code)) for code in SUPPORTED_LOCALES],
        "companions": [(str(n), t.number(n)) for n in range(7)],
    }


def summary_lines(data: dict[str, Any], t: Translator) -> dict[str, str]:
    """Each answer as the person reads it; used by the summary and by /mydata."""
    offered = needs_that_apply(data.get("gender"), data.get("age_group"))
    needs = [t(NEEDS[Need(n)]) for n in data.get("needs", []) if Need(n) in offered]
    country = data.get("country")
    return {
        "name": esc(data.get("name", "")),
        "country": esc(country_names(t).get(country, "")) if country else "",
        "city": esc(data.get("city", "")),
        "phone": t.isolate(data["phone"]) if data.get("phone") else t.gettext("not given"),
        "gender": t(GENDERS[Gender(data["gender"])]) if data.get("gender") else "",
        "age": t(AGE_GROUPS[AgeGroup(data["age_group"])]) if data.get("age_group") else "",
        "passport": t(PASSPORTS[PassportState(data["passport"])])
        if data.get("passport") in PASSPORTS
        else "",
        "companions": t.number(int(data.get("companions", 0))),
        "needs": ", ".join(needs) if needs else t.gettext("none"),
        "language": native_language_name(data["contact_locale"])
        if data.get("contact_locale")
        else "",
    }


async def summary_getter(
    dialog_manager: DialogManager, t: Translator, offices: tuple[Office, ...], **_: Any
) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    returned_on = data.get("returned_on")
    office = next((o for o in offices if o.id == data.get("office_id")), None)
    city = data.get("city", "")
    return {
        **summary_lines(data, t),
        "city": esc(office.place_name(city, t.locale) if office else city),
        "returnee": data.get("kind") == "reintegration",
        "returned_on": t.date(date.fromisoformat(returned_on), "long") if returned_on else "",
    }


async def return_day_getter(t: Translator, clock: Clock, **_: Any) -> dict[str, Any]:
    today = clock.now().date()
    first = today - timedelta(days=730)
    return {
        "choosable_days": [(first + timedelta(days=n)).isoformat() for n in range(731)],
        "min_date": first,
        "max_date": today,
    }


async def kind_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"returnee": dialog_manager.dialog_data.get("kind") == "reintegration"}


async def done_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    return {
        "reference": t.isolate(dialog_manager.dialog_data.get("reference", "")),
        "returnee": dialog_manager.dialog_data.get("kind") == "reintegration",
    }
