"""End to end: the real `python -m bot` process serving Telegram by long polling.

The Bot API is `FakeBotApiServer` on 127.0.0.1. The process is stopped with SIGTERM, then a
new one on the same database answers a button of the old menu message: dialog state survives
a restart.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.i18n import Catalogs
from bot.telegram.entry.polling import PUBLIC_COMMANDS
from tests.e2e.bot_api_server import FakeBotApiServer
from tests.support import TEST_DATA_KEY

# The bot runs as a separate process on a SQLite file here.
pytestmark = pytest.mark.sqlite_only

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "123456789:" + "A" * 35
USER = 555
START_TIMEOUT = 30  # importing aiogram alone takes seconds on a slow machine
STOP_TIMEOUT = 15

# Msgids copied from dialogs/menu/dialog.py (the msgids are the English texts).
MENU_MSGID = "Choose what you need:"
HELP_BUTTON_MSGID = "❓ How this bot works"
HELP_MSGID = "/cancel – stop what you are doing and go back to the menu"
LOCALES = ("en", "fr", "ar", "es", "pt")


class BotProcess:
    """`python -m bot` in the repository root, its output in files under `folder`."""

    def __init__(self, api_url: str, db_path: Path, folder: Path, name: str) -> None:
        self.env = {
            **os.environ,
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": api_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
            "DEFAULT_LOCALE": "en",
            "DATA_KEY": TEST_DATA_KEY,
            "LOG_LEVEL": "INFO",
            # Empty values beat a developer's .env: the test depends on no local setting.
            "STAFF_CHAT_ID": "",
            "STAFF_USER_IDS": "",
            "PYTHONUNBUFFERED": "1",
        }
        self.stdout_path = folder / f"{name}.stdout"
        self.stderr_path = folder / f"{name}.stderr"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                cwd=ROOT,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=out,
                stderr=err,
            )

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    async def stop(self, sig: signal.Signals) -> int:
        assert self.proc is not None
        assert self.proc.returncode is None, f"the bot died early:\n{self.stderr}"
        self.proc.send_signal(sig)
        try:
            return await asyncio.wait_for(self.proc.wait(), STOP_TIMEOUT)
        except TimeoutError:
            message = f"no exit {STOP_TIMEOUT}s after {sig.name}:\n{self.stderr}"
            raise AssertionError(message) from None

    async def kill(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


@pytest.fixture
async def server() -> AsyncIterator[FakeBotApiServer]:
    async with FakeBotApiServer() as fake:
        yield fake


def buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [button for row in rows for button in row]


def button(message: dict[str, Any], text: str) -> dict[str, Any]:
    found = [b for b in buttons(message) if b["text"] == text]
    assert found, f"no button {text!r} among {[b['text'] for b in buttons(message)]}"
    return found[0]


def assert_commands_registered(server: FakeBotApiServer, starts: int) -> None:
    calls = server.calls_of("setMyCommands")
    codes = Counter(call.get("language_code") for call in calls)
    assert codes == Counter({code: starts for code in (None, *LOCALES)}), codes
    catalogs = Catalogs()
    for call in calls:
        t = catalogs[call.get("language_code") or "en"]
        expected = [
            {"command": name, "description": t.gettext(text)} for name, text in PUBLIC_COMMANDS
        ]
        assert call["commands"] == expected


@pytest.mark.slow  # a real process at Telegram's real pace
async def test_polling_process_serves_stops_cleanly_and_resumes_dialogs(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    fr = Catalogs()["fr"]
    db_path = tmp_path / "e2e.db"

    # a. First contact: the language picker, then the menu in the language picked.
    first = BotProcess(server.url, db_path, tmp_path, "first")
    try:
        await first.start()
        server.push_message(USER, "/start", language_code="fr")
        picker = await server.wait_for_bot_message(
            USER, lambda m: len(buttons(m)) == 5, timeout=START_TIMEOUT
        )
        texts = [b["text"] for b in buttons(picker)]
        assert "Français" in texts and "العربية" in texts, texts

        query = server.push_callback(USER, picker, button(picker, "Français")["callback_data"])
        menu = await server.wait_for_bot_message(
            USER, lambda m: fr.gettext(MENU_MSGID) in m["text"]
        )
        assert menu["message_id"] == picker["message_id"], "the picker is edited into the menu"
        await server.wait_until(lambda: query in server.callback_answers, timeout=10)
        assert_commands_registered(server, starts=1)
        # Telegram forgets an update only when a later getUpdates confirms it (its offset).
        await server.wait_until(lambda: server.unconfirmed == 0, timeout=10)

        # b. SIGTERM: polling stops, in-flight work finishes, exit code 0.
        assert await first.stop(signal.SIGTERM) == 0, first.stderr
        assert "Traceback" not in first.stderr, first.stderr
    finally:
        await first.kill()

    # c. A new process, same database: a button of the old menu still works, no /start needed.
    second = BotProcess(server.url, db_path, tmp_path, "second")
    try:
        await second.start()
        old_menu = next(m for m in server.messages(USER) if m["message_id"] == menu["message_id"])
        help_button = button(old_menu, fr.gettext(HELP_BUTTON_MSGID))
        query = server.push_callback(USER, old_menu, help_button["callback_data"])
        help_screen = await server.wait_for_bot_message(
            USER, lambda m: fr.gettext(HELP_MSGID) in m["text"], timeout=START_TIMEOUT
        )
        assert help_screen["message_id"] == menu["message_id"], "the old menu is edited in place"
        await server.wait_until(lambda: query in server.callback_answers, timeout=10)
        assert len(server.bot_messages(USER)) == 1, server.bot_messages(USER)
        assert_commands_registered(server, starts=2)
        await server.wait_until(lambda: server.unconfirmed == 0, timeout=10)

        assert await second.stop(signal.SIGINT) == 0, second.stderr
        assert "Traceback" not in second.stderr, second.stderr
    finally:
        await second.kill()


def test_french_catalog_translates_the_screens_above() -> None:
    """The test above compares with the French catalog; this checks the catalog is French."""
    fr = Catalogs()["fr"]
    untranslated = [m for m in (MENU_MSGID, HELP_BUTTON_MSGID, HELP_MSGID) if fr.gettext(m) == m]
    assert not untranslated, f"no French translation yet for: {untranslated}"


STAFF_CHAT = -1007770001


@pytest.mark.slow  # a real process at Telegram's real pace
async def test_a_whole_registration_over_http_reaches_the_staff_chat(
    server: FakeBotApiServer, tmp_path: Path
) -> None:
    """Language, consent, name, a country found by typing, the phone step (a keyboard under the
    input field, which Telegram never returns inside the Message), the buttons to Confirm: the
    reference is shown, the staff chat gets the notice, and the name is stored sealed."""
    fr = Catalogs()["fr"]
    db_path = tmp_path / "e2e.db"
    process = BotProcess(server.url, db_path, tmp_path, "registration")
    process.env["STAFF_CHAT_ID"] = str(STAFF_CHAT)

    def screen(msgid: str) -> Any:
        return server.wait_for_bot_message(
            USER, lambda m: fr.gettext(msgid) in m["text"] and bool(buttons(m)), timeout=20
        )

    def press(message: dict[str, Any], msgid: str) -> None:
        server.push_callback(USER, message, button(message, fr.gettext(msgid))["callback_data"])

    try:
        await process.start()
        server.push_message(USER, "/start", language_code="fr")
        picker = await server.wait_for_bot_message(
            USER, lambda m: len(buttons(m)) == 5, timeout=START_TIMEOUT
        )
        server.push_callback(USER, picker, button(picker, "Français")["callback_data"])
        press(await screen(MENU_MSGID), "📝 Register my interest")
        press(await screen("<b>Register your interest</b>"), "✅ I agree")
        await screen("What is your name? You can write the name you want to be called.")
        server.push_message(USER, "Awa Diallo", language_code="fr")
        await screen("What is your country of origin?")
        server.push_message(USER, "guin", language_code="fr")
        found = await server.wait_for_bot_message(USER, lambda m: "🔎 guin" in m["text"])
        server.push_callback(USER, found, button(found, "Guinée")["callback_data"])
        where = await screen("Where are you now?")
        server.push_callback(USER, where, button(where, "Rabat")["callback_data"])  # a place name
        await server.wait_until(lambda: USER in server.reply_keyboards, timeout=20)
        server.push_message(USER, "0612345678", language_code="fr")
        press(await screen("Gender:"), "Woman")
        press(await screen("Age group:"), "26–35")
        press(await screen("Passport:"), "No passport")
        companions = await screen("How many people travel with you? (0 if you travel alone)")
        server.push_callback(USER, companions, button(companions, "0")["callback_data"])
        needs = await screen(
            "Is there something the office should know? Choose all that apply, then press Continue."
        )
        press(needs, "Continue ➡️")
        languages = await screen("In which language should staff contact you?")
        server.push_callback(USER, languages, button(languages, "Français")["callback_data"])
        press(await screen("<b>Please check your answers</b>"), "✅ Confirm")
        done = await server.wait_for_bot_message(USER, lambda m: "MA-20" in m["text"], timeout=20)
        notice = await server.wait_for_bot_message(STAFF_CHAT, lambda m: "MA-20" in m["text"])
        assert USER not in server.reply_keyboards  # the phone step's keyboard went away
        assert await process.stop(signal.SIGTERM) == 0, process.stderr
        assert "Traceback" not in process.stderr, process.stderr
    finally:
        await process.kill()
    reference = done["text"].split("<b>MA-")[1].split("</b>")[0]
    assert f"MA-{reference}" in notice["text"]
    with sqlite3.connect(db_path) as db:
        name, phone = db.execute("select name_enc, phone_enc from registrations").fetchone()
    assert name.startswith("v2:") and phone.startswith("v2:") and "Awa" not in name
