"""Knowing the person: first and last seen, chosen language, the link they came from."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.domain.users import User, needs_last_seen_refresh
from bot.locales import LISTENING_LOCALES, SUPPORTED_LOCALES
from bot.services.ports import Clock, PersonOnUpdate, UnitOfWorkFactory


@dataclass(frozen=True, slots=True)
class Seen:
    user: User
    is_new: bool


class UserService:
    """With `remember=True` (one process is the only writer: SQLite) the people seen lately are
    kept in memory and `seen` reads nothing while their `last_seen` is fresh. Every commit that
    changes a person calls `forget` (the unit of work reports it), so memory never answers with
    a row older than the database's. The people remembered are the people active in the last
    minutes (`active()`): an entry whose last_seen needs refreshing is of no use and is dropped.

    With `on_update` (remembering only), the person's row is read on the event loop and written
    in the update's own transaction, with the dialog state; when it cannot be, as before.
    """

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, *, remember: bool = False) -> None:
        self._uow = uow
        self._clock = clock
        self._known: OrderedDict[int, User] | None = OrderedDict() if remember else None
        self.on_update: PersonOnUpdate | None = None  # given by the dispatcher's storage

    def forget(self, user_ids: Iterable[int]) -> None:
        """Someone committed a change to these people: the next `seen` reads them again."""
        if self._known is not None:
            for user_id in user_ids:
                self._known.pop(user_id, None)

    def active(self) -> int:
        """How many people were seen in the last minutes (0 when nothing is remembered)."""
        return len(self._known) if self._known is not None else 0

    async def seen(self, user_id: int) -> Seen:
        """Called once per update: create the person on first contact, refresh last_seen."""
        now = self._clock.now()
        user = self._recall(user_id, now)
        if user is None and self._known is None:
            async with self._uow(read_only=True) as uow:
                user = await uow.users.get(user_id)
        # Remembering, a person not in memory is new, or was last seen minutes ago (their
        # last_seen is due): either way a write, so straight to it (one transaction, not two).
        if (
            user is not None
            and not user.blocked
            and not needs_last_seen_refresh(user.last_seen, now)
        ):
            return Seen(user, is_new=False)  # the common case: no write at all
        later = self._seen_on_update(user_id, user, now)
        if later is not None:
            return later
        async with self._uow() as uow:
            user, is_new = await uow.users.seen(user_id, now)
            await uow.commit()
        self._keep(user, now)
        return Seen(user, is_new=is_new)

    def _seen_on_update(self, user_id: int, user: User | None, now: datetime) -> Seen | None:
        """The write deferred to the update's transaction; None if it cannot be."""
        on_update = self.on_update if self._known is not None else None
        if on_update is None:
            return None
        if user is None:  # not in memory: read it (no transaction)
            found = on_update.get(user_id)
            if found is None:
                return None
            user = found[0]
        if user is None:
            seen = User(id=user_id, locale=None, source=None, first_seen=now, last_seen=now)
        else:
            seen = replace(user, last_seen=now, blocked=False)  # seen again: reachable again
        if not on_update.seen(user_id, now):
            return None
        self._keep(seen, now)
        return Seen(seen, is_new=user is None)

    def _recall(self, user_id: int, now: datetime) -> User | None:
        if self._known is None:
            return None
        while self._known:  # the oldest first: drop those whose last_seen is due anyway
            oldest = next(iter(self._known.values()))
            if not needs_last_seen_refresh(oldest.last_seen, now):
                break
            self._known.popitem(last=False)
        return self._known.get(user_id)

    def _keep(self, user: User, now: datetime) -> None:
        if self._known is not None and not needs_last_seen_refresh(user.last_seen, now):
            self._known[user.id] = user
            self._known.move_to_end(user.id)

    async def choose_locale(self, user_id: int, locale: str) -> None:
        if locale not in SUPPORTED_LOCALES:
            raise ValueError(f"unsupported locale {locale!r}")
        known = self._known.get(user_id) if self._known is not None else None
        # a written language: reading (no language listened to)
        if (
            known is None
            or self.on_update is None
            or not self.on_update.set_languages(user_id, locale, None)
        ):
            async with self._uow() as uow:
                await uow.users.set_languages(user_id, locale, None)
                await uow.commit()
        if known is not None:  # what was committed, without reading it back
            self._keep(replace(known, locale=locale, listen_locale=None), self._clock.now())

    async def choose_listening(self, user_id: int, listen: str, written: str) -> None:
        """Listen to the pages in `listen` (recordings only); menus in `written`."""
        if listen not in LISTENING_LOCALES or written not in SUPPORTED_LOCALES:
            raise ValueError("unsupported locale")
        async with self._uow() as uow:
            await uow.users.set_languages(user_id, written, listen)
            await uow.commit()  # the unit of work tells `forget`: the next update reads it

    async def record_source(self, user_id: int, source: str) -> bool:
        """Keep the first source only: it says how the person first heard of the bot."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.source is not None:
                return False
            await uow.users.set_source(user_id, source)
            await uow.commit()
            return True
