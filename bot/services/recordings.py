"""Recorded voice versions of the information pages, one per topic, page and language.

Staff record them in Telegram; the bot keeps Telegram's file id. Every change is checked
against STAFF_USER_IDS here, whatever the caller already checked.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from enum import StrEnum

from bot.locales import LISTENING_LOCALES, SUPPORTED_LOCALES
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy


class Recorded(StrEnum):
    SAVED = "saved"
    REMOVED = "removed"
    NOTHING = "nothing"  # nothing to remove
    NO_SUCH_PAGE = "no_such_page"


class RecordingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        staff_ids: Collection[int],
        page_count: Callable[[str], int | None],
        topics: tuple[str, ...] = (),
        *,
        remember: bool = False,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)
        self._page_count = page_count  # topic -> number of pages (None: no such topic)
        self._topics = topics
        # One process on SQLite (`remember`) keeps the answer until it records or removes a
        # voice (the language screen asks on every draw); several processes ask the database.
        self._remember = remember
        self._complete: list[str] | None = None

    def page_exists(self, topic: str, page: int, locale: str) -> bool:
        count = self._page_count(topic)
        known = locale in SUPPORTED_LOCALES or locale in LISTENING_LOCALES
        return count is not None and 1 <= page <= count and known

    async def complete_listening_locales(self) -> list[str]:
        """Listening languages in which every page of every topic has a recording."""
        if self._complete is not None:
            return list(self._complete)
        async with self._uow(read_only=True) as uow:
            recorded = await uow.recordings.pages(LISTENING_LOCALES)
        wanted = {
            (topic, page) for topic in self._topics
            for page in range(1, (self._page_count(topic) or 0) + 1)
        }  # fmt: skip
        complete = [
            locale
            for locale in LISTENING_LOCALES
            if wanted and all((topic, page, locale) in recorded for topic, page in wanted)
        ]
        if self._remember:
            self._complete = complete
        return list(complete)

    async def voice(self, topic: str, page: int, locale: str) -> str | None:
        async with self._uow(read_only=True) as uow:
            return await uow.recordings.get(topic, page, locale)

    async def record(
        self, staff_id: int, topic: str, page: int, locale: str, file_id: str
    ) -> Recorded:
        self._policy.require(staff_id, "recordings")
        if not self.page_exists(topic, page, locale) or not file_id or len(file_id) > 255:
            return Recorded.NO_SUCH_PAGE
        async with self._uow() as uow:
            await uow.recordings.put(topic, page, locale, file_id, staff_id, self._clock.now())
            await uow.commit()
        self._complete = None
        return Recorded.SAVED

    async def remove(self, staff_id: int, topic: str, page: int, locale: str) -> Recorded:
        self._policy.require(staff_id, "recordings")
        async with self._uow() as uow:
            removed = await uow.recordings.remove(topic, page, locale)
            await uow.commit()
        self._complete = None
        return Recorded.REMOVED if removed else Recorded.NOTHING
