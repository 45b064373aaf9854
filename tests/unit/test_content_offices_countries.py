from pathlib import Path

import pytest
from babel import Locale

from bot.content import TOPIC_IDS, ContentError, ContentLibrary, parse_topic
from bot.domain.countries import COUNTRIES, REPORT_2021, search_countries, sorted_countries
from bot.domain.offices import OfficesError, load_offices
from bot.locales import SUPPORTED_LOCALES


def test_every_topic_exists_in_every_language_with_the_same_pages():
    library = ContentLibrary.load()
    for topic in TOPIC_IDS:
        counts = {len(library.topic(code, topic).pages) for code in SUPPORTED_LOCALES}
        assert len(counts) == 1, topic


def test_pages_have_a_title_and_a_body():
    topic = parse_topic("t", "Title one\nBody one\n---\nTitle two\n\nBody two\n")
    assert [(p.title, p.body) for p in topic.pages] == [
        ("Title one", "Body one"),
        ("Title two", "Body two"),
    ]
    with pytest.raises(ContentError, match="page 2 has no title"):
        parse_topic("t", "A\nb\n---\n\n")


def test_a_language_with_missing_pages_is_refused(tmp_path: Path):
    for code in SUPPORTED_LOCALES:
        (tmp_path / code).mkdir()
        for topic in TOPIC_IDS:
            pages = "T\nb\n---\nT2\nb" if code != "pt" or topic != "faq" else "T\nb"
            (tmp_path / code / f"{topic}.txt").write_text(pages, "utf-8")
    with pytest.raises(ContentError, match=r"pt/faq\.txt has 1 pages, en has 2"):
        ContentLibrary.load(tmp_path)


def test_default_offices_follow_the_documents():
    rabat, mauritania = load_offices()
    assert (rabat.country, rabat.email, rabat.timezone) == (
        "MA",
        "iomrabat@iom.int",
        "Africa/Casablanca",
    )
    assert mauritania.country == "MR"
    assert (mauritania.address, mauritania.phone, mauritania.email) == (None, None, None)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[office]]\nid="x1"\ncountry="MA"\ncity="R"\ntimezone="Mars/Base"', "unknown timezone"),
        ('[[office]]\nid="x1"\ncountry="MA"\ntimezone="UTC"', "city is required"),
        ('[[office]]\nid="x1"\ncountry="Morocco"\ncity="R"\ntimezone="UTC"', "two-letter code"),
        ('[[office]]\nid="x1"\ncountry="MA"\ncity="R"\ntimezone="UTC"\nemail="nope"', "email"),
        (
            '[[office]]\nid="x1"\ncountry="MA"\ncity="R"\ntimezone="UTC"\ntelex="1"',
            "unknown field 'telex'",
        ),
        (
            '[[office]]\nid="x1"\ncountry="MA"\ncity="R"\ntimezone="UTC"\nfax="1"',
            "fax is not a phone number",
        ),
        ("office = 3", "at least one"),
        ("[[office]", "offices.toml"),
    ],
)
def test_bad_offices_file_is_one_clear_error(tmp_path, body, message):
    path = tmp_path / "offices.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(OfficesError, match=message):
        load_offices(path)


def names(code):
    return {country: Locale.parse(code).territories[country] for country in COUNTRIES}


def test_country_list_covers_the_report_and_the_region():
    assert len(REPORT_2021) == 22
    assert {"GN", "CI", "SN", "MA", "DZ", "NE", "TD", "CF"} <= set(COUNTRIES)
    assert len(set(COUNTRIES)) == len(COUNTRIES)


def test_countries_sort_by_their_name_in_each_language():
    french = [names("fr")[c] for c in sorted_countries(names("fr"))]
    assert french[:3] == ["Algérie", "Angola", "Bénin"]  # accents do not push Bénin to the end


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gui", {"GN", "GW", "GQ", "GY"}),
        ("cote", {"CI"}),
        ("Costa", {"CI"}),
        ("ساحل", {"CI"}),
        ("", set()),
    ],
)
def test_typed_letters_match_in_any_language(typed, expected):
    tables = [names(code) for code in SUPPORTED_LOCALES]
    assert set(search_countries(typed, tables)) == expected
