"""The console's Figures and Exports pages, over the real StatsService, database and chart code:
what /stats and /export give, with the same "<5" rule, the same CSV files and the same audit."""

from __future__ import annotations

import base64
import csv
import html
import io
import re

import pytest
from markupsafe import Markup

from bot.app import create_app
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID, make_settings
from tests.web.console_support import audit_rows, console_client, csrf_of, sign_in

IMAGES = re.compile(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"')
PNG = b"\x89PNG\r\n\x1a\n"
BOM = b"\xef\xbb\xbf"
YEAR = "2026-01-01_2026-11-23"  # this year, to the test clock's day


@pytest.fixture
async def client(app):
    client = await console_client(app)
    yield client
    await client.close()


async def registered(harness, user_id=7001, locale="fr", **kwargs):
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t, **kwargs)
    await harness.worker().run_once()
    return person, t


def charts(page: str) -> list[bytes]:
    return [base64.b64decode(found) for found in IMAGES.findall(page)]


def exports(rows):
    return [row for row in rows if row[1] == "export"]


def refusals(rows):
    return [(actor, detail) for actor, action, detail in rows if action == "refused"]


async def download(client, **fields):
    page = await (await client.get("/staff/exports")).text()
    return await client.post("/staff/exports", data={"csrf": csrf_of(page), **fields})


# --- Figures ----------------------------------------------------------------------------------


async def test_figures_show_the_tables_with_small_counts_suppressed_and_png_charts(
    harness, client, app
):
    await registered(harness)
    await sign_in(client, app)
    response = await client.get("/staff/figures?period=year&office=all")
    page = await response.text()
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="/staff/figures" aria-current="page"' in page
    assert "Registrations by country of origin and gender" in page
    assert "From registration to return (people registered in the period)" in page
    assert "<b>" not in page  # the Telegram markup of the titles is not shown
    # One registration from Guinea: the cells say "<5", never "1".
    guinea = re.search(r'<th scope="row">Guinea</th>(.*?)</tr>', page, re.S)
    assert guinea and re.findall(r'<td dir="ltr">([^<]*)</td>', guinea.group(1)) == [
        "&lt;5",
        "0",
        "&lt;5",
    ]
    assert '<td dir="ltr">1</td>' not in page
    images = charts(page)
    assert len(images) == 2 and all(image.startswith(PNG) for image in images)


async def test_figures_default_to_this_month_and_all_offices(client, app):
    await sign_in(client, app)
    page = await (await client.get("/staff/figures")).text()
    assert '<option value="month" selected>This month</option>' in page
    assert '<option value="all" selected>All offices</option>' in page
    assert "Nov 1, 2026 – Nov 23, 2026 · All offices" in page
    assert len(charts(page)) == 2


async def test_figures_refuse_an_impossible_period_and_show_this_month(client, app):
    await sign_in(client, app)
    page = await (
        await client.get("/staff/figures?period=custom&from=2026-05-02&to=2026-05-01")
    ).text()
    assert "The end must be after the start." in page
    assert "Nov 1, 2026 – Nov 23, 2026" in page


