"""Staff work on cases: find, view with history, change status. Staff only, checked here too."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from enum import StrEnum

from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.registration import (
    CaseEvent,
    Registration,
    Status,
    allowed_transitions,
    move_case,
)
from bot.services.notices import enqueue
from bot.services.staff_policy import NotStaffError, StaffPolicy

__all__ = ["CaseService", "Change", "NotStaffError", "find_case"]
from bot.services.ports import Checkin, Clock, UnitOfWork, UnitOfWorkFactory

# Changes the person is told about, in their language.
PERSON_NOTICES = frozenset(
    {
        Status.CONTACTED,
        Status.INTERVIEW,
        Status.MEDICAL_CHECK,
        Status.TRAVEL_DOCUMENTS,
        Status.DEPARTURE_PLANNED,
        Status.CLOSED,
    }
)


class Change(StrEnum):
    DONE = "done"
    STALE = "stale"  # the case moved meanwhile (an old button)
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class CaseView:
    registration: Registration
    events: list[CaseEvent]
    checkins: list[Checkin] = field(default_factory=list)


class CaseService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, staff_ids: Collection[int]) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)

    def _require(self, staff_id: int) -> None:
        self._policy.require(staff_id, "cases")

    async def view(
        self, staff_id: int, *, registration_id: int | None = None, reference: str | None = None
    ) -> CaseView | None:
        """A case with its history. Every view is recorded: people's data is read on purpose."""
        self._require(staff_id)
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await find_case(uow, registration_id, reference)
            if registration is None:
                return None
            await uow.registrations.add_event(
                CaseEvent(
                    registration_id=registration.id,
                    at=now,
                    actor="staff",
                    actor_id=staff_id,
                    kind="viewed",
                )
            )
            events = await uow.registrations.events(registration.id)
            checkins = await uow.checkins.history(registration.id)
            await uow.commit()
            return CaseView(registration, events, checkins)

    async def recent(
        self, staff_id: int, *, status: Status | None = None, office_id: str | None = None
    ) -> list[Registration]:
        self._require(staff_id)
        async with self._uow(read_only=True) as uow:
            return await uow.registrations.recent(status=status, office_id=office_id, limit=20)

    async def change_status(
        self, staff_id: int, registration_id: int, expected: Status, to: Status
    ) -> Change:
        self._require(staff_id)
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.get(registration_id)
            if registration is None or (registration.user_id is None and to is not Status.CLOSED):
                return Change.NOT_FOUND if registration is None else Change.NOT_ALLOWED
            if registration.status is not expected:
                return Change.STALE
            if to not in allowed_transitions(expected):
                return Change.NOT_ALLOWED
            moved = move_case(
                registration_id, expected, to, at=now, actor="staff", actor_id=staff_id
            )
            if not await uow.registrations.move(moved):
                return Change.STALE
            if to in PERSON_NOTICES and registration.user_id is not None:
                changed = Notice(
                    K.STATUS_CHANGED,
                    registration_id,
                    registration.user_id,
                    {"status": to.value},
                    detail=f"{to.value}:{now.isoformat()}",
                )
                await enqueue(uow, changed, now)
            await uow.commit()
            return Change.DONE


async def find_case(
    uow: UnitOfWork, registration_id: int | None, reference: str | None
) -> Registration | None:
    """A case by its id (a button) or its reference (typed by staff)."""
    if registration_id is not None:
        return await uow.registrations.get(registration_id)
    return await uow.registrations.by_reference(reference or "")
