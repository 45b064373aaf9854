"""Knowing the person: first and last seen, chosen language, the link they came from."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.users import User, needs_last_seen_refresh
from bot.locales import LISTENING_LOCALES, SUPPORTED_LOCALES
from bot.services.ports import Clock, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Seen:
    user: User
    is_new: bool


class UserService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    async def seen(self, user_id: int) -> Seen:
        """Called once per update: create the person on first contact, refresh last_seen."""
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            user = await uow.users.get(user_id)
        if (
            user is not None
            and not user.blocked
            and not needs_last_seen_refresh(user.last_seen, now)
        ):
            return Seen(user, is_new=False)  # the common case: no write at all
        async with self._uow() as uow:
            user = await uow.users.get(user_id)  # again, under the write lock
            if user is None:
                user = User(id=user_id, locale=None, source=None, first_seen=now, last_seen=now)
                await uow.users.add(user)
                await uow.commit()
                return Seen(user, is_new=True)
            await uow.users.touch(user_id, now)
            if user.blocked:  # they write again: they can be written to again
                await uow.users.set_blocked(user_id, False)
            await uow.commit()
            return Seen(user, is_new=False)

    async def choose_locale(self, user_id: int, locale: str) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        async with self._uow() as uow:
            await uow.users.set_locale(user_id, locale)
            await uow.users.set_listen_locale(user_id, None)  # a written language: reading
            await uow.commit()

    async def choose_listening(self, user_id: int, listen: str, written: str) -> None:
        """Listen to the pages in `listen` (recordings only); menus in `written`."""
        if listen not in LISTENING_LOCALES or written not in SUPPORTED_LOCALES:
            raise ValueError("unsupported locale")
        async with self._uow() as uow:
            await uow.users.set_locale(user_id, written)
            await uow.users.set_listen_locale(user_id, listen)
            await uow.commit()

    async def record_source(self, user_id: int, source: str) -> bool:
        """Keep the first source only: it says how the person first heard of the bot."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.source is not None:
                return False
            await uow.users.set_source(user_id, source)
            await uow.commit()
            return True
