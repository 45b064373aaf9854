"""The Announcements page in a real browser: a staff member writes a French and an Arabic text
with markup in it, previews (counts per language, who gets nothing, the text shown as text and
no dialog fires), sends; the French reader's chat receives it; the Arabic console is right to
left; screenshots at phone and desktop widths and no horizontal overflow at 390 px."""

from __future__ import annotations

import pytest
from aiohttp import web

from bot.web.console_app import mount_console
from tests.browser.support import assert_no_horizontal_overflow, screenshot, serve
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

FRENCH = "Le bureau est fermé vendredi. <img src=x onerror=alert(1)>"
ARABIC = "المكتب مغلق يوم الجمعة."


async def signed_in(page, app, base):
    token = await app.console_access.issue_link(STAFF_ID)
    await page.goto(f"{base}/staff/login/{token}")
    await page.locator("button.primary").click()
    await page.wait_for_url("**/staff/cases")


async def test_write_preview_and_send_an_announcement_in_the_browser(page, app, harness):
    readers = {}
    for user_id, locale in ((10031, "fr"), (10032, "ar"), (10033, "pt")):
        person, t = await open_menu(harness, user_id, locale)
        await register(person, t)
        readers[locale] = (person, t)
    await harness.worker().run_once()
    root = web.Application()
    mount_console(root, app, bot_token=None)
    async with serve(root) as base:
        await signed_in(page, app, base)
        await page.locator("nav a[href='/staff/announcements']").click()
        await page.wait_for_url("**/staff/announcements")
        await page.locator("textarea[name='text_fr']").fill(FRENCH)
        await page.locator("textarea[name='text_ar']").fill(ARABIC)
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-announcements")
        await page.locator("form.new-announcement button.primary").click()
        await page.wait_for_url("**/announcements/preview")
        body = await page.locator("main").text_content()
        assert "1 person reads French." in body and "1 person reads Arabic." in body
        assert (
            "1 person reads Portuguese: they get nothing unless you write a text in Portuguese."
            in body
        )
        french = page.locator("section[data-language='fr'] .message")
        assert FRENCH in await french.text_content()  # shown as text: no image, no dialog
        assert await page.locator("main img").count() == 0 and page.dialogs_seen == []
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-announcement-preview")
        await page.locator("form.send button.primary").click()
        await page.wait_for_url("**done=sent**")
        assert "Sent: 2 people will receive it" in await page.locator("p.notice").text_content()
        await harness.worker().run_once()
        person, t = readers["fr"]
        header = t.gettext("📣 <b>A message from the programme office</b>")
        assert harness.api.chat(person.chat_id)[-1]["text"] == (
            f"{header}\n\nLe bureau est fermé vendredi. &lt;img src=x onerror=alert(1)&gt;"
        )
        await page.reload()
        assert "Sent: 2" in await page.locator("#announcement-1").text_content()
        # In Arabic: right to left, and still nothing sticks out at phone width.
        await open_menu(harness, STAFF_ID, "ar")
        await page.goto(f"{base}/staff/announcements")
        assert await page.evaluate("document.documentElement.dir") == "rtl"
        await assert_no_horizontal_overflow(page)
        await screenshot(page, "console-announcements-arabic")
