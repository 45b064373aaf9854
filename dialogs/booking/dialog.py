""" "Book my interview": a calendar showing only days with a free slot, the free times of the
day, a confirmation in the office's time zone formatted for the person's language, and a calendar
file for the phone. Booking again means moving the interview."""

from __future__ import annotations

from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Row, Select, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.domain.booking import BOOKING_HORIZON_DAYS, Slot, ics_event
from bot.i18n import N_, Translator
from bot.services.booking import Booked, BookingService
from dialogs.calendar import LocalCalendar
from dialogs.states import BookingSG as B
from dialogs.states import TalkSG
from dialogs.widgets import NavRow, T, esc, main_menu_button, screen, translator


def when_text(slot: Slot, service: BookingService, office_id: str, t: Translator) -> str:
    """ "mardi 24 novembre 2026 à 10:00" — Babel's full date and short time, office time zone."""
    tz = service.office(office_id).tz
    local = slot.starts_at.astimezone(tz)
    return t.gettext(
        "{date} at {time}", date=t.date(local.date(), "full"), time=t.time(slot.starts_at, tz)
    )


async def _registration(manager: DialogManager):
    service: BookingService = manager.middleware_data["bookings"]
    return await service.context(manager.middleware_data["event_from_user"].id)


async def day_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    registration, current = await _registration(dialog_manager)
    if registration is None:
        return {"allowed": False, "choosable_days": [], "no_days": False, "moving": False}
    office = bookings.office(registration.draft.office_id)
    days = await bookings.free_days(office.id)
    today = bookings.today(office.id)
    return {
        "allowed": True,
        "moving": current is not None,
        "office": esc(f"{t.country(office.country)} – {office.city_in(t.locale)}"),
        "choosable_days": sorted(d.isoformat() for d in days),
        "no_days": not days,
        "calendar_tz": office.tz,
        "min_date": today,
        "max_date": today + timedelta(days=BOOKING_HORIZON_DAYS),
    }


async def on_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    registration, _ = await _registration(manager)
    service: BookingService = manager.middleware_data["bookings"]
    if registration is None or not await service.free_times(registration.draft.office_id, day):
        await callback.answer(translator(manager).gettext("There is no open time on this day."))
        return
    manager.dialog_data["day"] = day.isoformat()
    await manager.switch_to(B.time)


async def time_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    registration, _ = await _registration(dialog_manager)
    day = date.fromisoformat(dialog_manager.dialog_data.get("day", "1970-01-01"))
    if registration is None:
        return {"times": [], "day": ""}
    office = bookings.office(registration.draft.office_id)
    slots = await bookings.free_times(office.id, day)
    return {
        "day": t.date(day, "full"),
        "times": [(str(s.id), t.time(s.starts_at, office.tz)) for s in slots],
        "none_left": not slots,
    }


async def on_time(_c: CallbackQuery, _w: Any, manager: DialogManager, slot_id: str) -> None:
    if slot_id.isdigit():
        manager.dialog_data["slot_id"] = int(slot_id)
        await manager.switch_to(B.confirm)


async def confirm_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    registration, current = await _registration(dialog_manager)
    slot_id = dialog_manager.dialog_data.get("slot_id")
    slot = None
    if registration is not None and isinstance(slot_id, int):
        slot = await bookings.free_slot(registration.draft.office_id, slot_id)
    office = bookings.office(registration.draft.office_id) if registration else None
    return {
        "when": when_text(slot, bookings, office.id, t) if slot and office else "",
        "address": esc(office.address or office.city_in(t.locale)) if office else "",
        "moving": current is not None,
        "available": slot is not None,
    }


