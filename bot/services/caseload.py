"""The Cases page and the extras of a case page (booking, conversations). Staff only.

The list is read in a constant number of queries (storage's caseload repository joins the
aggregates); the order and the pages are decided by bot.domain.console.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from bot.domain.booking import Booking
from bot.domain.console import (
    PAGE_SIZE,
    CaseloadFilters,
    CaseloadRow,
    caseload_order,
    page_count,
)
from bot.domain.conversations import Conversation, RelayMessage
from bot.domain.registration import Registration
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy


@dataclass(frozen=True, slots=True)
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True, slots=True)
class CaseFile:
    """What a case page shows beside the case itself."""

    booking: Booking | None
    conversations: list[tuple[Conversation, list[RelayMessage]]] = field(default_factory=list)

    @property
    def open_conversation(self) -> Conversation | None:
        return next((c for c, _ in self.conversations if c.is_open), None)


class CaseloadService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, staff_ids: Collection[int]) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)

    async def page(self, staff_id: int, filters: CaseloadFilters, page: int = 1) -> CaseloadPage:
        self._policy.require(staff_id, "cases")
        async with self._uow(read_only=True) as uow:
            rows = caseload_order(await uow.caseload.rows(filters))
        pages = page_count(len(rows))
        page = min(max(1, page), pages)
        start = (page - 1) * PAGE_SIZE
        return CaseloadPage(rows[start : start + PAGE_SIZE], len(rows), page, pages)

    async def case_file(self, staff_id: int, registration: Registration) -> CaseFile:
        self._policy.require(staff_id, "cases")
        async with self._uow(read_only=True) as uow:
            booking = await uow.bookings.active_booking(registration.id)
            if registration.user_id is None:
                return CaseFile(booking)
            conversations = [
                (c, await uow.conversations.messages(c.id))
                for c in await uow.conversations.all_for(registration.user_id)
            ]
        conversations.sort(key=lambda pair: pair[0].opened_at)
        return CaseFile(booking, conversations)
