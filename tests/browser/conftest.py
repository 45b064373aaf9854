"""Browser tests: headless Chromium from Debian's packages (/usr/bin/chromium), driven by
Playwright for Python. Playwright's own browser download (`playwright install`) is never used:
`.ci/run` installs the `chromium` package when it is missing, as it installs PostgreSQL.

Without /usr/bin/chromium the tests are skipped with the reason, unless the environment variable
CI is set: then they fail (CI must run them).

One Playwright and one browser per test session (per xdist worker); each test gets a fresh
browser context and `page`. Everything of a browser test runs on the session's event loop,
where the browser lives, so a test module here starts with

    pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

and the bot's async fixtures (`database`, `app`, `harness`) are given again below on that loop.
Helpers: tests/browser/support.py (`screenshot`, `assert_no_horizontal_overflow`, `serve`).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.conftest import database_copy, running_app, running_harness

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # no call home: tests see only their own server
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: install Debian's chromium package "
        "(apt-get install --no-install-recommends chromium; .ci/run does it)"
    )
    if os.environ.get("CI"):
        pytest.fail(reason + " — CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def playwright() -> AsyncIterator[Any]:
    require_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as driver:
        yield driver


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def browser(playwright: Any) -> AsyncIterator[Any]:
    chromium = await playwright.chromium.launch(
        executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
    )
    yield chromium
    await chromium.close()


@pytest_asyncio.fixture(loop_scope="session")
async def page(browser: Any) -> AsyncIterator[Any]:
    """A new page in a context of its own (no cookies or storage from another test), at phone
    size. Every JavaScript dialog (alert, confirm, prompt) it opens is dismissed and its message
    recorded in `page.dialogs_seen`: a test of escaping asserts that list stays empty."""
    context = await browser.new_context(viewport=PHONE, device_scale_factor=1)
    tab = await context.new_page()
    tab.dialogs_seen = []

    async def on_dialog(dialog: Any) -> None:
        tab.dialogs_seen.append(dialog.message)
        await dialog.dismiss()

    tab.on("dialog", on_dialog)
    yield tab
    await context.close()


# The bot's fixtures on the session's loop (see tests/conftest.py for what they are).
@pytest_asyncio.fixture(loop_scope="session")
async def database(db_path: Path, migrated_template: str) -> AsyncIterator[str]:
    async with database_copy(db_path, migrated_template) as url:
        yield url


@pytest_asyncio.fixture(loop_scope="session")
async def app(settings: Any, clock: Any) -> AsyncIterator[Any]:
    async with running_app(settings, clock) as application:
        yield application


@pytest_asyncio.fixture(loop_scope="session")
async def harness(app: Any) -> AsyncIterator[Any]:
    async with running_harness(app) as h:
        yield h