async def test_figures_in_arabic_have_arabic_tables_and_charts(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    english = charts(await (await client.get("/staff/figures?period=year")).text())
    await open_menu(harness, STAFF_ID, "ar")  # the staff member chose Arabic in the bot
    await sign_in(client, app)
    page = await (await client.get("/staff/figures?period=year")).text()
    ar = app.catalogs["ar"]
    assert '<html lang="ar" dir="rtl">' in page
    title = Markup(ar.gettext("<b>Registrations by country of origin and gender</b>")).striptags()
    assert html.escape(title) in page
    assert "غينيا" in page  # Guinea
    images = charts(page)
    assert len(images) == 2 and all(image.startswith(PNG) for image in images)
    assert images[0] != english[0] and images[1] != english[1]  # Arabic words, not English


async def test_figures_refuse_a_removed_staff_member_and_audit_it(client, app, database, clock):
    await sign_in(client, app)
    assert (await client.get("/staff/figures")).status == 200
    removed = await create_app(make_settings(database, STAFF_USER_IDS="900009"), clock=clock)
    other = await console_client(removed)
    try:
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/staff/figures"))
        other.session.cookie_jar.update_cookies({"avrr_console": cookie["avrr_console"].value})
        response = await other.get("/staff/figures")
        assert response.status == 403 and "Only office staff" in await response.text()
        assert (STAFF_ID, "console: no longer staff") in refusals(await audit_rows(removed))
        assert (await other.get("/staff/exports")).status == 401  # the session was deleted
    finally:
        await other.close()
        await removed.close()


async def test_figures_and_exports_need_a_session(client, app):
    for path in ("/staff/figures", "/staff/exports"):
        assert (await client.get(path)).status == 401
    assert (await client.post("/staff/exports", data={"file": "registrations"})).status == 401
    assert exports(await audit_rows(app)) == []


# --- Exports ----------------------------------------------------------------------------------


async def test_an_export_is_pseudonymised_by_default_and_audited(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    page = await (await client.get("/staff/exports")).text()
    assert 'href="/staff/exports" aria-current="page"' in page
    response = await client.post(
        "/staff/exports", data={"csrf": csrf_of(page), "file": "registrations", "period": "year"}
    )
    assert response.status == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="registrations_{YEAR}.csv"'
    )
    assert response.headers["Cache-Control"] == "no-store"
    data = await response.read()
    assert data.startswith(BOM)
    text = data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [row["reference"] for row in rows] == ["MA-2026-000001"]
    assert "name" not in rows[0] and "phone" not in rows[0]
    assert "Aminata" not in text and "612345678" not in text
    assert exports(await audit_rows(app)) == [
        (STAFF_ID, "export", "2026-01-01..2026-11-23 office=all full=False")
    ]


async def test_names_and_phones_only_after_confirmation_with_the_csrf_token(harness, client, app):
    await registered(harness)
    await sign_in(client, app)
    asked = await download(client, file="registrations", period="year", identifying="yes")
    confirm = await asked.text()
    assert asked.headers["Content-Type"].startswith("text/html")
    assert "This file will contain names and phone numbers." in confirm
    assert exports(await audit_rows(app)) == []  # nothing exported yet
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', confirm))
    assert fields["confirmed"] == "yes" and fields["identifying"] == "yes"
    forged = {k: v for k, v in fields.items() if k != "csrf"}
    refused = await client.post("/staff/exports", data=forged)
    assert refused.status == 403 and not (await refused.read()).startswith(BOM)
    assert refusals(await audit_rows(app)) == [(STAFF_ID, "console: bad CSRF token")]
    response = await client.post("/staff/exports", data=fields)
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="registrations_{YEAR}_FULL.csv"'
    )
    text = (await response.read()).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["reference"] == "MA-2026-000001"
    assert "Aminata" in row["name"] and row["phone"] == "+212612345678"
    assert exports(await audit_rows(app)) == [
        (STAFF_ID, "export", "2026-01-01..2026-11-23 office=all full=True")
    ]


async def test_a_deleted_person_is_never_exported_and_empty_files_keep_their_header(
    harness, client, app
):
    person, _ = await registered(harness, locale="en")
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    await sign_in(client, app)
    asked = await download(client, file="registrations", period="year", identifying="yes")
    fields = dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', await asked.text()))
    data = await (await client.post("/staff/exports", data=fields)).read()
    assert data.startswith(BOM)
    lines = data.decode("utf-8-sig").splitlines()
    assert len(lines) == 1  # the header row alone
    assert lines[0].startswith("reference,office,kind,") and lines[0].endswith(
        "name,phone,place,needs"
    )
    for file in ("bookings", "checkins"):
        response = await download(client, file=file, period="last_year")
        assert response.headers["Content-Disposition"] == (
            f'attachment; filename="{file}_2025-01-01_2025-12-31.csv"'
        )
        data = await response.read()
        assert data.startswith(BOM) and data.decode("utf-8-sig").startswith("reference,")
        assert len(data.decode("utf-8-sig").splitlines()) == 1


async def test_an_export_of_an_impossible_period_exports_nothing(client, app):
    await sign_in(client, app)
    backwards = await download(
        client, period="custom", **{"from": "2026-05-02", "to": "2026-05-01"}
    )
    assert backwards.headers["Content-Type"].startswith("text/html")
    assert "The end must be after the start." in await backwards.text()
    too_early = await download(
        client, period="custom", **{"from": "2020-01-01", "to": "2026-05-01"}
    )
    assert "Choose days between Jan 1, 2023 and today." in await too_early.text()
    assert exports(await audit_rows(app)) == []
