"""Figures and Exports in a real browser (Debian's Chromium): the charts load as images, in
English and in Arabic (right to left); nothing overflows at phone width; an export downloads as a
CSV file with a BOM, and the identifying one only after its confirmation page."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.web.console_app import mount_console
from tests.browser.support import assert_no_horizontal_overflow, screenshot, serve
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

CHARTS = "[...document.querySelectorAll('.figure-chart img')].map((i) => i.naturalWidth)"


async def signed_in(page, app, base: str) -> None:
    token = await app.console_access.issue_link(STAFF_ID)
    await page.goto(f"{base}/staff/login/{token}")
    await page.click("button[type=submit]")
    await page.wait_for_url(f"{base}/staff/cases")


def console(app) -> web.Application:
    root = web.Application()
    mount_console(root, app, bot_token=None)
    return root


async def test_figures_draw_their_charts_in_english_and_arabic(harness, app, page):
    person, t = await open_menu(harness, 7101, "fr")
    await register(person, t)
    async with serve(console(app)) as base:
        await signed_in(page, app, base)
        await page.click("nav a[href='/staff/figures']")
        await page.select_option("select[name=period]", "year")
        await page.click("form.filters button[type=submit]")
        await page.wait_for_url(f"{base}/staff/figures?*")
        assert await page.evaluate(CHARTS) == [960, 960]  # two PNGs, decoded by the browser
        assert "<5" in await page.inner_text("table.figures")
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-figures")

        await open_menu(harness, STAFF_ID, "ar")  # the staff member chose Arabic in the bot
        await signed_in(page, app, base)
        await page.goto(f"{base}/staff/figures?period=year")
        assert await page.evaluate("document.documentElement.dir") == "rtl"
        assert await page.evaluate(CHARTS) == [960, 960]
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-figures-ar")
    assert page.dialogs_seen == []


async def test_an_export_downloads_a_csv_with_a_bom(harness, app, page):
    person, t = await open_menu(harness, 7102, "fr")
    await register(person, t)
    async with serve(console(app)) as base:
        await signed_in(page, app, base)
        await page.click("nav a[href='/staff/exports']")
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-exports")
        await page.select_option("select[name=period]", "year")
        async with page.expect_download() as pending:
            await page.click("form.export-form button[type=submit]")
        download = await pending.value
        assert download.suggested_filename == "registrations_2026-01-01_2026-11-23.csv"
        data = (await download.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"MA-2026-000001" in data
        assert b"Aminata" not in data

        await page.select_option("select[name=period]", "year")
        await page.check("input[name=identifying]")
        await page.click("form.export-form button[type=submit]")
        assert "names and phone numbers" in await page.inner_text(".warning")
        await assert_no_horizontal_overflow(page)
        async with page.expect_download() as pending:
            await page.click("form.buttons button[type=submit]")
        download = await pending.value
        assert download.suggested_filename == "registrations_2026-01-01_2026-11-23_FULL.csv"
        data = (await download.path()).read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and b"Aminata" in data
