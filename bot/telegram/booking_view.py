"""Booking messages outside the dialogs: reminders, a removed slot, a missed interview (to the
person, in their language), and bookings, moves and cancellations (to staff: reference and time
only)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.booking import BookingStatus
from bot.i18n import N_, Translator
from bot.services.ports import OutboxMessage
from bot.telegram.person_locale import person_translator
from dialogs.widgets import esc

if TYPE_CHECKING:
    from bot.app import App
    from bot.telegram.notifier import Outgoing

BOOKING_STAFF_KINDS = frozenset({"interview_booked", "interview_moved", "interview_cancelled"})
BOOKING_PERSON_KINDS = frozenset({"interview_reminder", "slot_removed", "interview_missed"})
STAFF_TEXTS = {
    "interview_booked": N_("📅 {reference}: interview booked for {when}."),
    "interview_moved": N_("📅 {reference}: interview moved to {when}."),
    "interview_cancelled": N_("📅 {reference}: interview of {when} cancelled."),
}


class BookStart(CallbackData, prefix="book"):
    """A button in a notice that opens "Book my interview" (who presses is who books)."""

    action: str = "start"


def book_button(t: Translator, label: str = N_("📅 Book my interview")) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=t(label), callback_data=BookStart().pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


class BookingRenderer:
    def __init__(self, app: App) -> None:
        self._app = app

    async def _load(self, message: OutboxMessage):
        async with self._app.uow(read_only=True) as uow:
            booking = await uow.bookings.booking(int(message.payload["booking_id"]))
            registration = await uow.registrations.get(booking.registration_id) if booking else None
        return booking, registration

    def _when(self, booking, t: Translator) -> str:
        office = self._app.bookings.office(booking.slot.office_id)
        local = booking.slot.starts_at.astimezone(office.tz)
        return t.gettext(
            "{date} at {time}", date=t.date(local.date(), "full"), time=t.time(local, office.tz)
        )

    async def to_staff(
        self, message: OutboxMessage, chat_id: int, t: Translator
    ) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        booking, registration = await self._load(message)
        if booking is None or registration is None:
            return None
        text = t.gettext(
            STAFF_TEXTS[message.kind],
            reference=registration.reference,
            when=self._when(booking, t),
        )
        return Outgoing(chat_id, text)

    async def to_person(self, message: OutboxMessage) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        booking, registration = await self._load(message)
        if booking is None or registration is None or registration.user_id != message.user_id:
            return None
        t = await person_translator(self._app, message.user_id, registration.draft.contact_locale)
        when = self._when(booking, t)
        if message.kind == "interview_reminder":
            if booking.status is not BookingStatus.ACTIVE:
                return None  # moved or cancelled since: a reminder would mislead
            office = self._app.bookings.office(booking.slot.office_id)
            hours = int(message.payload["hours"])
            text = t.ngettext(
                "Reminder: your interview is in {n} hour, {when}.",
                "Reminder: your interview is in {n} hours, {when}.",
                hours,
                when=when,
            )
            where = t.gettext(
                "Where: {address}", address=esc(office.address or office.city_in(t.locale))
            )
            return Outgoing(message.user_id, f"{text}\n{where}")
        if message.kind == "slot_removed":
            text = t.gettext(
                "Your interview of {when} had to be cancelled by the office. Please choose "
                "another time.",
                when=when,
            )
            return Outgoing(
                message.user_id, text, reply_markup=book_button(t, N_("📅 Choose another time"))
            )
        text = t.gettext(
            "You missed your interview of {when}. You can choose another time.", when=when
        )
        return Outgoing(
            message.user_id, text, reply_markup=book_button(t, N_("📅 Choose another time"))
        )
