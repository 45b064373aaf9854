"""Notices: the one way a service queues one (`enqueue`, in its own transaction), and what the
sender reads to render one (`NoticeService.load`) or keeps once Telegram took it (`sent`).

Rendering itself is the adapter's (bot.telegram): pure functions over the `NoticeData` read here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from bot.domain.announcements import Announcement
from bot.domain.booking import Booking
from bot.domain.conversations import Conversation, RelayMessage
from bot.domain.notices import Audience, Notice, NoticeKind, Subject, subject_id
from bot.domain.protection import Concern, UrgentAlert
from bot.domain.registration import Registration
from bot.locales import SUPPORTED_LOCALES
from bot.services.ports import Checkin, OutboxMessage, UnitOfWork, UnitOfWorkFactory


async def enqueue(uow: UnitOfWork, notice: Notice, due: datetime) -> bool:
    """Queue a notice in the caller's transaction; False if the same one is already queued."""
    return await uow.outbox.add(
        kind=notice.kind.value,
        audience=notice.audience.value,
        user_id=notice.user_id,
        payload=notice.payload(),
        dedupe_key=notice.dedupe_key,
        due=due,
        priority=notice.kind.priority,
    )


@dataclass(frozen=True, slots=True)
class NoticeData:
    """What a notice is about, as it is now (None where it was erased meanwhile). `locale` is
    the language its person reads the bot in now, for notices to a person."""

    registration: Registration | None = None
    booking: Booking | None = None
    checkin: Checkin | None = None
    checkins: list[Checkin] = field(default_factory=list)
    conversation: Conversation | None = None
    relay: RelayMessage | None = None
    alert: UrgentAlert | None = None
    concern: Concern | None = None
    case_id: int | None = None  # the registration a staff button opens
    locale: str = "en"
    reply: dict[str, Any] | None = None  # a deferred reply, unsealed
    announcement: Announcement | None = None


class NoticeService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        reaches: Callable[[int], bool],
        unseal: Callable[[str], dict[str, Any]],
    ) -> None:
        self._uow = uow
        self._reaches = reaches  # a chat still configured for concerns
        self._unseal = unseal  # what the data key sealed (a deferred reply)

    async def load(self, message: OutboxMessage) -> NoticeData | None:
        """Everything needed to render `message`; None when nothing of it may be sent."""
        kind = NoticeKind(message.kind)
        if kind is NoticeKind.REPLY:
            return NoticeData(reply=self._unseal(message.payload["sealed"]))
        if kind.audience is Audience.CONCERNS and not self._reaches(
            int(message.payload["chat_id"])
        ):
            return None  # the configuration changed: never to a chat no longer trusted
        key = subject_id(kind, message.payload)
        async with self._uow(read_only=True) as uow:
            data = await _LOADERS[kind.subject](uow, kind, key)
            if data is None or kind.audience is not Audience.PERSON or message.user_id is None:
                return data
            fallback = data.locale
            if data.alert is None:  # an alert's person is written in the alert's language
                user = await uow.users.get(message.user_id)
                if kind is NoticeKind.ANNOUNCEMENT and (user is None or user.announcements_stopped):
                    return None  # they stopped announcements after it was queued
                if user is not None and user.locale in SUPPORTED_LOCALES:
                    fallback = user.locale
            return _with_locale(data, fallback)

    async def sent(self, message: OutboxMessage, telegram_id: int) -> None:
        """Keep the id Telegram gave a staff message that replies are mapped back to."""
        kind = NoticeKind(message.kind)
        key = subject_id(kind, message.payload)
        if key is None or kind not in _REMEMBERED:
            return
        async with self._uow() as uow:
            if kind is NoticeKind.CONVERSATION_OPENED:
                await uow.conversations.set_header(key, telegram_id)
            elif kind is NoticeKind.RELAY_IN:
                await uow.conversations.set_staff_message(key, telegram_id)
            else:
                repeat = kind is NoticeKind.URGENT_REPEAT
                await uow.alerts.set_message(key, telegram_id, repeat=repeat)
            await uow.commit()


_REMEMBERED = frozenset(
    {
        NoticeKind.CONVERSATION_OPENED,
        NoticeKind.RELAY_IN,
        NoticeKind.URGENT_ALERT,
        NoticeKind.URGENT_REPEAT,
    }
)


def _with_locale(data: NoticeData, locale: str) -> NoticeData:
    return replace(data, locale=locale if locale in SUPPORTED_LOCALES else "en")


def _about(registration: Registration, **more: Any) -> NoticeData:
    """A notice about a case: its button opens it; the person's form language as a fallback."""
    return NoticeData(
        registration=registration,
        case_id=registration.id,
        locale=registration.draft.contact_locale,
        **more,
    )


async def _case_id(uow: UnitOfWork, conversation: Conversation | None) -> int | None:
    if conversation is None or not conversation.reference:
        return None
    registration = await uow.registrations.by_reference(conversation.reference)
    return registration.id if registration else None


async def _registration(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    registration = await uow.registrations.get(key) if key is not None else None
    if registration is None:
        return None
    if kind is NoticeKind.CHECKINS_WELCOME:
        return _about(registration, checkins=await uow.checkins.history(registration.id))
    return _about(registration)


async def _booking(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    booking = await uow.bookings.booking(key) if key is not None else None
    registration = await uow.registrations.get(booking.registration_id) if booking else None
    if booking is None or registration is None:
        return None
    return _about(registration, booking=booking)


async def _checkin(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    checkin = await uow.checkins.get(key) if key is not None else None
    registration = await uow.registrations.get(checkin.registration_id) if checkin else None
    if checkin is None or registration is None:
        return None
    return _about(registration, checkin=checkin)


async def _conversation(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    conversation = await uow.conversations.get(key) if key is not None else None
    if conversation is None:
        return None
    case_id = await _case_id(uow, conversation) if kind is NoticeKind.CONVERSATION_OPENED else None
    return NoticeData(conversation=conversation, case_id=case_id, locale=conversation.locale)


async def _relay(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    relay = await uow.conversations.message(key) if key is not None else None
    conversation = await uow.conversations.get(relay.conversation_id) if relay else None
    if relay is None or conversation is None:
        return None
    return NoticeData(conversation=conversation, relay=relay, locale=conversation.locale)


async def _alert(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    alert = await uow.alerts.get(key) if key is not None else None
    if alert is None:
        return None
    conversation = (
        await uow.conversations.get(alert.conversation_id) if alert.conversation_id else None
    )
    return NoticeData(
        alert=alert,
        conversation=conversation,
        case_id=await _case_id(uow, conversation),
        locale=alert.locale,
    )


async def _concern(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    concern = await uow.concerns.get(key) if key is not None else None
    return NoticeData(concern=concern) if concern is not None else None


async def _announcement(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    announcement = await uow.announcements.get(key) if key is not None else None
    return NoticeData(announcement=announcement) if announcement is not None else None


async def _nothing(uow: UnitOfWork, kind: NoticeKind, key: int | None) -> NoticeData | None:
    return NoticeData()


_LOADERS = {
    Subject.REGISTRATION: _registration,
    Subject.BOOKING: _booking,
    Subject.CHECKIN: _checkin,
    Subject.CONVERSATION: _conversation,
    Subject.RELAY: _relay,
    Subject.ALERT: _alert,
    Subject.CONCERN: _concern,
    Subject.ANNOUNCEMENT: _announcement,
    Subject.NOTHING: _nothing,
}
