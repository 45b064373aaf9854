"""Webhook mode: an aiohttp server (aiogram's webhook helpers) for several bot processes behind
a load balancer and a TLS reverse proxy, on one PostgreSQL database.

- Requests without the right `X-Telegram-Bot-Api-Secret-Token` get 401 and are not processed.
- An update is answered only after it was handled (`handle_in_background=False`): a crash before
  that makes Telegram send it again; an update id already handled is skipped (`processed_updates`).
- One person's updates are handled one at a time across processes (`PersonLock`), and one process
  at a time sends the outbox (`SenderLease`), so Telegram's rate limits hold overall.
- `GET /healthz` answers 200 only while the database answers.
- The staff console (bot.web) is served under `/staff/` by the same server.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any
from urllib.parse import urlparse

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.types import TelegramObject, Update
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.app import App, freeze_start_up_objects
from bot.telegram.entry.factory import (
    build_dispatcher,
    create_bot,
    create_telegram_session,
    create_worker,
)
from bot.telegram.entry.polling import SHUTDOWN_GRACE_SECONDS, register_commands
from bot.telegram.entry.reply_pace import ChatPacer
from bot.telegram.staff.console_files import TelegramFileUpload
from bot.web.console_app import mount_console
from storage.db import is_sqlite
from storage.locks import PersonLock
from storage.repositories.updates import ping

log = logging.getLogger(__name__)
KEEP_PROCESSED = timedelta(days=2)  # Telegram gives up re-sending long before
APP = web.AppKey("avrr_app", App)
DISPATCHER = web.AppKey("avrr_dispatcher", Dispatcher)


class HandleOnce(BaseMiddleware):
    """Skips an update id already handled; records it once handled (inside the person's lock,
    so a re-sent update waits for the first one and then sees it done)."""

    def __init__(self, app: App) -> None:
        self._app = app

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if await self._app.updates.seen(event.update_id):
            return None
        result = await handler(event, data)
        await self._app.updates.record(event.update_id, self._app.clock.now())
        return result


async def forget_old_updates(app: App) -> None:
    await app.updates.forget_before(app.clock.now() - KEEP_PROCESSED)


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP]
    try:
        async with asyncio.timeout(2):
            await ping(app.engine)
    except Exception:  # any failure means: not healthy
        return web.Response(status=503, text="database unreachable")
    return web.Response(text="ok")


def build_web_app(app: App, bot: Bot) -> web.Application:
    settings = app.settings
    isolation = None if is_sqlite(settings.DATABASE_URL) else PersonLock(settings.DATABASE_URL)
    dp = build_dispatcher(app, events_isolation=isolation)
    dp.update.outer_middleware(HandleOnce(app))
    web_app = web.Application()
    web_app[APP] = app
    web_app[DISPATCHER] = dp
    secret = settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else None
    path = urlparse(settings.WEBHOOK_URL or "").path or "/webhook"
    handler = SimpleRequestHandler(
        dispatcher=dp, bot=bot, secret_token=secret, handle_in_background=False
    )
    # Not handler.register(): that would close the bot's HTTP session on shutdown, while updates
    # still being handled need it (they would fail and the person get an apology).
    web_app.router.add_post(path, handler.handle)
    web_app.router.add_get("/healthz", healthz)
    # The staff console, under /staff.
    mount_console(web_app, app, bot_token=bot.token, upload=TelegramFileUpload(bot))
    return web_app


async def serve_webhook(app: App, token: str) -> None:
    settings = app.settings
    session = create_telegram_session(settings.TELEGRAM_API_URL)
    bot = create_bot(token, session, pacer=ChatPacer())
    web_app = build_web_app(app, bot)
    dp = web_app[DISPATCHER]
    worker = create_worker(app, bot)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)

    await register_commands(bot, app.catalogs, settings.DEFAULT_LOCALE, settings.STAFF_USER_IDS)
    secret = settings.WEBHOOK_SECRET.get_secret_value() if settings.WEBHOOK_SECRET else None
    await bot.set_webhook(
        settings.WEBHOOK_URL or "",
        secret_token=secret,
        allowed_updates=dp.resolve_used_update_types(),
    )
    # cleanup() stops listening, then waits up to the grace period for requests being handled.
    # No access log: the console's addresses carry one-time sign-in tokens and case references.
    runner = web.AppRunner(web_app, shutdown_timeout=SHUTDOWN_GRACE_SECONDS, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.WEBHOOK_HOST, settings.WEBHOOK_PORT)
    await site.start()
    log.info("serving webhooks on %s:%s", settings.WEBHOOK_HOST, settings.WEBHOOK_PORT)
    freeze_start_up_objects()
    worker_task = asyncio.create_task(worker.run_forever(stop))
    try:
        await stop.wait()
    finally:
        await runner.cleanup()  # no new requests; those in flight finish
        await worker_task
        await forget_old_updates(app)
        await bot.session.close()
