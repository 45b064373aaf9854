"""Staff: publish interview slots, see the coming two weeks, remove a slot, mark interviews
attended or missed. Reached with /slots (allowlisted staff, private chat); every action is
checked again against STAFF_USER_IDS by the booking service."""

from __future__ import annotations

from datetime import date, time, timedelta
from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import (
    Button,
    Column,
    Group,
    Row,
    ScrollingGroup,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Format

from bot.domain.booking import (
    BOOKING_HORIZON_DAYS,
    LENGTHS_MINUTES,
    MAX_CAPACITY,
    PlanError,
    SlotPlan,
)
from bot.domain.offices import Office
from bot.i18n import N_, Translator
from bot.services.booking import BookingService
from bot.services.staff_policy import NotStaffError
from dialogs.calendar import LocalCalendar
from dialogs.inputs import MessageInput
from dialogs.states import SlotsSG as S
from dialogs.widgets import TP, NavRow, T, choices, esc, on_staff_close, pager, screen, translator

HOURS = [time(h, m) for h in range(7, 20) for m in (0, 30)]
BOOKING_STATUSES = {  # how a booking ended, as staff read it on the slot
    "cancelled": N_("cancelled"),
    "moved": N_("moved to another time"),
    "slot_removed": N_("slot removed"),
    "attended": N_("attended"),
    "missed": N_("not attended"),
}
PLAN_ERRORS = {
    "capacity": N_("Each slot must take from 1 to {max} people."),
    "length": N_("Choose one of the interview lengths offered."),
    "end_before_start": N_("The end must be after the start."),
    "no_days": N_("Choose at least one day."),
    "nothing_in_future": N_("These times are all in the past. Choose later days or hours."),
}


def _user(manager: DialogManager) -> int:
    return manager.middleware_data["event_from_user"].id


async def _refuse(callback: CallbackQuery, manager: DialogManager) -> None:
    """Not staff (checked on every action): told so, and the refusal is audited."""
    what = f"slots: {manager.current_context().state.state}"
    await manager.middleware_data["audit"].refused(callback.from_user.id, what)
    await callback.answer(
        translator(manager).gettext("Only office staff can do this."), show_alert=True
    )


# -- schedule -------------------------------------------------------------------------------
async def schedule_getter(
    dialog_manager: DialogManager, bookings: BookingService, offices: tuple[Office, ...],
    t: Translator, **_: Any,
) -> dict[str, Any]:  # fmt: skip
    try:
        slots = await bookings.schedule(_user(dialog_manager), None)
    except NotStaffError:
        slots = []
    names = {o.id: f"{t.country(o.country)} – {o.city_in(t.locale)}" for o in offices}
    items = []
    for slot in slots:
        tz = bookings.office(slot.office_id).tz
        local = slot.starts_at.astimezone(tz)
        day, hour = t.date(local.date(), "EEE d MMM"), t.time(slot.starts_at, tz)
        label = f"{day} {hour} · {slot.booked}/{slot.capacity}"
        if len(offices) > 1:
            label += f" · {names[slot.office_id]}"
        items.append((str(slot.id), label))
    return {"slots": items, "empty": not items, "count": len(items)}


async def on_slot(_c: CallbackQuery, _w: Any, manager: DialogManager, slot_id: str) -> None:
    if slot_id.isdigit():
        manager.dialog_data["slot_id"] = int(slot_id)
        manager.dialog_data.pop("confirm_remove", None)
        await manager.switch_to(S.slot)


async def slot_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    detail = None
    slot_id = dialog_manager.dialog_data.get("slot_id")
    if isinstance(slot_id, int):
        try:
            detail = await bookings.slot_detail(_user(dialog_manager), slot_id)
        except NotStaffError:
            detail = None
    if detail is None:
        return {"found": False, "when": "", "booked": "", "people": []}
    slot, people = detail
    tz = bookings.office(slot.office_id).tz
    local = slot.starts_at.astimezone(tz)
    active = [(str(b.id), ref) for b, ref in people if b.status.value == "active"]
    done = [
        f"{ref}: {t(BOOKING_STATUSES.get(b.status.value, b.status.value))}"
        for b, ref in people
        if b.status.value != "active"
    ]
    return {
        "found": True,
        "when": f"{t.date(local.date(), 'full')} {t.time(slot.starts_at, tz)}",
        "booked": f"{slot.booked}/{slot.capacity}",
        "people": active,
        "marked": "\n".join(done),
        "has_marked": bool(done),
        "active_count": len(active),
        "confirming": bool(dialog_manager.dialog_data.get("confirm_remove")) and bool(active),
    }


async def _mark(
    callback: CallbackQuery, manager: DialogManager, booking_id: str, attended: bool
) -> None:
    service: BookingService = manager.middleware_data["bookings"]
    t = translator(manager)
    try:
        changed = booking_id.isdigit() and await service.mark(
            callback.from_user.id, int(booking_id), attended
        )
    except NotStaffError:
        await _refuse(callback, manager)
        return
    await callback.answer(
        t.gettext("Done.") if changed else t.gettext("This was already recorded.")
    )


async def on_attended(
    callback: CallbackQuery, _w: Any, manager: DialogManager, booking_id: str
) -> None:
    await _mark(callback, manager, booking_id, attended=True)


async def on_missed(
    callback: CallbackQuery, _w: Any, manager: DialogManager, booking_id: str
) -> None:
    await _mark(callback, manager, booking_id, attended=False)


async def on_remove(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """With people booked, the first press asks to confirm (naming how many); then removes."""
    service: BookingService = manager.middleware_data["bookings"]
    slot_id = manager.dialog_data.get("slot_id", 0)
    if not manager.dialog_data.get("confirm_remove"):
        try:
            detail = await service.slot_detail(callback.from_user.id, slot_id)
        except NotStaffError:
            await _refuse(callback, manager)
            return
        if detail is not None and any(b.status.value == "active" for b, _ in detail[1]):
            manager.dialog_data["confirm_remove"] = True
            return
    await _remove(callback, manager)


async def on_keep_slot(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data.pop("confirm_remove", None)


async def _remove(callback: CallbackQuery, manager: DialogManager) -> None:
    manager.dialog_data.pop("confirm_remove", None)
    service: BookingService = manager.middleware_data["bookings"]
    t = translator(manager)
    try:
        told = await service.remove_slot(
            callback.from_user.id, manager.dialog_data.get("slot_id", 0)
        )
    except NotStaffError:
        await _refuse(callback, manager)
        return
    if told is None:
        await callback.answer(t.gettext("This slot was already removed."))
    else:
        await callback.answer(
            t.ngettext("Removed. {n} person was told.", "Removed. {n} people were told.", told),
            show_alert=True,
        )
    await manager.switch_to(S.schedule)


# -- publishing -----------------------------------------------------------------------------
async def offices_getter(offices: tuple[Office, ...], t: Translator, **_: Any) -> dict[str, Any]:
    return {"offices": [(o.id, f"{t.country(o.country)} – {o.city_in(t.locale)}") for o in offices]}


async def on_office(_c: CallbackQuery, _w: Any, manager: DialogManager, office_id: str) -> None:
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    if office_id in {o.id for o in offices}:
        manager.dialog_data.update(office_id=office_id, days=[])
        await manager.switch_to(S.days)


async def days_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    office_id = dialog_manager.dialog_data.get("office_id")
    if office_id is None:
        return {"choosable_days": [], "chosen": "", "has_days": False}
    today = bookings.today(office_id)
    chosen = sorted(dialog_manager.dialog_data.get("days", []))
    every_day = [(today + timedelta(days=n)).isoformat() for n in range(BOOKING_HORIZON_DAYS)]
    return {
        "choosable_days": every_day,
        "chosen": ", ".join(t.date(date.fromisoformat(d), "EEE d MMM") for d in chosen),
        "has_days": bool(chosen),
        "calendar_tz": bookings.office(office_id).tz,
        "min_date": today,
        "max_date": today + timedelta(days=BOOKING_HORIZON_DAYS - 1),
    }


async def on_day_toggled(_c: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    days = set(manager.dialog_data.get("days", []))
    days ^= {day.isoformat()}
    manager.dialog_data["days"] = sorted(days)


def _times(items: list[time]) -> list[tuple[str, str]]:
    return [(value.strftime("%H:%M"), value.strftime("%H:%M")) for value in items]


async def start_getter(**_: Any) -> dict[str, Any]:
    return {"hours": _times(HOURS[:-1])}


async def end_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    start = time.fromisoformat(dialog_manager.dialog_data.get("start", "07:00"))
    return {"hours": _times([h for h in HOURS if h > start])}


async def on_start_hour(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
    manager.dialog_data["start"] = value
    await manager.switch_to(S.end)


async def on_end_hour(callback: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
    if time.fromisoformat(value) <= time.fromisoformat(manager.dialog_data.get("start", "00:00")):
        await callback.answer(translator(manager)(PLAN_ERRORS["end_before_start"]), show_alert=True)
        return
    manager.dialog_data["end"] = value
    await manager.switch_to(S.length)


async def lengths_getter(t: Translator, **_: Any) -> dict[str, Any]:
    return {
        "lengths": [(str(m), t.ngettext("{n} minute", "{n} minutes", m)) for m in LENGTHS_MINUTES]
    }


async def on_length(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
    manager.dialog_data["length"] = int(value)
    await manager.switch_to(S.capacity)


async def capacity_getter(**_: Any) -> dict[str, Any]:
    return {"capacities": [(str(n), str(n)) for n in range(1, 6)]}


async def on_capacity(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
    manager.dialog_data["capacity"] = int(value)
    await manager.switch_to(S.summary)


async def on_capacity_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if not text.isdecimal() or not 1 <= int(text) <= MAX_CAPACITY:
        await message.answer(translator(manager)(PLAN_ERRORS["capacity"], max=MAX_CAPACITY))
        manager.show_mode = ShowMode.SEND
        return
    manager.dialog_data["capacity"] = int(text)
    await manager.switch_to(S.summary)


def plan_from(data: dict[str, Any]) -> SlotPlan:
    return SlotPlan(
        office_id=data["office_id"],
        days=tuple(date.fromisoformat(d) for d in data.get("days", [])),
        start=time.fromisoformat(data["start"]),
        end=time.fromisoformat(data["end"]),
        length_minutes=int(data["length"]),
        capacity=int(data["capacity"]),
    )


async def summary_getter(
    dialog_manager: DialogManager, bookings: BookingService, t: Translator, **_: Any
) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    plan = plan_from(data)
    office = bookings.office(plan.office_id)
    return {
        "office": esc(f"{t.country(office.country)} – {office.city_in(t.locale)}"),
        "days": ", ".join(t.date(d, "EEE d MMM") for d in plan.days),
        "hours": f"{data['start']}–{data['end']}",
        "length": t.ngettext("{n} minute", "{n} minutes", plan.length_minutes),
        "capacity": t.number(plan.capacity),
        "no_address": not office.address,
    }


async def on_create(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: BookingService = manager.middleware_data["bookings"]
    t = translator(manager)
    try:
        created = await service.publish(callback.from_user.id, plan_from(manager.dialog_data))
    except NotStaffError:
        await _refuse(callback, manager)
        return
    except (PlanError, KeyError, ValueError) as error:
        reason = error.reason if isinstance(error, PlanError) else "no_days"
        await callback.answer(t(PLAN_ERRORS[reason], max=MAX_CAPACITY), show_alert=True)
        return
    await callback.answer(
        t.ngettext("{n} slot created.", "{n} slots created.", created), show_alert=True
    )
    await manager.switch_to(S.schedule)


def create_slots_dialog() -> Dialog:
    back_to_schedule = SwitchTo(T("⬅️ Back"), id="to_schedule", state=S.schedule)
    return Dialog(
        screen(
            T("<b>Interview slots: the coming two weeks</b>"),
            T(
                "Time · booked/places. Press a slot to see who is booked, mark interviews "
                "or remove it."
            ),
            T("No slot yet.", when="empty"),
            ScrollingGroup(
                Select(
                    Format("{item[1]}"),
                    id="slot",
                    item_id_getter=itemgetter(0),
                    items="slots",
                    on_click=on_slot,
                ),
                id="slots_page",
                width=1,
                height=8,
                hide_pager=True,
            ),
            pager("slots_page"),
            SwitchTo(T("➕ Publish slots"), id="publish", state=S.office),
            Button(T("✖️ Close"), id="close", on_click=on_staff_close),
            getter=schedule_getter,
            state=S.schedule,
        ),
        screen(
            Format("<b>{when}</b>", when="found"),
            T("Booked: {booked}", when="found"),
            T("Mark each interview when it is over:", when="people"),
            Format("{marked}", when="has_marked"),
            T("This slot no longer exists.", when=~F["found"]),
            Group(
                Select(
                    Format("✅ {item[1]}"),
                    id="attended",
                    item_id_getter=itemgetter(0),
                    items="people",
                    on_click=on_attended,
                ),
                Select(
                    Format("❌ {item[1]}"),
                    id="missed",
                    item_id_getter=itemgetter(0),
                    items="people",
                    on_click=on_missed,
                ),
                width=2,
            ),
            TP(
                "{n} person is booked on this slot. They will be told it is cancelled and "
                "asked to choose another time. Remove it?",
                "{n} people are booked on this slot. They will be told it is cancelled and "
                "asked to choose another time. Remove it?",
                count="active_count",
                when="confirming",
            ),
            Button(
                T("🗑 Remove this slot"),
                id="remove",
                on_click=on_remove,
                when=F["found"] & ~F["confirming"],
            ),
            Row(
                Button(T("🗑 Yes, remove it"), id="remove_yes", on_click=on_remove),
                Button(T("⬅️ No, keep it"), id="remove_no", on_click=on_keep_slot),
                when="confirming",
            ),
            back_to_schedule,
            getter=slot_getter,
            state=S.slot,
        ),
        screen(
            T("For which office?"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="office",
                    item_id_getter=itemgetter(0),
                    items="offices",
                    on_click=on_office,
                )
            ),
            back_to_schedule,
            getter=offices_getter,
            state=S.office,
        ),
        screen(
            T("Choose the days (press again to unselect), then Continue."),
            T("Chosen: {chosen}", when="has_days"),
            LocalCalendar(id="days", on_click=on_day_toggled),
            SwitchTo(T("Continue ➡️"), id="next", state=S.start, when="has_days"),
            back_to_schedule,
            getter=days_getter,
            state=S.days,
        ),
        screen(
            T("From what time?"),
            choices("start", "hours", on_start_hour, width=4),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=S.days)),
            getter=start_getter,
            state=S.start,
        ),
        screen(
            T("Until what time?"),
            choices("end", "hours", on_end_hour, width=4),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=S.start)),
            getter=end_getter,
            state=S.end,
        ),
        screen(
            T("How long is one interview?"),
            choices("length", "lengths", on_length, width=3),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=S.end)),
            getter=lengths_getter,
            state=S.length,
        ),
        screen(
            T("How many people can be received at the same time (interviewers in parallel)?"),
            choices("capacity", "capacities", on_capacity, width=5),
            MessageInput(on_capacity_typed, content_types=ContentType.TEXT),
            NavRow(SwitchTo(T("⬅️ Back"), id="back", state=S.length)),
            getter=capacity_getter,
            state=S.capacity,
        ),
        screen(
            T("<b>Publish these slots?</b>"),
            T(
                "Office: {office}\nDays: {days}\nHours: {hours}\nLength: {length}\n"
                "People per slot: {capacity}"
            ),
            T(
                "⚠️ This office has no address in config/offices.toml: the people who book "
                "will not be told where to come. Add the address first, or tell each person "
                "yourself.",
                when="no_address",
            ),
            Row(
                Button(T("✅ Publish"), id="create", on_click=on_create),
                SwitchTo(T("⬅️ Back"), id="back", state=S.capacity),
            ),
            getter=summary_getter,
            state=S.summary,
        ),
    )
