"""The browser test infrastructure, proved on a tiny page: Debian's Chromium opens an Arabic
page served on 127.0.0.1 (right to left, with the Arabic chart of /stats), screenshots it at
phone and desktop widths, finds no horizontal overflow, and no script runs from a name that is
markup. Each check is also shown to fail when it should (so a green run means something)."""

from __future__ import annotations

import html

import pytest
from aiohttp import web

from bot.i18n import Catalogs
from tests.browser.support import SCREENSHOTS, assert_no_horizontal_overflow, screenshot, serve
from tests.unit.test_charts_arabic import report

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="session")]

HOSTILE_NAME = "<img src=x onerror=alert(1)>"


def arabic_page(name: str, *, escape: bool = True, extra: str = "") -> str:
    t = Catalogs()["ar"]
    shown = html.escape(name) if escape else name
    return f"""<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(t.gettext("From registration to return"))}</title>
<style>
  body {{ font-family: "DejaVu Sans", sans-serif; margin: 1rem; }}
  img.chart {{ max-width: 100%; height: auto; display: block; }}
</style>
</head>
<body>
<h1>{html.escape(t.gettext("From registration to return"))}</h1>
<p class="person">{shown}</p>
<img class="chart" src="/chart.png" alt="">
{extra}
</body>
</html>"""


def application(pages: dict[str, str]) -> web.Application:
    from bot.presentation.charts import funnel_chart

    t = Catalogs()["ar"]
    chart = funnel_chart(report(), t, t.gettext("From registration to return"))

    async def page(request: web.Request) -> web.Response:
        return web.Response(text=pages[request.path], content_type="text/html")

    async def png(request: web.Request) -> web.Response:
        return web.Response(body=chart, content_type="image/png")

    app = web.Application()
    app.router.add_get("/chart.png", png)
    for path in pages:
        app.router.add_get(path, page)
    return app


async def test_an_arabic_page_is_right_to_left_readable_on_a_phone_and_runs_no_markup(page):
    async with serve(application({"/": arabic_page(HOSTILE_NAME)})) as base:
        await page.goto(base + "/")
        assert await page.evaluate("document.documentElement.dir") == "rtl"
        assert await page.locator("p.person").text_content() == HOSTILE_NAME  # text, not markup
        assert await page.locator("img[src='x']").count() == 0
        await page.wait_for_function(
            "document.querySelector('img.chart').complete"
            " && document.querySelector('img.chart').naturalWidth > 0"
        )
        assert await page.evaluate("document.querySelector('img.chart').naturalWidth") == 960
        paths = await screenshot(page, "infrastructure-arabic-chart")
        assert [p.name for p in paths] == [
            "infrastructure-arabic-chart-phone.png",
            "infrastructure-arabic-chart-desktop.png",
        ]
        assert all(p.parent == SCREENSHOTS and p.stat().st_size > 10_000 for p in paths)
        await assert_no_horizontal_overflow(page)
        assert page.viewport_size == {"width": 390, "height": 844}  # left as it was
    assert page.dialogs_seen == []


async def test_the_checks_catch_what_they_are_for(page):
    """The same page with the name inserted unescaped, and a box wider than a phone: the
    dialog fires and is recorded, and the overflow check fails naming the box."""
    wide = '<div id="wide" style="width: 900px">—</div>'
    pages = {"/unsafe": arabic_page(HOSTILE_NAME, escape=False, extra=wide)}
    async with serve(application(pages)) as base:
        await page.goto(base + "/unsafe")
        await page.wait_for_function("document.readyState === 'complete'")
        await page.wait_for_timeout(100)  # the broken image's error event
        assert page.dialogs_seen == ["1"]
        with pytest.raises(AssertionError, match="div#wide"):
            await assert_no_horizontal_overflow(page)


async def test_the_bots_own_fixtures_run_on_the_browsers_loop(harness, page):
    """A browser test can drive the bot (the in-process Bot API) and a page in one test: what
    the console's browser tests do."""
    person = harness.person(7001, "ar")
    await person.send("/start")
    shown = person.last_text()
    assert shown
    await page.set_content(f'<html dir="rtl"><body><p id="said">{html.escape(shown)}</p></body>')
    assert await page.locator("#said").inner_text() != ""
    assert page.dialogs_seen == []
