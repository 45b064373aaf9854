"""The Slots page in a real browser: a staff member signs in through a one-time link, publishes
slots from the form, removes one with a booking (the confirmation names how many people are
booked; the person is told), in English and in Arabic; screenshots at phone and desktop widths
and no horizontal overflow at 390 px."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.web.console_app import mount_console
from tests.browser.support import assert_no_horizontal_overflow, screenshot, serve
from tests.dialogs.booking_steps import TOMORROW, registered_person, to_confirm
from tests.dialogs.registration_steps import open_menu
from tests.support import STAFF_ID

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]


async def signed_in(page, app, base):
    token = await app.console_access.issue_link(STAFF_ID)
    await page.goto(f"{base}/staff/login/{token}")
    await page.locator("button.primary").click()
    await page.wait_for_url("**/staff/cases")


async def test_publish_and_remove_a_booked_slot_in_the_browser(page, app, harness):
    root = web.Application()
    mount_console(root, app, bot_token=None)
    async with serve(root) as base:
        await signed_in(page, app, base)
        await page.locator("nav a[href='/staff/slots']").click()
        await page.wait_for_url("**/staff/slots")
        await page.locator("input[name='day'][value='2026-11-24']").check()
        await page.locator("input[name='day'][value='2026-11-25']").check()
        await page.locator("select[name='start']").select_option("10:00")
        await page.locator("select[name='end']").select_option("11:00")
        await page.locator("input[name='capacity']").fill("2")
        await page.locator("form.publish button[type='submit']").click()
        await page.wait_for_url("**done=created**")
        assert "4 slots created." in await page.locator("p.notice").text_content()
        assert await page.locator("li.slot").count() == 4
        await assert_no_horizontal_overflow(page)
        # A person books the first slot through the bot.
        person, t = await registered_person(harness, 10021, "fr")
        await to_confirm(person, t)
        await person.press(t.gettext("✅ Confirm"))
        await harness.worker().run_once()
        await page.reload()
        first = page.locator("li.slot").first
        assert "MA-2026-000001" in await first.text_content()
        await screenshot(page, "console-slots")
        await first.locator("form[action$='/remove'] button").click()
        await page.wait_for_url("**/remove")
        assert "1 person is booked on this slot." in await page.locator("p.notice").text_content()
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-slot-remove")
        await page.locator("input[name='confirm'] + button").click()
        await page.wait_for_url("**done=removed**")
        assert "Removed. 1 person was told." in await page.locator("p.notice").text_content()
        assert await page.locator("li.slot").count() == 3
        await harness.worker().run_once()
        when = t.gettext("{date} at {time}", date=t.date(TOMORROW, "full"), time="10:00")
        assert harness.api.chat(person.chat_id)[-1]["text"] == t.gettext(
            "Your interview of {when} had to be cancelled by the office. Please choose "
            "another time.",
            when=when,
        )  # in French
        # In Arabic: right to left, and still nothing sticks out at phone width.
        await open_menu(harness, STAFF_ID, "ar")
        await page.goto(f"{base}/staff/slots?office=rabat&week=2026-11-24")
        assert await page.evaluate("document.documentElement.dir") == "rtl"
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-slots-arabic")
