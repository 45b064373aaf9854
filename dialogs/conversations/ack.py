"""One acknowledgement per burst of messages to the office, edited with the count.

Thirty messages in two seconds must not get thirty answers: the first gets "Sent to the office"
(and the window again below it); the next ones of the burst only change that acknowledgement's
count. Edits go at most one a second per chat: one that comes sooner waits, and only the latest
count is shown when it is due (the others are never sent).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
import time
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError

log = logging.getLogger(__name__)
EDIT_EVERY = 1.0  # seconds between two edits of an acknowledgement (Telegram's per-chat pace)


class BurstAck:
    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._last_edit: dict[int, float] = {}
        self._latest: dict[int, tuple[int, str]] = {}  # chat -> (message id, text) not shown yet
        self._tasks: dict[int, asyncio.Task[None]] = {}

    async def show(self, bot: Bot, chat_id: int, message_id: int, text: str) -> None:
        """Edit the acknowledgement now, or as soon as the chat's pace allows."""
        now = self._monotonic()
        due = self._last_edit.get(chat_id, float("-inf")) + EDIT_EVERY
        if now >= due and chat_id not in self._tasks:
            await self._edit(bot, chat_id, message_id, text)
            return
        self._latest[chat_id] = (message_id, text)
        if chat_id not in self._tasks:
            # A fresh context: this edit is no reply to an update (nothing to defer if limited).
            self._tasks[chat_id] = asyncio.create_task(
                self._later(bot, chat_id, due - now), context=contextvars.Context()
            )

    async def settle(self) -> None:
        """Wait for the edits still to come (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def _later(self, bot: Bot, chat_id: int, wait: float) -> None:
        try:
            await self._sleep(max(0.0, wait))
            message_id, text = self._latest.pop(chat_id)
            await self._edit(bot, chat_id, message_id, text)
        finally:
            self._tasks.pop(chat_id, None)

    async def _edit(self, bot: Bot, chat_id: int, message_id: int, text: str) -> None:
        self._last_edit[chat_id] = self._monotonic()
        if len(self._last_edit) > 10_000:  # forget chats long quiet
            cutoff = self._monotonic() - 60
            for old in [c for c, at in self._last_edit.items() if at < cutoff]:
                del self._last_edit[old]
        with contextlib.suppress(TelegramAPIError):  # deleted meanwhile, or limited: cosmetic
            await bot.edit_message_text(text=text, chat_id=chat_id, message_id=message_id)
