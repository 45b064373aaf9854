"""Serve Telegram by long polling until SIGINT/SIGTERM; in-flight updates finish first."""

from __future__ import annotations

import asyncio
import logging

from aiogram import Bot
from aiogram.types import BotCommand, BotCommandScopeChat

from bot.app import App, freeze_start_up_objects
from bot.i18n import N_, Catalogs
from bot.locales import SUPPORTED_LOCALES
from bot.telegram.entry.factory import (
    build_dispatcher,
    create_bot,
    create_telegram_session,
    create_worker,
)
from bot.telegram.entry.inflight import InFlight
from bot.telegram.entry.reply_pace import ChatPacer
from bot.telegram.staff.console_files import TelegramFileUpload
from bot.web.console_app import start_console_server

log = logging.getLogger(__name__)
SHUTDOWN_GRACE_SECONDS = 30

PUBLIC_COMMANDS = (
    ("start", N_("Main menu")),
    ("help", N_("How this bot works")),
    ("language", N_("Change the language")),
    ("cancel", N_("Stop and go back to the menu")),
    ("mydata", N_("See the data the bot keeps about me")),
    ("delete", N_("Delete my data")),
)
STAFF_COMMANDS = (
    ("case", N_("Open a case: /case MA-2026-000042")),
    ("cases", N_("Recent cases, by status or office")),
    ("slots", N_("Interview slots: publish, see, remove")),
    ("inbox", N_("Open conversations with people")),
    ("returned", N_("Mark a case returned: /returned MA-2026-000042")),
    ("stats", N_("The programme's figures")),
    ("export", N_("Export records as CSV")),
    ("console", N_("Open the staff console (a sign-in link)")),
)


def command_list(
    catalogs: Catalogs, locale: str, commands: tuple[tuple[str, str], ...] = PUBLIC_COMMANDS
) -> list[BotCommand]:
    t = catalogs[locale]
    return [BotCommand(command=name, description=t(text)) for name, text in commands]


async def register_commands(
    bot: Bot, catalogs: Catalogs, default_locale: str, staff_ids: frozenset[int] = frozenset()
) -> None:
    """setMyCommands once per language, the default list for everyone else, and for each staff
    member's private chat the list with the staff commands."""
    await bot.set_my_commands(command_list(catalogs, default_locale))
    for locale in SUPPORTED_LOCALES:
        await bot.set_my_commands(command_list(catalogs, locale), language_code=locale)
    staff_list = command_list(catalogs, default_locale, PUBLIC_COMMANDS + STAFF_COMMANDS)
    for staff_id in sorted(staff_ids):
        await bot.set_my_commands(staff_list, scope=BotCommandScopeChat(chat_id=staff_id))


async def serve_polling(app: App, token: str) -> None:
    session = create_telegram_session(app.settings.TELEGRAM_API_URL)
    bot = create_bot(token, session, pacer=ChatPacer())
    in_flight = InFlight()
    dp = build_dispatcher(app)
    dp.update.outer_middleware(in_flight)

    worker = create_worker(app, bot)
    stop = asyncio.Event()
    worker_task = asyncio.create_task(worker.run_forever(stop))
    # The staff console, on its own server.
    console = await start_console_server(app, bot_token=token, upload=TelegramFileUpload(bot))

    async def on_shutdown() -> None:
        stop.set()  # first: the worker takes nothing new while updates in flight finish
        await console.cleanup()  # no new console requests; those in flight finish
        if not await in_flight.wait_idle(SHUTDOWN_GRACE_SECONDS):
            log.warning("stopping with updates still in flight after %ss", SHUTDOWN_GRACE_SECONDS)
        await worker_task

    dp.shutdown.register(on_shutdown)
    me = await bot.get_me()
    log.info("serving Telegram as @%s by long polling", me.username)
    await register_commands(
        bot, app.catalogs, app.settings.DEFAULT_LOCALE, app.settings.STAFF_USER_IDS
    )
    freeze_start_up_objects()
    await dp.start_polling(bot, handle_signals=True, close_bot_session=True)
