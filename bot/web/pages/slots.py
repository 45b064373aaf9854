"""Slots: a week of an office's interview slots; publish, remove, mark attended or missed.

Everything goes through BookingService, as the bot's /slots does: the same plan rules
(bot.domain.booking.slot_times), its StaffPolicy check on every action, the same removal (the
people booked are told through the outbox, in their language) and the same marking (attended
moves the case to the medical check, missed back to contacted). Each action is audited; a
refusal by the service's policy too. Times are stored UTC and shown in the office's time zone.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from bot.domain.booking import (
    BOOKING_HORIZON_DAYS,
    LENGTHS_MINUTES,
    MAX_CAPACITY,
    BookingStatus,
    PlanError,
    SlotPlan,
)
from bot.domain.offices import Office
from bot.i18n import N_, Translator
from bot.services.staff_policy import NotStaffError
from bot.web import PREFIX
from bot.web.access import (
    FORM,
    STAFF,
    Staff,
    console_of,
    refused_by_policy,
    see_other,
    staff_only,
)
from bot.web.rendering import render

HOURS = [time(h, m) for h in range(7, 20) for m in (0, 30)]  # as the bot offers them
BOOKING_STATUSES = {  # how a booking ended, as staff read it on the slot (the bot's words)
    BookingStatus.ATTENDED: N_("attended"),
    BookingStatus.MISSED: N_("not attended"),
}
PLAN_ERRORS = {  # the bot's words for the plan rules (bot.domain.booking.slot_times)
    "capacity": N_("Each slot must take from 1 to {max} people."),
    "length": N_("Choose one of the interview lengths offered."),
    "end_before_start": N_("The end must be after the start."),
    "no_days": N_("Choose at least one day."),
    "nothing_in_future": N_("These times are all in the past. Choose later days or hours."),
    "hours": N_("Choose one of the hours offered."),
    "office": N_("Choose one of the offices offered."),
    "days": N_("Choose days from today to {last}."),
}
# What the page says after an action (?done=...): only these codes are ever shown.
NOTICES = {
    "kept": N_("The slot was kept."),
    "gone": N_("This slot was already removed."),
    "started": N_("This slot has already started: it can no longer be removed."),
    "marked": N_("Done."),
    "already": N_("This was already recorded."),
}


def _counted(done: str, n: int, t: Translator) -> str | None:
    """The notices with a number (?done=...&n=...)."""
    if done == "created":
        return t.ngettext("{n} slot created.", "{n} slots created.", n)
    if done == "removed":
        return t.ngettext("Removed. {n} person was told.", "Removed. {n} people were told.", n)
    return None


def _confirmation(n: int, t: Translator) -> str:
    return t.ngettext(
        "{n} person is booked on this slot. They will be told it is cancelled and "
        "asked to choose another time. Remove it?",
        "{n} people are booked on this slot. They will be told it is cancelled and "
        "asked to choose another time. Remove it?",
        n,
    )


def _office(offices: tuple[Office, ...], office_id: Any) -> Office | None:
    return next((o for o in offices if o.id == office_id), None)


def _office_name(office: Office, t: Translator) -> str:
    return f"{t.country(office.country)} – {office.city_in(t.locale)}"


def _week_start(day: date, t: Translator) -> date:
    """The first day of `day`'s week, as the staff member's locale counts weeks."""
    return day - timedelta(days=(day.weekday() - t.babel.first_week_day) % 7)


def _week_of(value: Any, today: date, t: Translator) -> date:
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and value else today
    except ValueError:
        day = today
    return _week_start(day, t)


def slots_url(office_id: str, week: date, done: str = "", n: int | None = None) -> str:
    query = {"office": office_id, "week": week.isoformat()}
    if done:
        query["done"] = done
    if n is not None:
        query["n"] = str(n)
    return f"{PREFIX}/slots?" + urlencode(query)


def _notice(query: Any, t: Translator) -> str | None:
    done = query.get("done", "")
    if done in NOTICES:
        return t(NOTICES[done])
    n = query.get("n", "")
    return _counted(done, int(n), t) if n.isdigit() and len(n) < 6 else None


async def _week_page(
    request: web.Request,
    office: Office,
    week: date,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> web.Response:
    console = console_of(request)
    staff: Staff = request[STAFF]
    t = staff.t
    bookings = console.app.bookings
    tz = office.tz
    try:
        found = await bookings.week(staff.user_id, office.id, week)
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    now = console.app.clock.now()
    today = bookings.today(office.id)
    last = today + timedelta(days=BOOKING_HORIZON_DAYS - 1)
    days: list[dict[str, Any]] = []
    for offset in range(7):
        day = week + timedelta(days=offset)
        days.append(
            {
                "iso": day.isoformat(),
                "label": t.date(day, "EEEE d MMMM"),
                "short": t.date(day, "EEE d MMM"),
                "today": day == today,
                "publishable": today <= day <= last,
                "slots": [],
            }
        )
    for slot, people in found:
        local = slot.starts_at.astimezone(tz).date()
        days[(local - week).days]["slots"].append(
            {
                "id": slot.id,
                "time": f"{t.time(slot.starts_at, tz)}–{t.time(slot.ends_at, tz)}",
                "booked": f"{t.number(slot.booked)}/{t.number(slot.capacity)}",
                "full": slot.free == 0,
                "started": slot.starts_at <= now,
                "people": [
                    {
                        "booking_id": booking.id,
                        "reference": reference,
                        "active": booking.status is BookingStatus.ACTIVE,
                        "status": t(BOOKING_STATUSES[booking.status])
                        if booking.status in BOOKING_STATUSES
                        else "",
                    }
                    for booking, reference in people
                ],
            }
        )
    offices = console.app.offices
    return render(
        console.templates,
        "slots.html",
        t,
        status=status,
        staff=staff,
        current="slots",
        notice=notice,
        error=error,
        office=office,
        offices=[(o.id, _office_name(o, t)) for o in offices],
        week=week.isoformat(),
        week_label=t.date(week, "d MMMM y"),
        previous_url=slots_url(office.id, week - timedelta(days=7)),
        next_url=slots_url(office.id, week + timedelta(days=7)),
        days=days,
        any_publishable=any(d["publishable"] for d in days),
        start_hours=[h.strftime("%H:%M") for h in HOURS[:-1]],
        end_hours=[h.strftime("%H:%M") for h in HOURS[1:]],
        lengths=[(m, t.ngettext("{n} minute", "{n} minutes", m)) for m in LENGTHS_MINUTES],
        max_capacity=MAX_CAPACITY,
        no_address=not office.address,
    )


@staff_only
async def slots_page(request: web.Request) -> web.Response:
    console = console_of(request)
    staff: Staff = request[STAFF]
    offices = console.app.offices
    office = _office(offices, request.query.get("office")) or offices[0]
    today = console.app.bookings.today(office.id)
    week = _week_of(request.query.get("week"), today, staff.t)
    return await _week_page(request, office, week, notice=_notice(request.query, staff.t))


def _plan(form: Any, office: Office, today: date) -> SlotPlan:
    """The plan from the form, or PlanError with the reason to show. The service then checks
    the plan's own rules (capacity, length, order of the hours, nothing in the past)."""
    last = today + timedelta(days=BOOKING_HORIZON_DAYS - 1)
    days = []
    for value in form.getall("day", []):
        try:
            day = date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None or not today <= day <= last:
            raise PlanError("days")
        days.append(day)
    try:
        start = time.fromisoformat(form.get("start", ""))
        end = time.fromisoformat(form.get("end", ""))
    except (TypeError, ValueError):
        raise PlanError("hours") from None
    if start not in HOURS or end not in HOURS:
        raise PlanError("hours")
    length, capacity = form.get("length", ""), form.get("capacity", "").strip()
    if not isinstance(length, str) or not length.isdecimal() or len(length) > 4:
        raise PlanError("length")
    if not isinstance(capacity, str) or not capacity.isdecimal() or len(capacity) > 4:
        raise PlanError("capacity")
    return SlotPlan(office.id, tuple(days), start, end, int(length), int(capacity))


