"""Protection use-cases: "I am in danger" (an urgent alert to the office, repeated once if no
staff member takes it) and "Report a concern" (a confidential report that never goes to the
staff group)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum

from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.office_hours import after_office_time
from bot.domain.offices import Office
from bot.domain.protection import (
    Concern,
    ConcernCategory,
    UrgentAlert,
    new_concern_reference,
)
from bot.services.conversations import open_conversation
from bot.services.notices import enqueue
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy


@dataclass(frozen=True, slots=True)
class Raised:
    alert: UrgentAlert
    new: bool  # False: an alert of theirs was already waiting; nothing more was sent


class Take(StrEnum):
    TAKEN = "taken"
    ALREADY = "already"
    NOT_FOUND = "not_found"


@dataclass(frozen=True, slots=True)
class WaitingAlert:
    alert: UrgentAlert
    who: str  # the reference, or the conversation's anonymous handle


class UrgentService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        offices: tuple[Office, ...],
        staff_ids: Collection[int],
        repeat_after: timedelta,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._offices = offices
        self._policy = StaffPolicy(staff_ids)
        self._repeat_after = repeat_after

    def office(self, office_id: str | None) -> Office:
        return next((o for o in self._offices if o.id == office_id), self._offices[0])

    async def office_of(self, user_id: int) -> Office | None:
        """The office of the person's registration or conversation, if the bot knows it."""
        async with self._uow(read_only=True) as uow:
            # Their open registration, else their latest (a returnee's case is closed).
            registration = await uow.registrations.open_for(user_id)
            if registration is None:
                past = await uow.registrations.all_for(user_id)
                registration = max(past, key=lambda r: r.created_at) if past else None
            if registration is not None:
                return self.office(registration.draft.office_id)
            conversation = await uow.conversations.open_for(user_id)
        return self.office(conversation.office_id) if conversation else None

    async def raise_alert(self, user_id: int, locale: str, office_id: str | None) -> Raised:
        """Tell the office now, first in the queue; repeat once if nobody takes it in time."""
        now = self._clock.now()
        async with self._uow() as uow:
            waiting = await uow.alerts.waiting_for(user_id)
            if waiting is not None:
                return Raised(waiting, new=False)
            office = self.office(office_id)
            conversation = await open_conversation(uow, user_id, locale, office.id, now)
            office = self.office(conversation.office_id)
            repeat_at = after_office_time(office.hours, office.tz, now, self._repeat_after)
            alert = await uow.alerts.add(
                user_id=user_id,
                conversation_id=conversation.id,
                office_id=office.id,
                locale=locale,
                now=now,
                repeat_at=repeat_at,
            )
            for kind, due in ((K.URGENT_ALERT, now), (K.URGENT_REPEAT, repeat_at)):
                # user_id: cancelled if the person erases their data
                await enqueue(uow, Notice(kind, alert.id, user_id), due)
            await uow.commit()
            return Raised(alert, new=True)

    async def take(self, staff_id: int, alert_id: int) -> Take:
        """A staff member takes the alert: no repeat, and the person is told someone saw it."""
        self._policy.require(staff_id, "urgent alerts")
        now = self._clock.now()
        async with self._uow() as uow:
            alert = await uow.alerts.get(alert_id)
            if alert is None:
                return Take.NOT_FOUND
            if not await uow.alerts.take(alert_id, staff_id, now):
                return Take.ALREADY
            await uow.outbox.cancel_keys([Notice(K.URGENT_REPEAT, alert_id).dedupe_key])
            if alert.user_id is not None:
                await enqueue(uow, Notice(K.URGENT_TAKEN, alert_id, alert.user_id), now)
            await uow.commit()
            return Take.TAKEN

    async def waiting(self, staff_id: int) -> list[WaitingAlert]:
        """For /inbox: alerts nobody has taken, the oldest first."""
        self._policy.require(staff_id, "urgent alerts")
        async with self._uow(read_only=True) as uow:
            found = []
            for alert in await uow.alerts.waiting():
                conversation = (
                    await uow.conversations.get(alert.conversation_id)
                    if alert.conversation_id
                    else None
                )
                who = (conversation.reference or f"#{conversation.handle}") if conversation else ""
                found.append(WaitingAlert(alert, who))
            return found

    async def get(self, alert_id: int) -> UrgentAlert | None:
        async with self._uow(read_only=True) as uow:
            return await uow.alerts.get(alert_id)


class ConcernService:
    """Reports go to CONCERNS_CHAT_ID and each of CONCERNS_USER_IDS, never to the staff group."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        chat_id: int | None,
        focal_points: Collection[int],
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._destinations = ([chat_id] if chat_id is not None else []) + sorted(focal_points)

    @property
    def configured(self) -> bool:
        return bool(self._destinations)

    def reaches(self, chat_id: int) -> bool:
        return chat_id in self._destinations

    async def reference_of(self, user_id: int) -> str | None:
        """The person's registration reference (offered, never attached without their say)."""
        async with self._uow(read_only=True) as uow:
            registration = await uow.registrations.open_for(user_id)
        return registration.reference if registration else None

    async def submit(
        self,
        user_id: int,
        locale: str,
        category: ConcernCategory,
        *,
        text: str | None,
        file_id: str | None,
        with_reference: bool,
    ) -> Concern | None:
        """None when no channel is configured (the entry is hidden then)."""
        if not self._destinations:
            return None
        now = self._clock.now()
        async with self._uow() as uow:
            registration = await uow.registrations.open_for(user_id) if with_reference else None
            concern = await uow.concerns.add(
                reference=new_concern_reference(),
                user_id=user_id,
                category=category,
                kind="voice" if file_id else ("text" if text else "none"),
                text=text,
                file_id=file_id,
                registration=registration.reference if registration else None,
                locale=locale,
                now=now,
            )
            for chat_id in self._destinations:
                # No user_id: a focal point's 403 must never mark the person blocked.
                to_chat = Notice(
                    K.CONCERN, concern.id, data={"chat_id": chat_id}, detail=str(chat_id)
                )
                await enqueue(uow, to_chat, now)
            await uow.commit()
            return concern
