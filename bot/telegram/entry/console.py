"""The terminal chat: the real dispatcher, dialogs and database, with the network replaced by
`LocalBotAPI`. Type a button's number to press it, or any text to send it.

Works with piped input too: one line per action, and the next line is read only after the bot
has answered the previous one.
"""

from __future__ import annotations

import asyncio
import html
import re
import sys
from typing import Any, TextIO

from bot.app import App
from bot.telegram.entry.factory import LOCAL_TOKEN, build_dispatcher, create_bot, create_worker
from bot.telegram.entry.local_api import ApiEvent, LocalBotAPI
from bot.telegram.entry.local_client import LocalPerson
from bot.telegram.entry.reply_pace import ChatPacer

HELP = (
    "Terminal chat. Type a button's number to press it, any other text (or a number larger\n"
    "than the count of buttons, e.g. a phone number) to send it.\n"
    "  'text   sends text that is only digits (e.g. '3)\n"
    "  :sticker :photo :voice :document   send that kind of message\n"
    "  :contact +212600000000             share a phone number\n"
    "  :quit                              leave (Ctrl-D works too)"
)
_TAGS = re.compile(r"<[^>]+>")


def plain(text: str) -> str:
    """Telegram HTML as a terminal shows it."""
    return html.unescape(_TAGS.sub("", text))


def _buttons_removed_only(event: ApiEvent) -> bool:
    """aiogram-dialog removes the buttons of a screen it replaces: not worth printing. An edit
    that changes the buttons (calendar month, a ✅ toggle) is printed, so that the numbers typed
    match the keyboard on screen."""
    if event.kind != "edit" or event.previous is None or event.message is None:
        return False
    same_text = event.previous.get("text") == event.message.get("text")
    return same_text and not event.message.get("reply_markup")


class ConsolePrinter:
    def __init__(self, out: TextIO, person_chat_id: int) -> None:
        self.out = out
        self.person_chat_id = person_chat_id

    def __call__(self, event: ApiEvent) -> None:
        if event.kind == "answer":
            self.out.write(f"  (notice) {plain(event.text or '')}\n")
        elif event.kind == "delete" or _buttons_removed_only(event):
            return
        else:
            self._message(event)
        self.out.flush()

    def _message(self, event: ApiEvent) -> None:
        message: dict[str, Any] = event.message or {}
        where = "" if event.chat_id == self.person_chat_id else f" → chat {event.chat_id}"
        label = "bot (edited)" if event.kind == "edit" else "bot"
        lines = [f"┌─ {label}{where} " + "─" * max(4, 40 - len(label) - len(where))]
        body = message.get("text") or message.get("caption") or ""
        if "document" in message:
            lines.append(f"📎 {message['document'].get('file_name', 'file')}")
        if "photo" in message:
            lines.append("🖼 (picture)")
        if "voice" in message:
            lines.append("🎤 (voice message)")
        lines.extend(plain(body).splitlines() or [""])
        if where == "":
            lines.extend(self._buttons(message))
        lines.append("└" + "─" * 44)
        prefix = "" if where == "" else "[other chat] "
        self.out.write("\n".join(prefix + line for line in lines) + "\n")

    @staticmethod
    def _buttons(message: dict[str, Any]) -> list[str]:
        markup = message.get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        lines, number = [], 0
        for row in rows:
            cells = []
            for button in row:
                number += 1
                cells.append(f"[{number}] {button['text']}")
            lines.append("  " + "   ".join(cells))
        return lines


async def run_console(
    app: App,
    user_id: int,
    language_code: str | None,
    stdin: TextIO = sys.stdin,
    out: TextIO = sys.stdout,
) -> None:
    api = LocalBotAPI(on_event=ConsolePrinter(out, user_id))
    bot = create_bot(LOCAL_TOKEN, api, pacer=ChatPacer())
    dp = build_dispatcher(app)
    person = LocalPerson(dp, bot, api, user_id=user_id, language_code=language_code)
    worker = create_worker(app, bot)
    await worker.start()
    # The staff console too, so that /console's link opens (WEB_HOST:WEB_PORT); no Mini App
    # sign-in here (there is no bot token), the one-time link works.
    from bot.telegram.staff.console_files import TelegramFileUpload
    from bot.web.console_app import start_console_server

    web_console = await start_console_server(app, bot_token=None, upload=TelegramFileUpload(bot))
    out.write(HELP + "\n\n")
    await person.send("/start")
    while True:
        line = await asyncio.to_thread(stdin.readline)
        if not line:
            break
        line = line.rstrip("\n")
        if not stdin.isatty():
            out.write(f"> {line}\n")
        if line.strip() == ":quit":
            break
        await act(person, line, out)
        await worker.run_once()  # staff notifications show up right after the action
    await web_console.cleanup()
    await bot.session.close()


def _button_number(person: LocalPerson, text: str) -> int | None:
    """A typed number addresses a button only up to the count shown: 0612345678 is text."""
    if not text.isdigit() or len(text) > 3:
        return None
    message = person.last_with_keyboard()
    count = len(person.buttons(message)) if message is not None else 0
    number = int(text)
    return number if 1 <= number <= count else None


async def act(person: LocalPerson, line: str, out: TextIO) -> None:
    stripped = line.strip()
    number = _button_number(person, stripped)
    if number is not None:
        try:
            await person.press(number)
        except LookupError as error:
            out.write(f"  ({error})\n")
        return
    media = {
        ":sticker": person.send_sticker,
        ":photo": person.send_photo,
        ":voice": person.send_voice,
        ":document": person.send_document,
    }
    if stripped in media:
        await media[stripped]()
    elif stripped.startswith(":contact"):
        await person.send_contact(stripped.removeprefix(":contact").strip() or "+212600000000")
    elif stripped == ":help":
        out.write(HELP + "\n")
    else:
        await person.send(line[1:] if line.startswith("'") else line)