@staff_only
async def publish(request: web.Request) -> web.Response:
    console = console_of(request)
    staff: Staff = request[STAFF]
    form = request[FORM]
    t = staff.t
    offices = console.app.offices
    office = _office(offices, form.get("office"))
    shown = office or offices[0]
    today = console.app.bookings.today(shown.id)
    week = _week_of(form.get("week"), today, t)
    try:
        if office is None:
            raise PlanError("office")
        plan = _plan(form, office, today)
        created = await console.app.bookings.publish(staff.user_id, plan)
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    except PlanError as error:
        last = t.date(today + timedelta(days=BOOKING_HORIZON_DAYS - 1), "medium")
        message = t(PLAN_ERRORS[error.reason], max=MAX_CAPACITY, last=last)
        return await _week_page(request, shown, week, error=message, status=400)
    await console.app.audit.console(staff.user_id, f"publish {created} slots office {office.id}")
    first = _week_start(min(plan.days), t)
    return see_other(slots_url(office.id, first, "created", created))


def _slot_id(request: web.Request) -> int | None:
    value = request.match_info["slot_id"]
    return int(value) if value.isdigit() and len(value) < 12 else None


@staff_only
async def remove(request: web.Request) -> web.Response:
    """With people booked, asks first (naming how many); "confirm" then removes and tells them."""
    console = console_of(request)
    staff: Staff = request[STAFF]
    form = request[FORM]
    t = staff.t
    bookings = console.app.bookings
    slot_id = _slot_id(request)
    try:
        detail = await bookings.slot_detail(staff.user_id, slot_id) if slot_id else None
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    offices = console.app.offices
    office = _office(offices, detail[0].office_id if detail else form.get("office")) or offices[0]
    if detail is None or slot_id is None:
        week = _week_of(form.get("week"), bookings.today(office.id), t)
        return see_other(slots_url(office.id, week, "gone"))
    slot, people = detail
    week = _week_start(bookings.local_day(slot), t)
    if slot.starts_at <= console.app.clock.now():
        return see_other(slots_url(office.id, week, "started"))
    booked = sum(1 for booking, _ in people if booking.status is BookingStatus.ACTIVE)
    if booked and form.get("confirm") != "yes":
        tz = office.tz
        local = slot.starts_at.astimezone(tz)
        return render(
            console.templates,
            "slot_remove.html",
            t,
            staff=staff,
            current="slots",
            slot_id=slot.id,
            office_name=_office_name(office, t),
            when=f"{t.date(local.date(), 'full')} {t.time(slot.starts_at, tz)}",
            question=_confirmation(booked, t),
            back_url=slots_url(office.id, week),
        )
    try:
        told = await bookings.remove_slot(staff.user_id, slot.id)
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    if told is None:
        return see_other(slots_url(office.id, week, "gone"))
    await console.app.audit.console(staff.user_id, f"remove slot {slot.id} ({told} told)")
    return see_other(slots_url(office.id, week, "removed", told))


