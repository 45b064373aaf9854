"""Registering interest, and the person's control over it: see, edit, withdraw, erase."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from bot.domain.booking import REMINDER_HOURS, Booking, BookingStatus
from bot.domain.conversations import Conversation, RelayMessage
from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.offices import Office
from bot.domain.protection import Concern, UrgentAlert
from bot.domain.registration import (
    CONSENT_VERSION,
    CaseEvent,
    Draft,
    Registration,
    Status,
    is_open,
    move_case,
    reference,
)
from bot.domain.users import User
from bot.services.checkins import start_monitoring
from bot.services.notices import enqueue
from bot.services.ports import (
    AlreadyRegisteredError,
    Clock,
    UnitOfWork,
    UnitOfWorkFactory,
)

STAFF, PERSON, SYSTEM = "staff", "person", "system"


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Everything stored about one person, for /mydata."""

    user: User | None
    registrations: list[Registration]
    pending_messages: int
    conversations: list[tuple[Conversation, list[RelayMessage]]]
    urgent_alerts: list[UrgentAlert] = field(default_factory=list)
    concerns: list[Concern] = field(default_factory=list)


def withdrawn_as(registration: Registration) -> dict[str, object]:
    """What staff are told of a withdrawn or erased registration: its reference only."""
    return {"reference": registration.reference}


def reminder_keys(booking_id: int) -> list[str]:
    reminders = (Notice(K.INTERVIEW_REMINDER, booking_id, detail=str(h)) for h in REMINDER_HOURS)
    return [reminder.dedupe_key for reminder in reminders]


async def end_booking(
    uow: UnitOfWork, booking: Booking, status: BookingStatus, now: datetime
) -> None:
    """The booking stops being active; its place is free again at once; its reminders go."""
    await uow.bookings.set_status(booking.id, BookingStatus.ACTIVE, status, now)
    await uow.bookings.release_place(booking.slot.id)
    await uow.outbox.cancel_keys(reminder_keys(booking.id))


async def cancel_active_booking(uow: UnitOfWork, registration_id: int, now: datetime) -> None:
    """A withdrawn or erased registration keeps no interview."""
    booking = await uow.bookings.active_booking(registration_id)
    if booking is not None:
        await end_booking(uow, booking, BookingStatus.CANCELLED, now)


class RegistrationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        offices: tuple[Office, ...],
        checkin_months: tuple[int, ...] = (1, 3, 6, 12),
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._offices = {office.id: office for office in offices}
        self._checkin_months = checkin_months

    async def open_for(self, user_id: int) -> Registration | None:
        async with self._uow(read_only=True) as uow:
            return await uow.registrations.open_for(user_id)

    async def register(
        self,
        user_id: int,
        draft: Draft,
        self_check: dict[str, str] | None = None,
        consent_at: datetime | None = None,
        *,
        returned: tuple[date, str] | None = None,
        then: Callable[[Registration], Awaitable[None]] | None = None,
    ) -> tuple[Registration, bool]:
        """Create the registration, once: a second confirmation returns the first one.

        `returned` (day, country come back from) marks a returnee asking for reintegration
        support: a national of the office's country, whose monitoring starts at once.
        `then(registration)` runs inside the transaction, before it commits (the screen that
        will show the reference is written with it).
        """
        office = self._offices[draft.office_id]
        now = self._clock.now()
        if returned is not None:
            draft = replace(draft, country=office.country)
        async with self._uow() as uow:
            # An open registration already (a second Confirm) makes the insert below fail on
            # its unique key, and the rollback takes back the reference number too.
            sequence = await uow.registrations.next_sequence(f"{office.country}-{now.year}")
            try:
                registration = await uow.registrations.add(
                    reference(office.country, now.year, sequence),
                    user_id,
                    draft,
                    now=now,
                    consent_at=min(consent_at or now, now),
                    consent_version=CONSENT_VERSION,
                    self_check=self_check,
                    kind="reintegration" if returned else "return",
                    returned_from=returned[1] if returned else None,
                )
            except AlreadyRegisteredError:
                pass
            else:
                await uow.registrations.add_event(
                    CaseEvent(
                        registration_id=registration.id, at=now, actor=PERSON, actor_id=None,
                        kind="created", to_status=Status.NEW,
                    )
                )  # fmt: skip
                if returned is not None:  # born returned (not a move: its history starts here)
                    await uow.registrations.set_status(
                        registration.id, Status.NEW, Status.RETURNED, now
                    )
                    await start_monitoring(
                        uow, registration, returned[0], office.country, office,
                        self._checkin_months, now,
                    )  # fmt: skip
                await enqueue(uow, Notice(K.REGISTRATION_NEW, registration.id, user_id), now)
                if then is not None:
                    await then(registration)
                await uow.commit()
                return registration, True
        existing = await self.open_for(user_id)
        if existing is None:  # pragma: no cover - the constraint said otherwise a moment ago
            raise RuntimeError("registration vanished")
        return existing, False

    async def update_contact(
        self,
        user_id: int,
        *,
        name: str | None = None,
        phone: str | None = None,
        clear_phone: bool = False,
    ) -> Registration | None:
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.open_for(user_id)
            if registration is None:
                return None
            await uow.registrations.set_contact(
                registration.id, name=name, phone=phone, clear_phone=clear_phone, now=now
            )
            await uow.registrations.add_event(
                CaseEvent(
                    registration_id=registration.id,
                    at=now,
                    actor=PERSON,
                    actor_id=None,
                    kind="edited",
                )
            )
            edited = Notice(K.REGISTRATION_EDITED, registration.id, user_id, detail=now.isoformat())
            await enqueue(uow, edited, now)
            await uow.commit()
            return await self.open_for(user_id)

    async def withdraw(self, user_id: int) -> Registration | None:
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.open_for(user_id)
            if registration is None:
                return None
            withdrawn = move_case(
                registration.id, registration.status, Status.WITHDRAWN,
                at=now, actor=PERSON, kind="withdrawn",
            )  # fmt: skip
            if not await uow.registrations.move(withdrawn):
                return None
            await cancel_active_booking(uow, registration.id, now)
            told = Notice(
                K.REGISTRATION_WITHDRAWN, registration.id, data=withdrawn_as(registration)
            )
            await enqueue(uow, told, now)
            await uow.commit()
            return registration

    async def erase(self, user_id: int) -> list[str]:
        """Erase the person's data; keep an anonymous statistical record; tell staff."""
        async with self._uow() as uow:
            erased = await erase_person(uow, user_id, self._clock.now())
            await uow.commit()
        return [registration.reference for registration in erased]

    async def personal_data(self, user_id: int) -> PersonalData:
        async with self._uow(read_only=True) as uow:
            return PersonalData(
                user=await uow.users.get(user_id),
                registrations=await uow.registrations.all_for(user_id),
                pending_messages=await uow.outbox.count("pending", user_id, audience="person"),
                conversations=[
                    (c, await uow.conversations.messages(c.id))
                    for c in await uow.conversations.all_for(user_id)
                ],
                urgent_alerts=await uow.alerts.all_for(user_id),
                concerns=await uow.concerns.all_for(user_id),
            )


async def erase_person(
    uow: UnitOfWork, user_id: int, now: datetime, *, by_retention: bool = False
) -> list[Registration]:
    """What /delete does, inside the caller's transaction: erase the person's data everywhere,
    keep an anonymous statistical record. The retention purge does the very same (the case
    event says who did it; staff are told only of a person's own deletion)."""
    for registration in await uow.registrations.all_for(user_id):
        await cancel_active_booking(uow, registration.id, now)
    erased = await uow.registrations.erase_personal_data(user_id, now)
    await uow.outbox.forget_user(user_id)
    await uow.announcements.forget_user(user_id)
    await uow.checkins.erase_for_user(user_id)
    await uow.alerts.erase_for_user(user_id)
    await uow.concerns.erase_for_user(user_id)
    for registration in erased:
        was_open = is_open(registration.status)
        await uow.registrations.add_event(
            CaseEvent(
                registration_id=registration.id, at=now,
                actor=SYSTEM if by_retention else PERSON, actor_id=None,
                kind="retention" if by_retention else "erased",
                from_status=registration.status,
                to_status=Status.WITHDRAWN if was_open else registration.status,
            )
        )  # fmt: skip
        if not by_retention:
            told = Notice(K.REGISTRATION_ERASED, registration.id, data=withdrawn_as(registration))
            await enqueue(uow, told, now)
    for conversation in await uow.conversations.erase_for_user(user_id, now):
        closed = Notice(K.CONVERSATION_CLOSED, conversation.id, data={"by": "erased"})
        await enqueue(uow, closed, now)
    await uow.users.delete(user_id)
    return erased
