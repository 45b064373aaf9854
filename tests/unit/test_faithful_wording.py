"""Say only what the programme's documents say (issue 13, section 2): no "free" claims, no bare
"AVRR", and wherever the information pages name the embassy they say it is involved only with
the person's agreement, after talking with staff."""

import logging
import re

import pytest

from bot.app import warn_missing_office_details
from bot.content import ContentLibrary
from bot.domain.offices import Office, load_offices, missing_details
from bot.i18n import LOCALES_DIR
from bot.locales import SUPPORTED_LOCALES

CATALOGS = [LOCALES_DIR / "messages.pot", *sorted(LOCALES_DIR.glob("*/LC_MESSAGES/*.po"))]
CONTENT = sorted((LOCALES_DIR / "content").glob("*/*.txt"))
FREE = re.compile(r"\bfree\b|gratuit|gratis|مجان|do not pay for this help", re.IGNORECASE)


def shown_text(path):
    """What a person can read: the file without gettext's comments (source references)."""
    lines = path.read_text("utf-8").splitlines()
    return "\n".join(line for line in lines if not line.startswith("#:"))


def test_the_files_are_found():
    assert len(CATALOGS) == len(SUPPORTED_LOCALES)  # the template and one catalog per language
    assert len(CONTENT) >= 7 * len(SUPPORTED_LOCALES)


@pytest.mark.parametrize("path", CATALOGS + CONTENT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_free_claim_anywhere(path):
    found = FREE.findall(shown_text(path))
    assert not found, f"{path}: {found} (the documents never say the help is free)"


@pytest.mark.parametrize("path", CATALOGS + CONTENT, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_bare_avrr_on_any_screen(path):
    text = shown_text(path)
    assert not re.search(r"\bAVRR\b", text), f"{path}: write the words, not the letters"


def test_the_free_check_can_fail(tmp_path):
    sample = tmp_path / "sample.po"
    sample.write_text('msgid "The interview is free."\nmsgstr "L\'entretien est gratuit."\n')
    assert len(FREE.findall(shown_text(sample))) == 2


EMBASSY = {"en": "embass", "fr": "ambassade", "es": "embajada", "pt": "embaixada", "ar": "سفار"}
AGREEMENT = {"en": "agree", "fr": "accord", "es": "acuerdo", "pt": "concordar", "ar": "وافقت"}
STAFF = {"en": "staff", "fr": "personnel", "es": "personal", "pt": "funcionários", "ar": "الموظفين"}


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
def test_the_embassy_is_named_only_with_the_persons_agreement_after_staff(locale):
    library = ContentLibrary.load()
    named = 0
    for topic in ("rights", "faq", "return_steps"):
        for page in library.topic(locale, topic).pages:
            text = f"{page.title}\n{page.body}"
            if EMBASSY[locale] in text:
                named += 1
                assert AGREEMENT[locale] in text, (topic, page.title)
                assert STAFF[locale] in text, (topic, page.title)
    assert named >= 4  # rights (data), faq (passport, data), return steps (travel document)


def test_offices_missing_details_are_named_and_logged(caplog):
    offices = load_offices()
    by_id = {office.id: office for office in offices}
    assert missing_details(by_id["nouakchott"]) == ("address", "phone", "email", "hours")
    assert "address" not in missing_details(by_id["rabat"])
    assert by_id["rabat"].fax == "+212 5 37 75 85 40"  # the Morocco leaflet's fax
    with caplog.at_level(logging.WARNING, logger="bot.app"):
        warn_missing_office_details(offices)
    lines = [r.getMessage() for r in caplog.records]
    assert any("'nouakchott'" in line and "address" in line for line in lines)
    complete = Office("x", "MA", "X", "UTC", address="a", phone="1", email="e@x.org", hours="9")
    caplog.clear()
    warn_missing_office_details((complete,))
    assert not caplog.records