@staff_only
async def keep(request: web.Request) -> web.Response:
    """Cancel on the confirmation: nothing changes."""
    console = console_of(request)
    staff: Staff = request[STAFF]
    bookings = console.app.bookings
    slot_id = _slot_id(request)
    try:
        detail = await bookings.slot_detail(staff.user_id, slot_id) if slot_id else None
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    offices = console.app.offices
    if detail is None:
        office = offices[0]
        return see_other(slots_url(office.id, _week_of("", bookings.today(office.id), staff.t)))
    slot = detail[0]
    office = _office(offices, slot.office_id) or offices[0]
    week = _week_start(bookings.local_day(slot), staff.t)
    return see_other(slots_url(office.id, week, "kept"))


@staff_only
async def mark(request: web.Request) -> web.Response:
    """Attended (the case moves on to the medical check) or missed (back to contacted, and the
    person is told), as the bot's ✅ / ❌ buttons."""
    console = console_of(request)
    staff: Staff = request[STAFF]
    form = request[FORM]
    bookings = console.app.bookings
    value = request.match_info["booking_id"]
    outcome = form.get("outcome")
    offices = console.app.offices
    office = _office(offices, form.get("office")) or offices[0]
    week = _week_of(form.get("week"), bookings.today(office.id), staff.t)
    if not value.isdigit() or len(value) > 11 or outcome not in ("attended", "missed"):
        return see_other(slots_url(office.id, week, "already"))
    attended = outcome == "attended"
    try:
        changed = await bookings.mark(staff.user_id, int(value), attended)
    except NotStaffError:
        return await refused_by_policy(request, staff, "slots")
    if not changed:
        return see_other(slots_url(office.id, week, "already"))
    await console.app.audit.console(staff.user_id, f"mark booking {value} {outcome}")
    return see_other(slots_url(office.id, week, "marked"))


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/slots", slots_page)
    router.add_post("/slots/publish", publish)
    router.add_post("/slots/{slot_id}/remove", remove)
    router.add_post("/slots/{slot_id}/keep", keep)
    router.add_post("/slots/bookings/{booking_id}/mark", mark)
