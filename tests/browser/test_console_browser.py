"""The staff console in a real browser (Debian's Chromium, driven by Playwright), through the
real console server on 127.0.0.1 and the real bot (the in-process Bot API): people register
through the bot, a staff member sends /console, opens the link the bot gave and signs in; Cases
lists the registrations; the case page moves a status and answers the person, who receives both
in their own language in their chat; a name made of markup stays text; an Arabic-speaking staff
member gets the console right to left. Every page is screenshotted at phone and desktop widths
(test-artifacts/screenshots/) and must not scroll sideways at phone width.

With UPDATE_SCREENSHOTS=1 the run also refreshes the README's screenshots (docs/screenshots/)."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web

from bot.telegram.staff.console_files import TelegramFileUpload
from bot.web.console_app import mount_console
from tests.browser.support import (
    assert_no_horizontal_overflow,
    loopback_socket,
    screenshot,
    serve,
)
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID, make_settings

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

XSS = "<img src=x onerror=alert(1)>"
LINK = re.compile(r"http://127\.0\.0\.1:\d+/staff/login/[A-Za-z0-9_-]{43}")
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
QUESTION = "Bonjour, j'ai perdu mon passeport. Que dois-je faire ?"
ANSWER = "Bonjour, venez au bureau mardi à 10 h avec une photo : nous vous aiderons."


# --- The console on its own server, at the address the bot's links name -----------------------


@pytest.fixture
def console_socket() -> Iterator[Any]:
    sock = loopback_socket()
    yield sock
    sock.close()


@pytest.fixture
def settings(database: str, console_socket: Any) -> Any:
    """Long polling's settings: the console at WEB_HOST:WEB_PORT, here the test's free port, so
    the link /console sends opens as it is."""
    return make_settings(database, WEB_PORT=console_socket.getsockname()[1])


@pytest_asyncio.fixture(loop_scope="session")
async def console(app: Any, harness: Any, console_socket: Any) -> AsyncIterator[str]:
    """The console served as with long polling (`start_console_server`), files included."""
    root = web.Application()
    mount_console(root, app, bot_token=harness.bot.token, upload=TelegramFileUpload(harness.bot))
    async with serve(root, console_socket) as base:
        assert base == app.settings.console_url.removesuffix("/staff")
        yield base


# --- Steps --------------------------------------------------------------------------------------


async def registered(harness: Any, user_id: int, locale: str, **kwargs: Any) -> Any:
    """A person registers through the bot and goes back to the menu."""
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t, **kwargs)
    await person.press(t.gettext("🏠 Main menu"))
    return person, t


async def writes_to_the_office(person: Any, t: Any, text: str) -> None:
    await person.press(t.gettext("✉️ Write to the office"))
    await person.send(text)


async def sign_in_from_the_bot(harness: Any, page: Any, locale: str = "en") -> str:
    """The staff member sends /console in the bot and opens the link it answers with as it is
    (the sign-in page); returns the link."""
    await open_menu(harness, STAFF_ID, locale)  # their language in the bot: the console's
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/console")
    link = LINK.search(staff.last()["text"])
    assert link, staff.last()["text"]
    page.set_default_timeout(5_000)  # a page of ours answers in milliseconds
    await page.goto(link.group(0))
    return link.group(0)


async def check_page(page: Any, name: str) -> None:
    """Every page: no script ran from people's data, nothing sticks out sideways on a phone,
    and a screenshot at both widths."""
    await page.wait_for_load_state("load")
    assert page.dialogs_seen == []
    await assert_no_horizontal_overflow(page)
    paths = await screenshot(page, name)
    if os.environ.get("UPDATE_SCREENSHOTS") == "1" and name in PUBLISHED:
        publish(paths, PUBLISHED[name])


# The README's screenshots (docs/screenshots/), refreshed only with UPDATE_SCREENSHOTS=1.
PUBLISHED = {"console-cases": "console-cases.png", "console-case": "console-case.png"}


def publish(paths: list[Path], target: str) -> None:
    """The desktop screenshot for the README: the empty background below the page cut off, as a
    small palette PNG (text and flat colours survive it)."""
    from PIL import Image, ImageChops

    [desktop] = [path for path in paths if path.stem.endswith("-desktop")]
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with Image.open(desktop) as image:
        rgb = image.convert("RGB")
        background = Image.new("RGB", rgb.size, rgb.getpixel((0, rgb.height - 1)))
        content = ImageChops.difference(rgb, background).getbbox() or (0, 0, *rgb.size)
        rgb = rgb.crop((0, 0, rgb.width, min(rgb.height, content[3] + 24)))
        small = rgb.quantize(colors=128, method=Image.Quantize.MEDIANCUT)
        small.save(DOCS_SCREENSHOTS / target, optimize=True)


async def status_text(page: Any) -> str:
    return (await page.locator("p.status strong").inner_text()).strip()


# --- Tests ----------------------------------------------------------------------------------------


async def test_staff_sign_in_from_the_bot_move_a_registration_and_answer_the_person(
    harness, app, clock, console, page
):
    person, t = await registered(harness, 7001, "fr", name=XSS)
    await writes_to_the_office(person, t, QUESTION)
    clock.advance(minutes=50)
    await registered(harness, 7002, "es", needs=())
    await harness.worker().run_once()  # the staff group is told, as in production
    clock.advance(hours=1)

    # Sign in through the link /console gave: a GET shows the button, pressing it spends it.
    link = await sign_in_from_the_bot(harness, page)
    assert link.startswith(console + "/staff/login/")
    assert await page.get_by_role("button", name="Sign in").is_visible()
    await check_page(page, "console-sign-in")
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(console + "/staff/cases")

    # Cases: both registrations, the one who wrote first among them; no name on the list.
    assert await page.evaluate("document.documentElement.dir") == "ltr"
    references = await page.locator("table.cases tbody td:first-child a").all_inner_texts()
    assert sorted(references) == ["MA-2026-000001", "MA-2026-000002"]
    row = page.locator("table.cases tbody tr", has_text="MA-2026-000001")
    assert "⚠️ Medical needs" in await row.inner_text()
    assert "💬 2 hours" in await row.inner_text()  # a conversation waits for the office
    assert XSS not in await page.content() and "Aminata" not in await page.content()
    await check_page(page, "console-cases")

    # The case: the markup name shown as text, the person's question in the conversation.
    await page.get_by_role("link", name="MA-2026-000001").click()
    await page.wait_for_url(console + "/staff/cases/MA-2026-000001")
    assert await page.locator(".details dd", has_text=XSS).count() == 1
    assert await page.locator(".details dd img").count() == 0
    assert await page.locator(".messages li.in .text").inner_text() == QUESTION
    assert await status_text(page) == "New"

    # Move its status: the page says so, and the person is told in French.
    await page.get_by_role("button", name="→ Contacted").click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("status").inner_text() == "The status was changed."
    assert await status_text(page) == "Contacted"
    await harness.worker().run_once()
    assert harness.api.chat(7001)[-1]["text"] == t.gettext(
        "News about your registration {reference}: staff have looked at it and will contact "
        "you to arrange an interview.",
        reference="MA-2026-000001",
    )

    # Answer in the box: the person receives it in French, as a reply in the staff group.
    await page.get_by_label(re.compile("^Answer the person")).fill(ANSWER)
    await page.get_by_role("button", name="Send", exact=True).click()
    await page.wait_for_load_state("load")
    assert await page.get_by_role("status").inner_text() == "Your answer was sent to the person."
    messages = page.locator(".messages li")
    assert await messages.nth(0).locator(".text").inner_text() == QUESTION
    assert await messages.nth(1).locator(".text").inner_text() == ANSWER
    assert await page.locator(".messages li.out").count() == 1
    await harness.worker().run_once()
    received = harness.api.chat(7001)[-1]["text"]
    assert received.startswith(t.gettext("🏢 Message from the office:"))
    assert received.endswith(ANSWER)
    await check_page(page, "console-case")
    assert page.dialogs_seen == []


async def test_an_arabic_speaking_staff_member_gets_the_console_right_to_left(
    harness, app, console, page
):
    person, t = await registered(harness, 7003, "ar")
    await writes_to_the_office(person, t, "فقدت جواز سفري، ماذا أفعل؟")
    await harness.worker().run_once()
    ar = app.catalogs["ar"]

    await sign_in_from_the_bot(harness, page, "ar")
    # Before sign-in nobody is known: that page is in the deployment's language (here English).
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url(console + "/staff/cases")
    assert await page.evaluate("document.documentElement.dir") == "rtl"
    assert await page.evaluate("document.documentElement.lang") == "ar"
    assert await page.locator("h1").inner_text() == ar.gettext("Cases")
    assert "غينيا" in await page.locator("table.cases").inner_text()  # Guinea, in Arabic
    await check_page(page, "console-cases-ar")

    await page.get_by_role("link", name="MA-2026-000001").click()
    await page.wait_for_url(console + "/staff/cases/MA-2026-000001")
    assert await page.evaluate("document.documentElement.dir") == "rtl"
    assert await page.locator(".messages li.in .text").inner_text() == "فقدت جواز سفري، ماذا أفعل؟"
    await check_page(page, "console-case-ar")
