"""`python -m bot` — run the bot (Telegram with BOT_TOKEN, else the terminal chat).

    python -m bot                  serve Telegram by long polling, or the terminal chat
    python -m bot console [--user-id N] [--lang xx]
    python -m bot migrate          apply database migrations
    python -m bot genkey           print a new DATA_KEY (make genkey does the same)
    python -m bot purge [--dry-run]   erase data past RETENTION_MONTHS (the worker does it daily)
    python -m bot rotate-key [--new-key KEY]   re-encrypt the data with a new key (README)

Only the Telegram paths import aiogram (which alone costs seconds of CPU).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from datetime import date

from bot.config import ConfigError, Settings, load_settings, sqlite_path
from bot.locales import SUPPORTED_LOCALES
from storage.process_lock import DatabaseInUseError, ProcessLock, lock_database

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
    except DatabaseInUseError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return 3


# The commands that write as the bot does: on SQLite, one process at a time (README, "One
# process per SQLite file").
SINGLE_PROCESS_COMMANDS = frozenset({None, "console", "rotate-key", "purge"})


def lock_if_sqlite(
    command: str | None, settings: Settings, *, dry_run: bool = False
) -> ProcessLock | None:
    if command not in SINGLE_PROCESS_COMMANDS or dry_run:
        return None
    return lock_database(sqlite_path(settings.DATABASE_URL))


async def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    from bot.app import create_app

    if args.command == "migrate":
        app = await create_app(settings)
        await app.close()
        print("Database is up to date.")
        return 0
    if args.command in ("stats", "seed"):
        return await run_report_command(args, settings)
    if args.command in ("purge", "rotate-key"):
        return await run_maintenance(args, settings)
    process_lock = lock_if_sqlite(args.command, settings)
    app = await create_app(settings)
    try:
        if args.command == "console" or settings.token is None:
            if args.command != "console":
                print(NO_TOKEN_HINT)
            from bot.telegram.entry.console import run_console

            await run_console(app, args.user_id, args.lang)
        elif settings.WEBHOOK_URL:
            from bot.telegram.entry.webhook import serve_webhook

            await serve_webhook(app, settings.token)
        else:
            from bot.telegram.entry.polling import serve_polling

            await serve_polling(app, settings.token)
    finally:
        await app.close()
        if process_lock is not None:
            process_lock.release()
    return 0


async def run_report_command(args: argparse.Namespace, settings: Settings) -> int:
    """stats and seed: domain, services and storage only (no aiogram: it starts fast)."""
    from bot.app import create_app
    from bot.domain.stats import Period

    app = await create_app(settings)
    try:
        if args.command == "seed":
            from bot.services.seed import seed

            written = await seed(app.uow, registrations=args.registrations, year=args.year)
            print(f"Seeded {sum(written.values())} registrations for {args.year}.")
            return 0
        from bot.presentation.reports import report_csv, report_json, report_table

        if args.office and args.office not in {o.id for o in app.offices}:
            print(f"Unknown office {args.office!r}", file=sys.stderr)
            return 2
        report = await app.stats.report(Period(args.start, args.end), args.office)
        render = {"table": report_table, "csv": report_csv, "json": report_json}[args.format]
        print(render(report, exact=args.exact))
        return 0
    finally:
        await app.close()


async def run_maintenance(args: argparse.Namespace, settings: Settings) -> int:
    """purge and rotate-key: on SQLite, only while no bot process runs (but a dry run)."""
    lock = lock_if_sqlite(args.command, settings, dry_run=getattr(args, "dry_run", False))
    try:
        if args.command == "purge":
            return await purge(args, settings)
        return await rotate_key(args, settings)
    finally:
        if lock is not None:
            lock.release()


async def purge(args: argparse.Namespace, settings: Settings) -> int:
    """The retention purge now (the bot's worker does it daily); --dry-run only lists."""
    from bot.app import create_app

    app = await create_app(settings)
    try:
        found = await (app.retention.due() if args.dry_run else app.retention.purge())
    finally:
        await app.close()
    verb = "would be erased" if args.dry_run else "erased"
    months = settings.RETENTION_MONTHS
    print(f"{len(found)} people {verb} (cases ended more than {months} months ago):")
    for item in found:
        print(f"  {' '.join(item.references)}  ended {item.ended_at:%Y-%m-%d}")
    return 0


async def rotate_key(args: argparse.Namespace, settings: Settings) -> int:
    """Re-encrypt every encrypted value with a new key (stop the bot first; resumable)."""
    import os

    from bot.config import _is_fernet_key, data_key
    from storage.db import create_engine
    from storage.key_check import DataKeyError, rotate_data_key
    from storage.migrate import migrate

    new_key = (args.new_key or os.environ.get("NEW_DATA_KEY", "")).strip()
    if not _is_fernet_key(new_key):
        print(
            "rotate-key: give the new key (from `make genkey`) as --new-key KEY or NEW_DATA_KEY",
            file=sys.stderr,
        )
        return 2
    engine = create_engine(settings.DATABASE_URL)
    try:
        await migrate(engine)
        total = await rotate_data_key(engine, data_key(settings), new_key, report=print)
    except DataKeyError as error:
        print(f"rotate-key: {error}", file=sys.stderr)
        return 2
    finally:
        await engine.dispose()
    print(f"Done: {total} values re-encrypted. Now set DATA_KEY to the new key and start the bot.")
    return 0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description="AVRR Assistant")
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser("console", help="talk to the bot in this terminal")
    sub.add_parser("migrate", help="apply database migrations and exit")
    sub.add_parser("genkey", help="print a new DATA_KEY")
    purge_cmd = sub.add_parser(
        "purge", help="erase the data of people past RETENTION_MONTHS (the worker does it daily)"
    )
    purge_cmd.add_argument("--dry-run", action="store_true", help="only list what would go")
    rotate = sub.add_parser(
        "rotate-key", help="re-encrypt the data with a new key (the bot stopped; resumable)"
    )
    rotate.add_argument(
        "--new-key", default=None, help="the new key (default: the NEW_DATA_KEY variable)"
    )
    stats = sub.add_parser("stats", help="the programme's figures, for reporting scripts")
    stats.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
    stats.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
    stats.add_argument("--format", choices=("table", "csv", "json"), default="table")
    stats.add_argument("--office", default=None, help="an office id (default: all)")
    stats.add_argument(
        "--exact", action="store_true", help="show counts under 5 (default: shown as <5)"
    )
    seed = sub.add_parser("seed", help="write a synthetic year of data (never in production)")
    seed.add_argument("--registrations", type=int, default=3000)
    seed.add_argument("--year", type=int, default=2026)
    for target in (parser, console):
        target.add_argument("--user-id", type=int, default=100001, help="who is talking")
        target.add_argument(
            "--lang", choices=SUPPORTED_LOCALES, default=None, help="their Telegram language"
        )
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
