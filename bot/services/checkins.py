"""Monitoring after return: start it, send the check-ins when due, take the answers, score
them, alert staff, and let the returnee pause or stop at any time."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

from bot.domain.checkins import (
    MISSED_AFTER,
    REMIND_AFTER,
    CheckinStatus,
    alerts,
    due_times,
    is_complete,
    score,
    split_overdue,
)
from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.offices import Office
from bot.domain.registration import MONITORED, Monitoring, Registration, Status, move_case
from bot.services.cases import find_case
from bot.services.notices import enqueue
from bot.services.ports import Checkin, Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy

BATCH = 500


class Returned(StrEnum):
    STARTED = "started"
    NOT_FOUND = "not_found"
    NOT_ALLOWED = "not_allowed"  # withdrawn, closed or erased
    FUTURE = "future"
    BEFORE_REGISTRATION = "before_registration"


class Answered(StrEnum):
    ANSWERED = "answered"
    NOT_YOURS = "not_yours"
    CLOSED = "closed"  # answered already, missed, or stopped
    INCOMPLETE = "incomplete"


async def start_monitoring(
    uow: UnitOfWork,
    registration: Registration,
    returned_on: date,
    country: str,
    office: Office,
    offsets: tuple[int, ...],
    now: datetime,
) -> None:
    """Store the return and one row per check-in (in the caller's transaction)."""
    await uow.registrations.set_return(registration.id, returned_on, country, now)
    for months, due in due_times(returned_on, offsets, office.tz):
        await uow.checkins.add(registration.id, registration.user_id, months, due)


class CheckinService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        offices: tuple[Office, ...],
        offsets: tuple[int, ...],
        staff_ids: Collection[int],
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._offices = {office.id: office for office in offices}
        self._offsets = offsets
        self._policy = StaffPolicy(staff_ids)

    def office_of(self, registration: Registration) -> Office:
        return self._offices.get(registration.draft.office_id) or next(iter(self._offices.values()))

    # -- staff ----------------------------------------------------------------------------
    async def mark_returned(
        self,
        staff_id: int,
        *,
        reference: str | None = None,
        registration_id: int | None = None,
        returned_on: date | None = None,
        country: str | None = None,
    ) -> tuple[Returned, Registration | None]:
        self._policy.require(staff_id, "check-ins")
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await find_case(uow, registration_id, reference)
            if registration is None:
                return Returned.NOT_FOUND, None
            if registration.user_id is None or registration.status in (
                Status.WITHDRAWN,
                Status.CLOSED,
            ):
                return Returned.NOT_ALLOWED, registration
            office = self.office_of(registration)
            today = now.astimezone(office.tz).date()
            returned_on = returned_on or today
            if returned_on > today:
                return Returned.FUTURE, registration
            if returned_on < registration.created_at.astimezone(office.tz).date():
                return Returned.BEFORE_REGISTRATION, registration
            if registration.status is not Status.RETURNED:
                await uow.registrations.move(
                    move_case(
                        registration.id,
                        registration.status,
                        Status.RETURNED,
                        at=now,
                        actor="staff",
                        actor_id=staff_id,
                    )
                )
            country = country or registration.draft.country
            await start_monitoring(
                uow, registration, returned_on, country, office, self._offsets, now
            )
            if registration.user_id is not None:  # tell them check-ins will follow, and when
                welcome = Notice(
                    K.CHECKINS_WELCOME,
                    registration.id,
                    registration.user_id,
                    detail=now.isoformat(),
                )
                await enqueue(uow, welcome, now)
            await uow.commit()
            return Returned.STARTED, registration

    async def history(self, staff_id: int, registration_id: int) -> list[Checkin]:
        self._policy.require(staff_id, "check-ins")
        async with self._uow(read_only=True) as uow:
            return await uow.checkins.history(registration_id)

    # -- the schedule (called by the worker before each round) -------------------------------
    async def dispatch(self) -> int:
        """Queue the due check-ins, reminders after 3 days, and mark missed after 14 days."""
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.checkins.due(now, BATCH)
            send, missed = split_overdue(due)
            await uow.checkins.set_status(
                [c.id for c in missed], CheckinStatus.MISSED, now, CheckinStatus.SCHEDULED
            )
            await uow.checkins.set_status(
                [c.id for c in send], CheckinStatus.SENT, now, CheckinStatus.SCHEDULED
            )
            for checkin in send:
                await enqueue(uow, Notice(K.CHECKIN, checkin.id, checkin.user_id), now)
            for checkin in await uow.checkins.to_remind(now - REMIND_AFTER, BATCH):
                if checkin.user_id is not None:
                    await enqueue(uow, Notice(K.CHECKIN_REMINDER, checkin.id, checkin.user_id), now)
                await uow.checkins.set_reminded(checkin.id, now)
            expired = await uow.checkins.unanswered_since(now - MISSED_AFTER, BATCH)
            await uow.checkins.set_status(expired, CheckinStatus.MISSED, now, CheckinStatus.SENT)
            await uow.commit()
            return len(send)

    # -- the returnee ---------------------------------------------------------------------
    async def state(self, user_id: int) -> tuple[Registration | None, Checkin | None]:
        """The registration under monitoring (active or paused) and the check-in waiting."""
        async with self._uow(read_only=True) as uow:
            return await self._monitored(uow, user_id), await uow.checkins.open_for(user_id)

    async def next_due(self, user_id: int) -> tuple[datetime, Office] | None:
        """When the person's next check-in comes (and the office whose time zone it is in)."""
        async with self._uow(read_only=True) as uow:
            for registration in reversed(await uow.registrations.all_for(user_id)):
                if registration.monitoring not in MONITORED:
                    continue
                coming = [
                    c.due_at
                    for c in await uow.checkins.history(registration.id)
                    if c.status is CheckinStatus.SCHEDULED
                ]
                if coming:
                    return min(coming), self.office_of(registration)
        return None

    async def answer(self, user_id: int, checkin_id: int, answers: dict[str, str]) -> Answered:
        now = self._clock.now()
        async with self._uow() as uow:
            checkin = await uow.checkins.get(checkin_id)
            if checkin is None or checkin.user_id != user_id:
                return Answered.NOT_YOURS
            if checkin.status is not CheckinStatus.SENT:
                return Answered.CLOSED
            if not is_complete(answers):
                return Answered.INCOMPLETE
            found = alerts(answers)
            if not await uow.checkins.answer(
                checkin_id, answers, score(answers), tuple(found), now
            ):
                return Answered.CLOSED
            if found:
                await enqueue(uow, Notice(K.CHECKIN_ALERT, checkin_id), now)
            await uow.commit()
            return Answered.ANSWERED

    async def set_monitoring(self, user_id: int, state: Monitoring | str) -> bool:
        """pause, resume (active) or stop; stopping cancels what is left and tells staff."""
        state = Monitoring(state)
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await self._monitored(uow, user_id)
            if registration is None:
                return False
            await uow.registrations.set_monitoring(registration.id, state, now)
            if state is Monitoring.STOPPED:
                await uow.checkins.cancel_open(registration.id)
                await _tell_staff(uow, K.CHECKINS_STOPPED, registration, now)
            await uow.commit()
            return True

    async def unreachable(self, uow: UnitOfWork, user_id: int, now: datetime) -> None:
        """403 on a check-in: stop writing to them, and tell staff (in the caller's transaction)."""
        registration = await self._monitored(uow, user_id)
        if registration is None or registration.monitoring == Monitoring.STOPPED:
            return
        await uow.registrations.set_monitoring(registration.id, Monitoring.STOPPED, now)
        await uow.checkins.cancel_open(registration.id)
        await _tell_staff(uow, K.PERSON_UNREACHABLE, registration, now)

    @staticmethod
    async def _monitored(uow: UnitOfWork, user_id: int) -> Registration | None:
        """The person's latest registration whose check-ins may still come."""
        registrations = await uow.registrations.all_for(user_id)
        monitored = [r for r in registrations if r.monitoring in MONITORED]
        return monitored[-1] if monitored else None


async def _tell_staff(uow: UnitOfWork, kind: K, registration: Registration, now: datetime) -> None:
    """Check-ins stopped (by the person, or they blocked the bot): each time it happens."""
    await enqueue(uow, Notice(kind, registration.id, detail=now.isoformat()), now)
