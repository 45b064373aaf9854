"""Helpers for browser tests: screenshots at phone and desktop widths into test-artifacts/
(left behind by the run, gitignored), the horizontal-overflow check, and a throwaway server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from aiohttp import web

from tests.support import ARTIFACTS

SCREENSHOTS = ARTIFACTS / "screenshots"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 800)}


async def screenshot(page: Any, name: str) -> list[Path]:
    """Save the whole page at phone (390×844) and desktop (1280×800) widths as
    test-artifacts/screenshots/<name>-phone.png and <name>-desktop.png; the page is left at
    the size it had."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    paths = []
    for label, (width, height) in WIDTHS.items():
        await page.set_viewport_size({"width": width, "height": height})
        path = SCREENSHOTS / f"{name}-{label}.png"
        await page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    if before:
        await page.set_viewport_size(before)
    return paths


async def assert_no_horizontal_overflow(page: Any) -> None:
    """At phone width (390 px) nothing may make the page scroll sideways; on failure the
    message names the elements that stick out."""
    before = page.viewport_size
    width, height = WIDTHS["phone"]
    await page.set_viewport_size({"width": width, "height": height})
    try:
        scroll_width, inner_width, culprits = await page.evaluate(
            """() => {
                const inner = window.innerWidth;
                const out = [...document.querySelectorAll("body *")]
                    .filter((e) => {  // right to left, what sticks out goes left
                        const box = e.getBoundingClientRect();
                        return box.right > inner + 0.5 || box.left < -0.5;
                    })
                    .slice(0, 5)
                    .map((e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
                        + (e.className && typeof e.className === "string"
                            ? "." + e.className.trim().split(/\\s+/).join(".") : ""));
                return [document.scrollingElement.scrollWidth, inner, out];
            }"""
        )
    finally:
        if before:
            await page.set_viewport_size(before)
    assert scroll_width <= inner_width, (
        f"horizontal overflow at phone width: the page is {scroll_width}px wide in a "
        f"{inner_width}px window; sticking out: {culprits}"
    )


def loopback_socket() -> socket.socket:
    """A listening-ready socket on 127.0.0.1, on a free port, for `serve(app, sock)`: its port is
    known before the server starts (to put it in settings) and nobody can take it meanwhile."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    return sock


@asynccontextmanager
async def serve(app: web.Application, sock: socket.socket | None = None) -> AsyncIterator[str]:
    """Run an aiohttp application on 127.0.0.1, on a free port (or on `sock`, from
    `loopback_socket()`); yields its base URL."""
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.SockSite(runner, sock) if sock else web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()
