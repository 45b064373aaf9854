"""Translations and locale-aware formatting, from Babel. No aiogram here.

Catalogs are gettext files in `locales/<lang>/LC_MESSAGES/messages.po`, compiled to `.mo` by
`make i18n` (the Makefile also compiles them whenever a `.po` changes). English is the source
language: its msgids are the English text.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from babel.support import NullTranslations, Translations

from bot.locales import RTL_LOCALES, SOURCE_LOCALE, SUPPORTED_LOCALES

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"
FSI, PDI = "\u2068", "\u2069"  # Unicode first-strong isolate / pop directional isolate


class CatalogMissingError(RuntimeError):
    pass


def N_(msgid: str) -> str:
    """Mark a string for extraction; it is translated later, at render time."""
    return msgid


class Translator:
    """Everything a screen needs to speak one language."""

    def __init__(self, locale: str, translations: NullTranslations) -> None:
        self.locale = locale
        self._translations = translations

    def gettext(self, msgid: str, /, **values: Any) -> str:
        text = self._translations.gettext(msgid)
        return text.format_map(values) if values else text

    # `t(msgid)`: translate a msgid held in a variable (marked with N_ where it is written). The
    # same function as gettext, under another name: `gettext(...)` is for literal msgids, since
    # the extractor reads its first string (`gettext(LABELS["gender"])` would extract "gender").
    __call__ = gettext

    def ngettext(self, singular: str, plural: str, n: int, /, **values: Any) -> str:
        text = self._translations.ngettext(singular, plural, n)
        return text.format_map({"n": self.number(n), **values})

    @cached_property
    def babel(self) -> Locale:
        return Locale.parse(self.locale)

    @property
    def rtl(self) -> bool:
        return self.locale in RTL_LOCALES

    def isolate(self, fragment: str) -> str:
        """Keep a Latin fragment (a reference, a phone number) whole inside right-to-left text."""
        return f"{FSI}{fragment}{PDI}" if self.rtl else fragment

    def number(self, value: int) -> str:
        return _number(self.locale, value)

    def date(self, value: date, fmt: str = "full") -> str:
        return format_date(value, format=fmt, locale=self.babel)

    def time(self, value: datetime, tz: tzinfo, fmt: str = "short") -> str:
        return format_time(value, format=fmt, tzinfo=tz, locale=self.babel)

    def datetime(self, value: datetime, tz: tzinfo, fmt: str = "minute") -> str:
        """A date and time in `tz`; by default the medium date and the time to the minute
        (CLDR's "medium" date-time shows seconds, which nobody needs)."""
        if fmt != "minute":
            return format_datetime(value, format=fmt, tzinfo=tz, locale=self.babel)
        local = value.astimezone(tz)
        pattern = str(self.babel.datetime_formats["medium"]).replace("'", "")
        return pattern.format(
            format_time(local, "short", locale=self.babel),
            format_date(local.date(), "medium", locale=self.babel),
        )

    def country(self, code: str) -> str:
        if code.upper() == "ZZ":  # chosen as "Other / I prefer not to say" (bot.domain.countries)
            return self.gettext("Other / I prefer not to say")
        return self.babel.territories.get(code.upper(), code.upper())

    def language(self, code: str) -> str:
        return self.babel.languages.get(code, code)


@lru_cache(maxsize=64)
def native_language_name(code: str) -> str:
    """Each language named in itself, capitalised as a menu item: Français, العربية ...
    (CLDR's names do not change while the bot runs: each is looked up once)."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


@lru_cache(maxsize=32)
def _compiled_catalog(mo: Path, _modified_ns: int) -> Translations:
    """A .mo file read once per process (and again only if it was compiled anew): nothing
    changes a Translations object after it is read."""
    with mo.open("rb") as handle:
        return Translations(handle, domain=DOMAIN)


class Catalogs:
    """All compiled catalogs, loaded once at start-up."""

    def __init__(self, directory: Path = LOCALES_DIR) -> None:
        self._translators: dict[str, Translator] = {}
        for code in SUPPORTED_LOCALES:
            self._translators[code] = Translator(code, self._load(directory, code))

    @staticmethod
    def _load(directory: Path, code: str) -> NullTranslations:
        if code == SOURCE_LOCALE:
            return NullTranslations()
        mo = directory / code / "LC_MESSAGES" / f"{DOMAIN}.mo"
        if not mo.exists():
            raise CatalogMissingError(f"{mo} is missing: run `make i18n` (or `make run`)")
        return _compiled_catalog(mo, mo.stat().st_mtime_ns)

    def __getitem__(self, code: str) -> Translator:
        return self._translators[code]

    def translators(self) -> Mapping[str, Translator]:
        return self._translators


@lru_cache(maxsize=4096)
def _number(locale: str, value: int) -> str:
    """Buttons and counts show the same few numbers on every screen: Babel formats each once."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=Locale.parse(locale))
