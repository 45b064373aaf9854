"""Booking messages outside the dialogs: reminders, a removed slot, a missed interview (to the
person, in their language), and bookings, moves and cancellations (to staff: reference and time
only)."""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.booking import Booking, BookingStatus
from bot.domain.notices import NoticeKind
from bot.i18n import N_, Translator
from bot.telegram.outbox.outgoing import Outgoing, Rendering, renders
from dialogs.widgets import esc

STAFF_TEXTS = {
    NoticeKind.INTERVIEW_BOOKED: N_("📅 {reference}: interview booked for {when}."),
    NoticeKind.INTERVIEW_MOVED: N_("📅 {reference}: interview moved to {when}."),
    NoticeKind.INTERVIEW_CANCELLED: N_("📅 {reference}: interview of {when} cancelled."),
}


class BookStart(CallbackData, prefix="book"):
    """A button in a notice that opens "Book my interview" (who presses is who books)."""

    action: str = "start"


def book_button(t: Translator, label: str = N_("📅 Book my interview")) -> InlineKeyboardMarkup:
    button = InlineKeyboardButton(text=t(label), callback_data=BookStart().pack())
    return InlineKeyboardMarkup(inline_keyboard=[[button]])


def _when(r: Rendering, booking: Booking) -> str:
    office = r.office(booking.slot.office_id)
    assert office is not None
    local = booking.slot.starts_at.astimezone(office.tz)
    t = r.t
    return t.gettext(
        "{date} at {time}", date=t.date(local.date(), "full"), time=t.time(local, office.tz)
    )


@renders(*STAFF_TEXTS)
def to_staff(r: Rendering) -> Outgoing | None:
    booking, registration = r.data.booking, r.data.registration
    assert booking is not None and registration is not None
    text = r.t.gettext(
        STAFF_TEXTS[r.kind], reference=registration.reference, when=_when(r, booking)
    )
    return Outgoing(r.chat_id, text)


def _for_the_person(r: Rendering) -> bool:
    registration = r.data.registration
    return registration is not None and registration.user_id == r.chat_id


@renders(NoticeKind.INTERVIEW_REMINDER)
def reminder(r: Rendering) -> Outgoing | None:
    booking, t = r.data.booking, r.t
    if booking is None or not _for_the_person(r) or booking.status is not BookingStatus.ACTIVE:
        return None  # moved or cancelled since: a reminder would mislead
    office = r.office(booking.slot.office_id)
    assert office is not None
    hours = int(r.payload["hours"])
    text = t.ngettext(
        "Reminder: your interview is in {n} hour, {when}.",
        "Reminder: your interview is in {n} hours, {when}.",
        hours,
        when=_when(r, booking),
    )
    where = t.gettext("Where: {address}", address=esc(office.address or office.city_in(t.locale)))
    return Outgoing(r.chat_id, f"{text}\n{where}")


@renders(NoticeKind.SLOT_REMOVED)
def slot_removed(r: Rendering) -> Outgoing | None:
    if r.data.booking is None or not _for_the_person(r):
        return None
    text = r.t.gettext(
        "Your interview of {when} had to be cancelled by the office. Please choose another time.",
        when=_when(r, r.data.booking),
    )
    return Outgoing(r.chat_id, text, reply_markup=book_button(r.t, N_("📅 Choose another time")))


@renders(NoticeKind.INTERVIEW_MISSED)
def missed(r: Rendering) -> Outgoing | None:
    if r.data.booking is None or not _for_the_person(r):
        return None
    text = r.t.gettext(
        "You missed your interview of {when}. You can choose another time.",
        when=_when(r, r.data.booking),
    )
    return Outgoing(r.chat_id, text, reply_markup=book_button(r.t, N_("📅 Choose another time")))
