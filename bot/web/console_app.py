"""The console's aiohttp application, on the App's services (no second copy of any rule).

Mounted under /staff: on the webhook server (bot.telegram.entry.webhook) or, with long
polling, on its own server at WEB_HOST:WEB_PORT (`start_console_server`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from aiohttp import web

from bot.app import App
from bot.web import PREFIX
from bot.web.access import CONSOLE, Console, FileUpload, security_headers
from bot.web.pages import PAGES
from bot.web.rendering import create_environment

log = logging.getLogger(__name__)
STATIC = Path(__file__).resolve().parent / "static"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a file attached to an answer (Telegram takes 50 MB)


def build_console_app(
    app: App, *, bot_token: str | None, upload: FileUpload | None = None
) -> web.Application:
    """The console. `bot_token` checks Mini App sign-ins (None: only /console links work);
    `upload` turns files attached to answers into Telegram file ids (None: text only)."""
    public = app.settings.WEB_PUBLIC_URL
    console = web.Application(client_max_size=MAX_UPLOAD_BYTES + 64 * 1024)
    console[CONSOLE] = Console(
        app=app,
        templates=create_environment(),
        bot_token=bot_token,
        secure_cookie=bool(public and public.startswith("https://")),
        upload=upload,
    )
    console.on_response_prepare.append(security_headers)
    for page in PAGES:
        page.add_routes(console.router)
    console.router.add_static("/static/", STATIC, append_version=False)
    return console


def mount_console(
    parent: web.Application, app: App, *, bot_token: str | None, upload: FileUpload | None = None
) -> None:
    # "/staff" without its slash: before the console, whose prefix would take it and find nothing.
    parent.router.add_get(PREFIX, _to_the_console)
    parent.add_subapp(PREFIX, build_console_app(app, bot_token=bot_token, upload=upload))


async def _to_the_console(request: web.Request) -> web.Response:
    return web.Response(status=308, headers={"Location": f"{PREFIX}/"})


async def start_console_server(
    app: App, *, bot_token: str | None, upload: FileUpload | None = None
) -> web.AppRunner:
    """Long polling: the console on its own server; `await runner.cleanup()` stops it.

    If its address is taken, the console is not served (one error line) but the bot goes on
    serving people: their service must not stop for the staff's web page."""
    root = web.Application()
    mount_console(root, app, bot_token=bot_token, upload=upload)
    # No access log: the console's addresses carry one-time sign-in tokens and case references.
    runner = web.AppRunner(root, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, app.settings.WEB_HOST, app.settings.WEB_PORT)
    try:
        await site.start()
    except OSError as error:
        log.error(
            "staff console not served: cannot listen on %s:%s (%s); set WEB_HOST/WEB_PORT",
            app.settings.WEB_HOST,
            app.settings.WEB_PORT,
            error.strerror or error,
        )
        return runner
    log.info(
        "staff console on http://%s:%s%s/", app.settings.WEB_HOST, app.settings.WEB_PORT, PREFIX
    )
    return runner
