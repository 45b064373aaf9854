"""`python -m bot` — run the bot (Telegram with BOT_TOKEN, else the terminal chat).

    python -m bot                  serve Telegram by long polling, or the terminal chat
    python -m bot console [--user-id N] [--lang xx]
    python -m bot migrate          apply database migrations
    python -m bot genkey           print a new DATA_KEY

Only the Telegram paths import aiogram (which alone costs seconds of CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

from bot.config import ConfigError, Settings, load_settings
from bot.locales import SUPPORTED_LOCALES

NO_TOKEN_HINT = (
    "No BOT_TOKEN set: opening the terminal chat. To connect a real bot, get a token from "
    "@BotFather and put BOT_TOKEN=... in .env (see README)."
)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.command == "genkey":
        from cryptography.fernet import Fernet

        print(Fernet.generate_key().decode("ascii"))
        return 0
    # SIGTERM before polling starts (during imports or migrations) stops as cleanly as Ctrl-C;
    # aiogram installs its own handlers once polling runs.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=settings.LOG_LEVEL, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)  # its plugin chatter on each start
    if args.command in ("console", "migrate") or settings.token is None:
        # The terminal is the chat: keep the line logged for each update out of it.
        logging.getLogger("aiogram.event").setLevel(logging.WARNING)
    try:
        return asyncio.run(dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except ConfigError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import create_app

    if args.command == "migrate":
        app = await create_app(settings)
        await app.close()
        print("Database is up to date.")
        return 0
    app = await create_app(settings)
    try:
        if args.command == "console" or settings.token is None:
            if args.command != "console":
                print(NO_TOKEN_HINT)
            from bot.telegram.console import run_console

            await run_console(app, args.user_id, args.lang)
        else:
            from bot.telegram.polling import serve_polling

            await serve_polling(app, settings.token)
    finally:
        await app.close()
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="AVRR Assistant")
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser("console", help="talk to the bot in this terminal")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("genkey", help="print a new DATA_KEY")
    for target in (parser, console):
        target.add_argument("--user-id", type=int, default=100001, help="who is talking")
        target.add_argument(
            "--lang", choices=SUPPORTED_LOCALES, default=None, help="their Telegram language"
        )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
