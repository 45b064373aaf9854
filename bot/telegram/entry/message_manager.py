"""aiogram-dialog's message manager, with one change: a reply keyboard goes away as soon as the
screen that showed it is left, whatever the way out.

aiogram-dialog replaces a screen that had a reply keyboard by deleting its message and sending
the next one; but deleting a message does not take its reply keyboard away from the person's
phone, so "📱 Share my number / Skip / Back" stayed under every later screen. A reply keyboard
is only removed by a message that says so (ReplyKeyboardRemove), sent here before the next screen.
"""

from __future__ import annotations

from dataclasses import replace

from aiogram import Bot
from aiogram_dialog.api.entities import NewMessage, OldMessage, ShowMode
from aiogram_dialog.manager.message_manager import MessageManager


class ReplyKeyboardClosingManager(MessageManager):
    async def show_message(
        self, bot: Bot, new_message: NewMessage, old_message: OldMessage | None
    ) -> OldMessage:
        if (
            old_message is not None
            and new_message.show_mode is not ShowMode.NO_UPDATE
            and self.had_reply_keyboard(old_message)
            and not self.need_reply_keyboard(new_message)
        ):
            await self.remove_reply_kbd(bot, old_message)
            old_message = replace(old_message, has_reply_keyboard=False)
        return await super().show_message(bot, new_message, old_message)