async def on_confirm(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    service: BookingService = manager.middleware_data["bookings"]
    slot_id = manager.dialog_data.get("slot_id")
    if not isinstance(slot_id, int):
        return
    result = await service.book(callback.from_user.id, slot_id)
    if result.outcome is Booked.TAKEN:
        await callback.answer(
            t.gettext("Sorry, this time was just taken. Here are the nearest open times."),
            show_alert=True,
        )
        if result.alternatives:  # the day of the nearest free time
            manager.dialog_data["day"] = service.local_day(result.alternatives[0]).isoformat()
        await manager.switch_to(B.time)
        return
    if result.outcome in (Booked.PAST, Booked.NOT_ALLOWED, Booked.TOO_LATE):
        await callback.answer(t(REFUSALS[result.outcome]), show_alert=True)
        await manager.switch_to(B.day)
        return
    booking = result.booking
    if booking is None:
        return
    manager.dialog_data["booked_slot"] = booking.slot.id
    manager.dialog_data["moved"] = result.outcome is Booked.MOVED
    await manager.switch_to(B.done)
    if result.outcome in (Booked.BOOKED, Booked.MOVED):
        await send_calendar_file(callback, service, booking.slot, t)
    manager.show_mode = ShowMode.SEND


REFUSALS = {
    Booked.PAST: N_("This time is no longer available. Please choose another one."),
    Booked.NOT_ALLOWED: N_("Booking an interview needs an open registration."),
    Booked.TOO_LATE: N_(
        "Your interview is too close to be changed here. Please contact the office."
    ),
}


async def send_calendar_file(
    callback: CallbackQuery, service: BookingService, slot: Slot, t: Translator
) -> None:
    office = service.office(slot.office_id)
    location = ", ".join(part for part in (office.address, office.city) if part)
    content = ics_event(
        uid=f"avrr-slot-{slot.id}@avrr-assistant",
        start=slot.starts_at,
        end=slot.ends_at,
        summary=t.gettext("Interview with the programme office"),
        location=location,
        description=t.gettext("Bring your identity papers if you have any."),
    )
    await callback.message.answer_document(  # type: ignore[union-attr]
        BufferedInputFile(content.encode("utf-8"), filename="interview.ics"),
        caption=t.gettext("Add this to your phone's calendar."),
    )


async def done_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    _, current = await _registration(dialog_manager)
    moved = bool(dialog_manager.dialog_data.get("moved"))
    if current is None:
        return {"when": "", "address": "", "booked": False, "moved": moved}
    office = bookings.office(current.slot.office_id)
    return {
        "when": when_text(current.slot, bookings, office.id, t),
        "address": esc(office.address or office.city_in(t.locale)),
        "booked": True,
        "moved": moved,
    }


async def manage_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    _, current = await _registration(dialog_manager)
    if current is None:
        return {"booked": False, "when": "", "address": "", "changeable": False}
    office = bookings.office(current.slot.office_id)
    return {
        "booked": True,
        "when": when_text(current.slot, bookings, office.id, t),
        "address": esc(office.address or office.city_in(t.locale)),
        "changeable": bookings.changeable(current),
    }


async def on_cancel_booking(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    service: BookingService = manager.middleware_data["bookings"]
    outcome = await service.cancel(callback.from_user.id)
    if outcome is Booked.TOO_LATE:
        await callback.answer(t(REFUSALS[Booked.TOO_LATE]), show_alert=True)
    else:
        await callback.answer(t.gettext("Your interview is cancelled. You can book another time."))
    await manager.switch_to(B.manage)


def create_booking_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>Book my interview</b>", when="allowed"),
            T("Office: {office}", when="allowed"),
            T("Choose a day. Days with open times show their number.", when="allowed"),
            T("Choosing a new time moves your interview.", when="moving"),
            T(
                "There are no open times at the moment. Staff will publish more; "
                "you can also write to the office.",
                when="no_days",
            ),
            T("Booking an interview needs an open registration.", when=~F["allowed"]),
            LocalCalendar(
                id="calendar",
                on_click=on_day,
                when=F["allowed"] & ~F["no_days"],
                open_on_first_choosable=True,
            ),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat, when="no_days"),
            main_menu_button(),
            getter=day_getter,
            state=B.day,
        ),
        screen(
            Format("<b>{day}</b>"),
            T("Choose a time:"),
            T("No open time is left on this day.", when="none_left"),
            Group(
                Select(
                    Format("🕘 {item[1]}"),
                    id="time",
                    item_id_getter=itemgetter(0),
                    items="times",
                    on_click=on_time,
                ),
                width=3,
            ),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=B.day)),
            getter=time_getter,
            state=B.time,
        ),
        screen(
            T("<b>Please confirm your interview</b>"),
            T("When: {when}", when="available"),
            T("Where: {address}", when="available"),
            T("This will replace your current interview time.", when="moving"),
            T("This time is no longer available. Please choose another one.", when=~F["available"]),
            Button(T("✅ Confirm"), id="confirm", on_click=on_confirm, when="available"),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=B.time)),
            getter=confirm_getter,
            state=B.confirm,
        ),
        screen(
            T("<b>Your interview is booked.</b>", when=~F["moved"]),
            T("<b>Your interview is moved to a new time.</b>", when="moved"),
            T("When: {when}", when="booked"),
            T("Where: {address}", when="booked"),
            T("Bring your identity papers if you have any."),
            T("We will remind you the day before and two hours before."),
            main_menu_button(),
            getter=done_getter,
            state=B.done,
        ),
        screen(
            T("<b>My interview</b>"),
            T("When: {when}", when="booked"),
            T("Where: {address}", when="booked"),
            T("You have no interview booked.", when=~F["booked"]),
            T(
                "It is too late to change it here. Please contact the office.",
                when=F["booked"] & ~F["changeable"],
            ),
            SwitchTo(T("🔁 Choose another time"), id="move", state=B.day, when="changeable"),
            SwitchTo(T("🚫 Cancel my interview"), id="cancel", state=B.cancel, when="changeable"),
            SwitchTo(T("📅 Book my interview"), id="book", state=B.day, when=~F["booked"]),
            Cancel(T("⬅️ Back"), id="back"),
            getter=manage_getter,
            state=B.manage,
        ),
        screen(
            T("Cancel your interview? The time will go to someone else. You can book again later."),
            Row(
                Button(T("🚫 Yes, cancel it"), id="yes", on_click=on_cancel_booking),
                SwitchTo(T("⬅️ No"), id="no", state=B.manage),
            ),
            state=B.cancel,
        ),
    )
