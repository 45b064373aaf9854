"""Per-update context: who is talking, in which language, and whether we answer at all."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import Chat, TelegramObject, User

from bot.config import Settings
from bot.domain.users import resolve_locale
from bot.i18n import Catalogs
from bot.services.staff_chat import StaffChat
from bot.services.users import UserService

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class PersonContextMiddleware(BaseMiddleware):
    """Outer middleware on every update.

    Drops what the bot must not answer (other groups, channels, other bots); records that the
    person was seen; puts their translator `t`, their `person` record and `is_staff` into the
    handler data. The locale comes from our database first, because background events (a
    reminder, a staff action) carry no Telegram language.
    """

    def __init__(
        self,
        settings: Settings,
        catalogs: Catalogs,
        users: UserService,
        staff_chat: StaffChat | None = None,
    ) -> None:
        self._settings = settings
        self._catalogs = catalogs
        self._users = users
        self._staff_chat = staff_chat  # STAFF_CHAT_ID, or the supergroup it became

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        chat: Chat | None = data.get("event_chat")
        if user is None or user.is_bot:
            return None
        if chat is not None and chat.type != "private" and not await self._is_staff_chat(chat.id):
            return None  # the bot only talks in private chats and in the staff group
        seen = await self._users.seen(user.id)
        locale = resolve_locale(seen.user.locale, user.language_code, self._settings.DEFAULT_LOCALE)
        data["person"] = seen.user
        data["t"] = self._catalogs[locale]
        data["is_staff"] = self._settings.is_staff(user.id)
        return await handler(event, data)

    async def _is_staff_chat(self, chat_id: int) -> bool:
        if self._staff_chat is not None:
            return await self._staff_chat.knows(chat_id)
        return chat_id == self._settings.STAFF_CHAT_ID


class DialogStateBatch(BaseMiddleware):
    """Outer middleware on every update, inside the person's lock: the dialog-state writes of the
    update are written together, in one transaction, when it has been handled."""

    def __init__(self, batch: Callable[[], AbstractAsyncContextManager[None]]) -> None:
        self._batch = batch

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self._batch():
            return await handler(event, data)
