"""A file attached to an answer in the staff console, made into a Telegram file id.

The console receives the file's bytes; the outbox relays answers by Telegram file id (as a file
replied in the staff group). So the file is first sent to the staff member's own private chat,
as their copy, and its file id is what the answer carries: the person receives it through the
outbox like any staff reply, never from here.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile

from bot.i18n import Translator


class TelegramFileUpload:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def __call__(
        self, staff_id: int, filename: str, data: bytes, reference: str, t: Translator
    ) -> str | None:
        """The file id, or None when Telegram gave none."""
        message = await self._bot.send_document(
            staff_id,
            BufferedInputFile(data, filename=filename),
            caption=t.gettext(
                "Your file for the person of case {reference}, sent from the console.",
                reference=reference,
            ),
        )
        return message.document.file_id if message.document else None
