"""Checks with getChat that the staff chat may receive people's data: a group or supergroup,
without a public username, with the bot a member. Run by the outbox worker at start-up and then
periodically; until a check passes, nothing is sent there (`bot.services.staff_chat`)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramNotFound,
    TelegramRetryAfter,
)

from bot.services.staff_chat import StaffChat, Verdict

log = logging.getLogger(__name__)
CHECK_EVERY = 600.0  # seconds between checks of a fit staff chat
RECHECK_UNFIT = 60.0  # ... of one found unfit, or that could not be checked
MEMBER = frozenset(
    {ChatMemberStatus.CREATOR, ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.MEMBER}
)


async def inspect_staff_chat(bot: Bot, chat_id: int) -> Verdict:
    """What Telegram says about the chat. Raises on network errors, 5xx and 429 (no verdict)."""
    try:
        chat = await bot.get_chat(chat_id)
        if chat.type not in (ChatType.GROUP, ChatType.SUPERGROUP):
            return Verdict(False, f"it is a {chat.type}, not a group")
        if chat.username:
            return Verdict(False, "it is public (it has a username); make it a private group")
        member = await bot.get_chat_member(chat_id, bot.id)
    except (TelegramBadRequest, TelegramNotFound, TelegramForbiddenError) as error:
        return Verdict(False, f"Telegram answers {error.message!r}")
    if member.status not in MEMBER and not getattr(member, "is_member", False):
        return Verdict(False, "the bot is not a member of it")
    return Verdict(True, "a private group with the bot as a member")


class StaffChatCheck:
    """Called before each round of the outbox worker; checks when a check is due."""

    def __init__(
        self,
        bot: Bot,
        staff_chat: StaffChat,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._bot = bot
        self._staff_chat = self.staff_chat = staff_chat
        self._monotonic = monotonic
        self._sleep = sleep
        self._next = 0.0

    async def __call__(self, *, force: bool = False, paused: bool = False) -> None:
        staff_chat = self._staff_chat
        if staff_chat.id is None:
            return
        now = self._monotonic()
        waiting = staff_chat.verdict is not None or self._unanswered  # recheck() asks: look now
        if not force and now < self._next and waiting:
            return
        chat_id = staff_chat.id
        self._next, self._unanswered = now + RECHECK_UNFIT, True
        try:
            verdict = await inspect_staff_chat(self._bot, chat_id)
        except TelegramMigrateToChat as error:
            if await staff_chat.migrated(chat_id, error.migrate_to_chat_id):
                await staff_chat.release_waiting()
                return await self(force=True)
            return None
        except TelegramRetryAfter as error:
            if paused:  # limited twice in a row: keep what we knew, look again later
                return None
            await self._sleep(float(error.retry_after))  # like a 429 on a send: everything waits
            return await self(force=True, paused=True)
        except Exception as error:  # no answer (network, 5xx): keep what we knew
            log.warning("could not check the staff chat %s: %s", chat_id, type(error).__name__)
            return None
        self._unanswered = False
        await staff_chat.judge(verdict)
        if verdict.fit:
            self._next = now + CHECK_EVERY
        return None

    _unanswered: bool = False
