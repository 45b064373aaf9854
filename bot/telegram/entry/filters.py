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
