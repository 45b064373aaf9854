"""Interview booking: staff publish slots; a registered person books, moves or cancels; reminders
and staff notices go through the outbox, written in the same transaction as the booking."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from bot.domain.booking import (
    BOOKING_HORIZON_DAYS,
    Booking,
    BookingStatus,
    Slot,
    SlotPlan,
    can_change,
    nearest,
    reminder_times,
    slot_times,
)
from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.offices import Office
from bot.domain.registration import Registration, Status, move_case
from bot.services.notices import enqueue
from bot.services.ports import AlreadyBookedError, Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.registration import end_booking, reminder_keys
from bot.services.staff_policy import StaffPolicy

__all__ = ["BookingService"]

BOOKABLE = frozenset({Status.NEW, Status.CONTACTED, Status.INTERVIEW})


class Booked(StrEnum):
    BOOKED = "booked"
    MOVED = "moved"
    SAME = "same"  # pressed again: nothing changes
    TAKEN = "taken"  # the last place went to someone else
    PAST = "past"  # the slot is gone or already started
    TOO_LATE = "too_late"  # the current booking is within the cut-off
    NOT_ALLOWED = "not_allowed"  # no open registration, or a case past the interview step


@dataclass(frozen=True, slots=True)
class BookResult:
    outcome: Booked
    booking: Booking | None = None
    alternatives: list[Slot] = field(default_factory=list)


class BookingService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        offices: tuple[Office, ...],
        staff_ids: Collection[int],
        cutoff: timedelta,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._offices = {office.id: office for office in offices}
        self._policy = StaffPolicy(staff_ids)
        self.cutoff = cutoff

    def office(self, office_id: str) -> Office:
        return self._offices[office_id]

    def today(self, office_id: str) -> date:
        return self._clock.now().astimezone(self._offices[office_id].tz).date()

    def local_day(self, slot: Slot) -> date:
        return slot.starts_at.astimezone(self._offices[slot.office_id].tz).date()

    async def free_slot(self, office_id: str, slot_id: int) -> Slot | None:
        """The slot if it is still bookable: this office's, ahead, not removed, with a place."""
        async with self._uow(read_only=True) as uow:
            found = await uow.bookings.slot(slot_id)
        if found is None or found.removed:
            return None
        slot = found.slot
        ok = slot.office_id == office_id and slot.free > 0 and slot.starts_at > self._clock.now()
        return slot if ok else None

    def changeable(self, booking: Booking) -> bool:
        return can_change(booking.slot.starts_at, self._clock.now(), self.cutoff)

    # -- the person -------------------------------------------------------------------------
    async def context(self, user_id: int) -> tuple[Registration | None, Booking | None]:
        async with self._uow(read_only=True) as uow:
            registration = await uow.registrations.open_for(user_id)
            booking = await uow.bookings.active_booking(registration.id) if registration else None
            return registration, booking

    async def free_slots(self, office_id: str) -> list[Slot]:
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            return await uow.bookings.slots(
                office_id, now, now + timedelta(days=BOOKING_HORIZON_DAYS), free_only=True
            )

    async def free_days(self, office_id: str) -> set[date]:
        tz = self._offices[office_id].tz
        return {slot.starts_at.astimezone(tz).date() for slot in await self.free_slots(office_id)}

    async def free_times(self, office_id: str, day: date) -> list[Slot]:
        tz = self._offices[office_id].tz
        return [
            s for s in await self.free_slots(office_id) if s.starts_at.astimezone(tz).date() == day
        ]

    async def book(self, user_id: int, slot_id: int) -> BookResult:
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.open_for(user_id)
            if registration is None or registration.status not in BOOKABLE:
                return BookResult(Booked.NOT_ALLOWED)
            found = await uow.bookings.slot(slot_id)
            if (
                found is None
                or found.removed
                or found.slot.office_id != registration.draft.office_id
            ):
                return BookResult(Booked.PAST)
            slot = found.slot
            if slot.starts_at <= now:
                return BookResult(Booked.PAST)
            current = await uow.bookings.active_booking(registration.id)
            if current is not None and current.slot.id == slot_id:
                return BookResult(Booked.SAME, current)
            if current is not None and not can_change(current.slot.starts_at, now, self.cutoff):
                return BookResult(Booked.TOO_LATE, current)
            if not await uow.bookings.take_place(slot_id, now):
                alternatives = await self._alternatives(uow, slot, now)
                return BookResult(Booked.TAKEN, alternatives=alternatives)
            if current is not None:
                await end_booking(uow, current, BookingStatus.MOVED, now)
            try:
                booking = await uow.bookings.add_booking(slot, registration.id, now)
            except AlreadyBookedError:  # a second press of Confirm raced the first one
                return BookResult(Booked.SAME, await self._active(registration.id))
            await self._schedule_reminders(uow, booking, registration, now)
            kind = K.INTERVIEW_MOVED if current is not None else K.INTERVIEW_BOOKED
            await enqueue(uow, Notice(kind, booking.id), now)
            if registration.status in (Status.NEW, Status.CONTACTED):
                await uow.registrations.move(
                    move_case(
                        registration.id,
                        registration.status,
                        Status.INTERVIEW,
                        at=now,
                        actor="person",
                    )
                )
            await uow.commit()
            return BookResult(Booked.MOVED if current else Booked.BOOKED, booking)

    async def cancel(self, user_id: int) -> Booked | None:
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.open_for(user_id)
            current = await uow.bookings.active_booking(registration.id) if registration else None
            if current is None:
                return None
            if not can_change(current.slot.starts_at, now, self.cutoff):
                return Booked.TOO_LATE
            await end_booking(uow, current, BookingStatus.CANCELLED, now)
            await enqueue(uow, Notice(K.INTERVIEW_CANCELLED, current.id), now)
            await _no_more_interview(uow, registration, now, "person", None)  # type: ignore[arg-type]
            await uow.commit()
            return Booked.BOOKED

    # -- staff ------------------------------------------------------------------------------
    def _require(self, staff_id: int) -> None:
        self._policy.require(staff_id, "slots")

    async def publish(self, staff_id: int, plan: SlotPlan) -> int:
        self._require(staff_id)
        now = self._clock.now()
        times = slot_times(plan, self._offices[plan.office_id].tz, now)
        async with self._uow() as uow:
            created = await uow.bookings.add_slots(
                plan.office_id, times, plan.capacity, staff_id, now
            )
            await uow.commit()
            return created

    async def schedule(self, staff_id: int, office_id: str | None, days: int = 14) -> list[Slot]:
        self._require(staff_id)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            return await uow.bookings.slots(
                office_id, now, now + timedelta(days=days), free_only=False
            )

    async def week(
        self, staff_id: int, office_id: str, first_day: date, days: int = 7
    ) -> list[tuple[Slot, list[tuple[Booking, str]]]]:
        """An office's slots from `first_day` (the office's midnight) for `days` days, past ones
        included, each with its active (or marked) bookings and their references."""
        self._require(staff_id)
        tz = self._offices[office_id].tz
        start = datetime.combine(first_day, time(0), tzinfo=tz)
        end = datetime.combine(first_day + timedelta(days=days), time(0), tzinfo=tz)
        async with self._uow(read_only=True) as uow:
            slots = await uow.bookings.slots(office_id, start, end, free_only=False)
            return [(slot, await _shown_bookings(uow, slot.id)) for slot in slots]

    async def slot_detail(
        self, staff_id: int, slot_id: int
    ) -> tuple[Slot, list[tuple[Booking, str]]] | None:
        """A slot and its active (or marked) bookings with their references."""
        self._require(staff_id)
        async with self._uow(read_only=True) as uow:
            found = await uow.bookings.slot(slot_id)
            if found is None or found.removed:
                return None
            return found.slot, await _shown_bookings(uow, slot_id)

    async def remove_slot(self, staff_id: int, slot_id: int) -> int | None:
        """Remove a slot; the people booked on it are told, in their language. None: gone."""
        self._require(staff_id)
        now = self._clock.now()
        async with self._uow() as uow:
            if not await uow.bookings.remove_slot(slot_id, now):
                return None
            told = 0
            for booking in await uow.bookings.bookings_of_slot(slot_id):
                if booking.status is not BookingStatus.ACTIVE:
                    continue
                await uow.bookings.set_status(
                    booking.id, BookingStatus.ACTIVE, BookingStatus.SLOT_REMOVED, now
                )
                await uow.outbox.cancel_keys(reminder_keys(booking.id))
                registration = await uow.registrations.get(booking.registration_id)
                if registration is not None:
                    await _no_more_interview(uow, registration, now, "staff", staff_id)
                if registration is not None and registration.user_id is not None:
                    await enqueue(
                        uow, Notice(K.SLOT_REMOVED, booking.id, registration.user_id), now
                    )
                    told += 1
            await uow.commit()
            return told

    async def mark(self, staff_id: int, booking_id: int, attended: bool) -> bool:
        """Attended moves the case on to the medical check; missed back to contacted."""
        self._require(staff_id)
        now = self._clock.now()
        async with self._uow() as uow:
            booking = await uow.bookings.booking(booking_id)
            if booking is None or booking.status is not BookingStatus.ACTIVE:
                return False
            status = BookingStatus.ATTENDED if attended else BookingStatus.MISSED
            if not await uow.bookings.set_status(booking_id, BookingStatus.ACTIVE, status, now):
                return False
            await uow.outbox.cancel_keys(reminder_keys(booking_id))
            registration = await uow.registrations.get(booking.registration_id)
            if registration is not None and registration.status is Status.INTERVIEW:
                to = Status.MEDICAL_CHECK if attended else Status.CONTACTED
                await uow.registrations.move(
                    move_case(
                        registration.id,
                        Status.INTERVIEW,
                        to,
                        at=now,
                        actor="staff",
                        actor_id=staff_id,
                    )
                )
                if not attended and registration.user_id is not None:
                    await enqueue(
                        uow, Notice(K.INTERVIEW_MISSED, booking_id, registration.user_id), now
                    )
            await uow.commit()
            return True

    # -- internals --------------------------------------------------------------------------
    async def _schedule_reminders(
        self, uow: UnitOfWork, booking: Booking, registration: Registration, now: datetime
    ) -> None:
        for hours, when in reminder_times(booking.slot.starts_at, now):
            reminder = Notice(
                K.INTERVIEW_REMINDER, booking.id, registration.user_id, {"hours": hours}, str(hours)
            )
            await enqueue(uow, reminder, when)

    async def _alternatives(self, uow: UnitOfWork, taken: Slot, now: datetime) -> list[Slot]:
        free = await uow.bookings.slots(
            taken.office_id, now, now + timedelta(days=BOOKING_HORIZON_DAYS), free_only=True
        )
        return nearest(free, taken.starts_at)

    async def _active(self, registration_id: int) -> Booking | None:
        async with self._uow(read_only=True) as uow:
            return await uow.bookings.active_booking(registration_id)


async def _no_more_interview(
    uow: UnitOfWork, registration: Registration, now: datetime, actor: str, actor_id: int | None
) -> None:
    """The interview was cancelled: the case goes back to the step it was at before booking
    (so it no longer reads "Interview" with no interview)."""
    if registration.status is not Status.INTERVIEW:
        return
    before = Status.CONTACTED
    for event in reversed(await uow.registrations.events(registration.id)):
        if event.kind == "status" and event.to_status is Status.INTERVIEW and event.from_status:
            before = event.from_status
            break
    await uow.registrations.move(
        move_case(registration.id, Status.INTERVIEW, before, at=now, actor=actor, actor_id=actor_id)
    )


async def _shown_bookings(uow: UnitOfWork, slot_id: int) -> list[tuple[Booking, str]]:
    """What staff see on a slot: its active, attended and missed bookings, with references."""
    shown = []
    for booking in await uow.bookings.bookings_of_slot(slot_id):
        if booking.status in (BookingStatus.ACTIVE, BookingStatus.ATTENDED, BookingStatus.MISSED):
            registration = await uow.registrations.get(booking.registration_id)
            shown.append((booking, registration.reference if registration else "?"))
    return shown
