"""Staff figures and exports: exact tables, charts for a phone, suppression of small numbers,
pseudonymised exports, audit, and authorisation."""

import asyncio
import csv
import io
import json
import struct
import subprocess
import sys

import pytest
from sqlalchemy import text

from bot.services.seed import seed
from tests.dialogs.booking_steps import draft
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID


def staff(harness):
    return harness.person(STAFF_ID, "en")


def answers(harness):
    return [e.text for e in harness.api.events if e.kind == "answer"]


def sent_files(harness, method):
    return [call for call in harness.api.calls if type(call).__name__ == method]


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def parse_country_table(message: str) -> dict[str, tuple[int, int, int]]:
    block = message.split("<pre>", 1)[1].split("</pre>", 1)[0]
    rows = {}
    for line in block.splitlines()[1:]:
        name, female, male, total = line[:18].strip(), *line[18:].split()
        rows[name] = (int(female), int(male), int(total))
    return rows


@pytest.mark.slow  # 300 people
async def test_stats_reproduce_the_seeded_country_and_gender_figures_exactly(harness):
    written = await seed(harness.app.uow, registrations=300, year=2026, now=harness.app.clock.now())
    member = staff(harness)
    await member.send("/stats")
    await member.press("This year")
    await member.press("All offices")
    texts = [
        m["text"]
        for m in harness.api.chat(STAFF_ID)
        if "Registrations by country" in m.get("text", "")
    ]
    table = parse_country_table(
        texts[0].split("Registrations by country of origin and gender", 1)[1]
    )
    t = harness.app.catalogs["en"]
    for (country, gender), count in written.items():
        female, male, _total = table[t.country(country)[:18]]  # names cut to fit a phone
        assert (female if gender == "woman" else male) == count
    assert table["Total"][2] == 300
    photos = sent_files(harness, "SendPhoto")
    assert len(photos) == 2
    for photo in photos:
        assert png_size(photo.photo.data) == (960, 1280)  # portrait, readable on a phone


async def test_stats_charts_keep_arabic_words_for_an_arabic_speaking_staff_member(harness):
    person, t = await open_menu(harness, 40001, "fr")
    await register(person, t)
    member = staff(harness)
    await member.send("/stats")
    await member.press("This year")
    await member.press("All offices")
    english = [p.photo.data for p in sent_files(harness, "SendPhoto")]
    member, ar = await open_menu(harness, STAFF_ID, "ar")
    await member.send("/stats")
    await member.press(ar.gettext("This year"))
    await member.press(ar.gettext("All offices"))
    arabic = [p.photo.data for p in sent_files(harness, "SendPhoto")][2:]
    assert len(english) == len(arabic) == 2
    assert all(png_size(png) == (960, 1280) for png in arabic)
    assert arabic[0] != english[0] and arabic[1] != english[1]  # not the English charts again


async def test_non_staff_get_the_ordinary_unknown_command_answer(harness):
    person, _ = await open_menu(harness, 40001, "en")
    for command in ("/stats", "/export"):
        await person.send(command)
        assert (
            harness.api.chat(40001)[-2]["text"]
            == "I do not know this command. Please use the buttons below."
        )


async def test_pseudonymised_export_has_no_names_and_opens_in_spreadsheets(harness):
    person, t = await open_menu(harness, 40002, "ar")
    await register(person, t, name="أمينة ديالو")
    member = staff(harness)
    await member.send("/export")
    await member.press("This year")
    await member.press("All offices")
    await member.press("📄 Pseudonymised export")
    documents = sent_files(harness, "SendDocument")
    assert [d.document.filename for d in documents] == [
        "registrations_2026-01-01_2026-11-23.csv",
        "bookings_2026-01-01_2026-11-23.csv",
        "checkins_2026-01-01_2026-11-23.csv",
    ]
    data = documents[0].document.data
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0]["reference"] == "MA-2026-000001"
    assert "name" not in rows[0] and "phone" not in rows[0]
    assert "أمينة" not in data.decode("utf-8-sig")


async def test_export_with_names_needs_a_second_confirmation_and_is_audited(harness):
    person, t = await open_menu(harness, 40003, "ar")
    await register(person, t, name="أمينة ديالو")
    member = staff(harness)
    await member.send("/export")
    await member.press("This year")
    await member.press("All offices")
    await member.press("⚠️ With names and phone numbers")
    assert "This file will contain names and phone numbers." in member.last_text()
    assert sent_files(harness, "SendDocument") == []
    await member.press("⚠️ Yes, export with names")
    data = sent_files(harness, "SendDocument")[0].document.data.decode("utf-8-sig")
    assert "أمينة ديالو" in data and "+212612345678" in data
    async with harness.app.engine.connect() as connection:
        audit = (
            await connection.execute(text("select actor_id, action, detail from audit_log"))
        ).all()
    assert audit == [(STAFF_ID, "export", "2026-01-01..2026-11-23 office=all full=True")]


async def test_deleted_people_are_not_in_exports(harness):
    person, t = await open_menu(harness, 40004, "en")
    await register(person, t)
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    tables = await harness.app.stats.export(STAFF_ID, *_year(), full=True)
    assert tables["registrations"] == []


def _year():
    from datetime import date

    from bot.domain.stats import Period

    return Period(date(2026, 1, 1), date(2026, 12, 31)), None


async def test_export_refuses_non_staff(harness):
    from bot.services.stats import NotStaffError

    with pytest.raises(NotStaffError):
        await harness.app.stats.export(40005, *_year(), full=False)


@pytest.mark.slow  # a real process
async def test_command_line_figures_suppress_small_numbers_and_need_no_aiogram(app, settings):
    await app.registrations.register(40006, draft())
    await app.close()
    code = (
        "import sys, runpy; sys.argv = ['bot', 'stats', '--from', '2026-01-01', '--to', "
        "'2026-12-31', '--format', 'json']\n"
        "try:\n    runpy.run_module('bot', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('AIOGRAM' if 'aiogram' in sys.modules else 'NO-AIOGRAM', file=sys.stderr)"
    )
    env = {
        "DATABASE_URL": settings.DATABASE_URL,
        "DATA_KEY": settings.DATA_KEY.get_secret_value(),
        "PATH": "",
    }
    result = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    figures = json.loads(result.stdout)
    assert figures["registrations"][0] == {"country": "GN", "F": "0", "M": "<5", "total": "<5"}
    assert "NO-AIOGRAM" in result.stderr
