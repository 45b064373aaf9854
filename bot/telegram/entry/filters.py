"""Plain async filters (aiogram runs magic filters in a worker thread; these are cheaper)."""

from __future__ import annotations

from aiogram.filters import BaseFilter
from aiogram.types import CallbackQuery, Message


class PrivateChat(BaseFilter):
    async def __call__(self, event: Message | CallbackQuery) -> bool:
        message = event.message if isinstance(event, CallbackQuery) else event
        return message is not None and message.chat.type == "private"


class ButtonOf(BaseFilter):
    """A press of a button made with one of these `CallbackData` prefixes ("case:…"). As the
    root filter of the routers that own those buttons it turns away every other press (all the
    dialogs' buttons) in one check, instead of one `CallbackData` parse per handler."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self._starts = tuple(prefix + ":" for prefix in prefixes)

    async def __call__(self, callback: CallbackQuery) -> bool:
        return (callback.data or "").startswith(self._starts)


class CommandOrGroup(BaseFilter):
    """A message the command and staff routers may take: a command ("/…" in its text or
    caption, read as aiogram's `Command` reads it) or anything in a group (the staff chat's
    replies, its migration). As their root filter it turns away a person's typed answer in one
    check, instead of one `Command` parse per handler."""

    async def __call__(self, message: Message) -> bool:
        if message.chat.type != "private":
            return True
        return (message.text or message.caption or "").lstrip().startswith("/")
