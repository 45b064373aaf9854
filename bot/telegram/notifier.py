"""Turns an outbox message into what Telegram should send, at send time, in the reader's language.

Staff messages go to STAFF_CHAT_ID in DEFAULT_LOCALE; person messages go to the person in the
language they chose. Data erased since the message was queued is never sent (None).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram.types import InlineKeyboardMarkup

from bot.app import App
from bot.domain.checkins import CheckinStatus
from bot.domain.registration import Status
from bot.i18n import Translator
from bot.labels import STATUS_NOTICES
from bot.services.ports import OutboxMessage
from bot.telegram.booking_view import (
    BOOKING_PERSON_KINDS,
    BOOKING_STAFF_KINDS,
    BookingRenderer,
    book_button,
)
from bot.telegram.checkin_view import (
    CHECKIN_PERSON_KINDS,
    CHECKIN_STAFF_KINDS,
    CheckinRenderer,
)
from bot.telegram.person_locale import person_translator
from bot.telegram.protection_view import (
    CONCERN_KINDS,
    URGENT_PERSON_KINDS,
    URGENT_STAFF_KINDS,
    ProtectionRenderer,
)
from bot.telegram.relay_view import (
    CONVERSATION_PERSON_KINDS,
    CONVERSATION_STAFF_KINDS,
    ConversationRenderer,
)
from bot.telegram.reply_pace import reply_markup
from bot.telegram.staff_view import group_keyboard, group_notice


class StaffChatNotConfiguredError(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One Telegram message. `kind` is text, photo, voice or document (then `text` is the
    caption); `on_sent` learns the id Telegram gave it (to map staff replies back)."""

    chat_id: int
    text: str
    reply_markup: InlineKeyboardMarkup | None = None
    kind: str = "text"
    file_id: str | None = None
    reply_to: int | None = None
    on_sent: Callable[[int], Awaitable[None]] | None = None


class Renderer:
    def __init__(self, app: App) -> None:
        self._app = app
        self._conversations = ConversationRenderer(app)
        self._bookings = BookingRenderer(app)
        self._checkins = CheckinRenderer(app)
        self._protection = ProtectionRenderer(app)

    async def render(self, message: OutboxMessage) -> Outgoing | None:
        app = self._app
        if message.audience == "concerns" and message.kind in CONCERN_KINDS:
            return await self._protection.concern(message)
        if message.audience == "staff":
            chat_id = app.staff_chat.sendable_id()  # raises while it may not receive anything
            if chat_id is None:
                raise StaffChatNotConfiguredError
            return await self._staff(message, chat_id)
        return await self._person(message)

    async def _registration(self, message: OutboxMessage):
        async with self._app.uow(read_only=True) as uow:
            return await uow.registrations.get(int(message.payload["registration_id"]))

    async def _staff(self, message: OutboxMessage, chat_id: int) -> Outgoing | None:
        t = self._app.catalogs[self._app.settings.DEFAULT_LOCALE]
        kind, payload = message.kind, message.payload
        if kind in CONVERSATION_STAFF_KINDS:
            return await self._conversations.to_staff(message, chat_id, t)
        if kind in BOOKING_STAFF_KINDS:
            return await self._bookings.to_staff(message, chat_id, t)
        if kind in CHECKIN_STAFF_KINDS:
            return await self._checkins.to_staff(message, chat_id, t)
        if kind in URGENT_STAFF_KINDS:
            return await self._protection.urgent_to_staff(message, chat_id, t)
        if kind == "staff_chat_migrated":
            return Outgoing(
                chat_id,
                t.gettext(
                    "ℹ️ This group was upgraded to a supergroup, and Telegram gave it a new id: "
                    "{chat_id}. The bot now writes here; the messages that were waiting have "
                    "been sent here, in order. To answer a person, reply to a message sent "
                    "here. Please ask whoever runs the bot to set STAFF_CHAT_ID={chat_id} in "
                    "its settings.",
                    chat_id=payload["to"],
                ),
            )
        if kind in ("registration_withdrawn", "registration_erased"):
            text = (
                t.gettext(
                    "↩️ Registration {reference} was withdrawn.", reference=payload["reference"]
                )
                if kind == "registration_withdrawn"
                else t.gettext(
                    "↩️ Registration {reference} was withdrawn: the person deleted their data.",
                    reference=payload["reference"],
                )
            )
            return Outgoing(chat_id, text)
        registration = await self._registration(message)
        if registration is None or registration.user_id is None:
            return None  # erased meanwhile: nothing of it may be sent
        if kind == "registration_new":
            return Outgoing(
                chat_id,
                group_notice(registration, t, self._app.offices),
                group_keyboard(registration, t),
            )
        if kind == "registration_edited":
            return Outgoing(
                chat_id,
                t.gettext(
                    "✏️ Registration {reference}: the person changed their contact details.",
                    reference=registration.reference,
                ),
            )
        raise ValueError(f"unknown staff message kind {kind!r}")

    async def _person(self, message: OutboxMessage) -> Outgoing | None:
        if message.user_id is None:
            return None
        if message.kind in CONVERSATION_PERSON_KINDS:
            return await self._conversations.to_person(message)
        if message.kind in BOOKING_PERSON_KINDS:
            return await self._bookings.to_person(message)
        if message.kind in CHECKIN_PERSON_KINDS:
            return await self._checkins.to_person(message)
        if message.kind in URGENT_PERSON_KINDS:
            return await self._protection.urgent_to_person(message)
        if message.kind == "reply":  # deferred by a 429 (bot.telegram.reply_pace)
            reply = self._app.cipher.decrypt_json(message.payload["sealed"])
            markup = reply_markup(reply["markup"])
            return Outgoing(message.user_id, reply["text"], reply_markup=markup)
        if message.kind == "checkins_welcome":
            registration = await self._registration(message)
            if registration is None or registration.user_id != message.user_id:
                return None
            t = await person_translator(
                self._app, message.user_id, registration.draft.contact_locale
            )
            return await self._welcome_home(message.user_id, registration, t)
        if message.kind == "status_changed":
            registration = await self._registration(message)
            if registration is None or registration.user_id != message.user_id:
                return None
            t = await person_translator(
                self._app, message.user_id, registration.draft.contact_locale
            )
            status = Status(message.payload["status"])
            text = t(STATUS_NOTICES[status], reference=t.isolate(registration.reference))
            markup = book_button(t) if status is Status.CONTACTED else None
            return Outgoing(message.user_id, text, reply_markup=markup)
        raise ValueError(f"unknown person message kind {message.kind!r}")

    async def _welcome_home(self, user_id: int, registration: Any, t: Translator) -> Outgoing:
        """Marked returned by staff: check-ins will follow, the first on this date."""
        async with self._app.uow(read_only=True) as uow:
            checkins = await uow.checkins.history(registration.id)
        coming = sorted(c.due_at for c in checkins if c.status is CheckinStatus.SCHEDULED)
        office = self._app.checkins.office_of(registration)
        lines = [t.gettext("Welcome home. The programme can now support your reintegration.")]
        if coming:
            lines.append(
                t.gettext(
                    "From time to time the bot will ask you a few questions about how you are "
                    "doing. The first check-in comes on {date}. Answering is your choice.",
                    date=t.date(coming[0].astimezone(office.tz).date(), "long"),
                )
            )
        return Outgoing(user_id, "\n\n".join(lines))
