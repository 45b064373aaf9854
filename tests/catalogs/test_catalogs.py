"""Every catalog is complete, compiles, keeps each msgid's placeholders and plural forms."""

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from bot.locales import PLURAL_FORMS, SOURCE_LOCALE, SUPPORTED_LOCALES

TRANSLATED = [code for code in SUPPORTED_LOCALES if code != SOURCE_LOCALE]
PLACEHOLDER = re.compile(r"\{[a-z_][a-z0-9_]*\}")
TAG = re.compile(r"</?[a-z]+>")


def catalog(code):
    path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


def template_ids():
    with (LOCALES_DIR / "messages.pot").open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_is_complete_and_not_fuzzy(code):
    missing = []
    for message in catalog(code):
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id)
    assert missing == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_has_every_msgid_of_the_template(code):
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog(code) if m.id}
    assert template_ids() - ids == set()


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_compiles(code):
    buffer = io.BytesIO()
    write_mo(buffer, catalog(code))
    assert buffer.getbuffer().nbytes > 100


@pytest.mark.parametrize("code", TRANSLATED)
def test_translations_keep_placeholders_and_markup(code):
    wrong = []
    for message in catalog(code):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in filter(None, strings):  # empty ones fail the completeness test
            if set(PLACEHOLDER.findall(string)) - expected or (
                len(ids) == 1 and set(PLACEHOLDER.findall(string)) != expected
            ):
                wrong.append((message.id, string))
            if sorted(TAG.findall(string)) != sorted(TAG.findall(ids[0])):
                wrong.append((message.id, string))
    assert wrong == []


def plural_header(code):
    path = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        headers = dict(read_po(handle).mime_headers)
    return " ".join(headers["Plural-Forms"].split())


@pytest.mark.parametrize("code", TRANSLATED)
def test_catalog_declares_the_plural_rule_decided_for_its_language(code):
    # The decision lives in bot.locales, not in the installed Babel's CLDR data.
    assert plural_header(code) == PLURAL_FORMS[code]


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_entries_have_every_form_the_catalog_declares(code):
    declared = int(re.search(r"nplurals=(\d+)", PLURAL_FORMS[code]).group(1))
    short = []
    for message in catalog(code):
        plural = isinstance(message.id, tuple)
        if plural and (len(message.string) != declared or not all(message.string)):
            short.append(message.id[0])
    assert short == []


# Which form gettext picks for a few counts, under each decided rule (the form's index).
PLURAL_CASES = {
    "fr": {0: 0, 1: 0, 2: 1, 5: 1, 1_000_000: 1},
    "es": {0: 1, 1: 0, 2: 1, 1_000_000: 1},
    "pt": {0: 1, 1: 0, 2: 1, 1_000_000: 1},
    "ar": {0: 0, 1: 1, 2: 2, 3: 3, 10: 3, 11: 5, 99: 5, 100: 4, 102: 4, 103: 3, 111: 5},
}


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalog_picks_the_decided_form(code):
    translations = gettext.GNUTranslations(io.BytesIO(compiled(code)))
    # The entry whose forms differ most, so that a wrong pick shows.
    entry = max(
        (m for m in catalog(code) if isinstance(m.id, tuple)), key=lambda m: len(set(m.string))
    )
    assert len(set(entry.string)) == len(entry.string)
    for count, index in PLURAL_CASES[code].items():
        assert translations.ngettext(*entry.id, count) == entry.string[index], count


def compiled(code):
    buffer = io.BytesIO()
    write_mo(buffer, catalog(code))
    return buffer.getvalue()


def test_arabic_has_six_plural_forms():
    assert catalog("ar").num_plurals == 6


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalog_is_up_to_date(code):
    po = LOCALES_DIR / code / "LC_MESSAGES" / "messages.po"
    mo = Path(str(po)[:-3] + ".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, "run make i18n"
