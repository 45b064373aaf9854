"""Staff figures (/stats) and exports (/export): a period, an office, then the tables and charts,
or the CSV files. Exports are pseudonymised unless a second confirmation asks for names."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.domain.offices import Office
from bot.domain.stats import Period, earliest_day, export_columns, preset_period
from bot.i18n import Translator
from bot.presentation.reports import csv_bytes, export_filename, office_label, text_report
from bot.services.stats import NotStaffError, StatsService
from dialogs.calendar import LocalCalendar
from dialogs.states import StatsSG as S
from dialogs.widgets import T, on_staff_close, screen, translator

EXPORT = "export"


async def on_start(start_data: Any, manager: DialogManager) -> None:
    manager.dialog_data["purpose"] = (
        start_data.get("purpose", "stats") if isinstance(start_data, dict) else "stats"
    )


def _today(manager: DialogManager) -> date:
    return manager.middleware_data["clock"].now().date()


def _allowed(manager: DialogManager) -> bool:
    """Checked on every press (the middleware reads STAFF_USER_IDS for each update)."""
    return bool(manager.middleware_data.get("is_staff"))


async def on_preset(callback: CallbackQuery, button: Any, manager: DialogManager) -> None:
    period = preset_period(button.widget_id, _today(manager))
    manager.dialog_data.update(start=period.start.isoformat(), end=period.end.isoformat())
    await manager.switch_to(S.office)


async def range_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    today = _today(dialog_manager)
    first = earliest_day(today)
    days = (today - first).days + 1
    return {
        "choosable_days": [(first + timedelta(days=n)).isoformat() for n in range(days)],
        "min_date": first,
        "max_date": today,
    }


async def on_start_day(_c: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    manager.dialog_data["start"] = day.isoformat()
    await manager.switch_to(S.end)


async def on_end_day(callback: CallbackQuery, _w: Any, manager: DialogManager, day: date) -> None:
    if day < date.fromisoformat(manager.dialog_data.get("start", day.isoformat())):
        await callback.answer(
            translator(manager).gettext("The end must be after the start."), show_alert=True
        )
        return
    manager.dialog_data["end"] = day.isoformat()
    await manager.switch_to(S.office)


async def offices_getter(offices: tuple[Office, ...], t: Translator, **_: Any) -> dict[str, Any]:
    return {
        "offices": [("all", t.gettext("All offices"))]
        + [(o.id, office_label(o, t)) for o in offices]
    }


def _period(manager: DialogManager) -> Period:
    return Period(
        date.fromisoformat(manager.dialog_data["start"]),
        date.fromisoformat(manager.dialog_data["end"]),
    )


async def on_office(
    callback: CallbackQuery, _w: Any, manager: DialogManager, office_id: str
) -> None:
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    if office_id != "all" and office_id not in {o.id for o in offices}:
        return
    manager.dialog_data["office"] = office_id
    if not _allowed(manager):
        purpose = manager.dialog_data.get("purpose", "stats")
        await manager.middleware_data["audit"].refused(callback.from_user.id, purpose)
        await callback.answer(
            translator(manager).gettext("Only office staff can do this."), show_alert=True
        )
        return
    if manager.dialog_data.get("purpose") == EXPORT:
        await manager.switch_to(S.export_kind)
        return
    await send_report(callback.message, manager)  # type: ignore[arg-type]
    await manager.switch_to(S.shown)
    manager.show_mode = ShowMode.SEND


async def send_report(message: Message, manager: DialogManager) -> None:
    from bot.presentation.charts import country_gender_chart, funnel_chart

    t = translator(manager)
    service: StatsService = manager.middleware_data["stats"]
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    office_id = manager.dialog_data.get("office")
    office_id = None if office_id == "all" else office_id
    report = await service.report(_period(manager), office_id)
    name = next(
        (office_label(o, t) for o in offices if o.id == office_id),
        t.gettext("All offices"),
    )
    for text in text_report(report, t, name):
        await message.answer(text)
    # In Arabic too: charts.py shapes and orders the words (README: Figures). Drawn in a worker
    # thread (about half a second each): the bot goes on serving people meanwhile.
    charts = (
        (
            "registrations.png",
            await asyncio.to_thread(
                country_gender_chart, report, t, t.gettext("Registrations by country and gender")
            ),
        ),
        (
            "funnel.png",
            await asyncio.to_thread(
                funnel_chart, report, t, t.gettext("From registration to return")
            ),
        ),
    )
    for filename, png in charts:
        await message.answer_photo(BufferedInputFile(png, filename))


async def on_export(callback: CallbackQuery, button: Any, manager: DialogManager) -> None:
    if button.widget_id == "full":
        await manager.switch_to(S.export_confirm)
        return
    await _send_export(callback, manager, full=False)


async def on_export_full(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    await _send_export(callback, manager, full=True)


async def _send_export(callback: CallbackQuery, manager: DialogManager, full: bool) -> None:
    t = translator(manager)
    service: StatsService = manager.middleware_data["stats"]
    office_id = manager.dialog_data.get("office")
    period = _period(manager)
    try:
        tables = await service.export(
            callback.from_user.id, period, None if office_id == "all" else office_id, full=full
        )
    except NotStaffError:
        what = "export with names" if full else "export"
        await manager.middleware_data["audit"].refused(callback.from_user.id, what)
        await callback.answer(t.gettext("Only office staff can do this."), show_alert=True)
        return
    for name, rows in tables.items():
        await callback.message.answer_document(  # type: ignore[union-attr]
            BufferedInputFile(
                csv_bytes(rows, export_columns(name, full)), export_filename(name, period, full)
            )
        )
    await callback.answer()
    await manager.switch_to(S.shown)
    manager.show_mode = ShowMode.SEND


def create_stats_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>Figures</b>: choose a period.", when=F["purpose"] != EXPORT),
            T("<b>Export</b>: choose a period.", when=F["purpose"] == EXPORT),
            Row(
                Button(T("This month"), id="month", on_click=on_preset),
                Button(T("This year"), id="year", on_click=on_preset),
                Button(T("Last year"), id="last_year", on_click=on_preset),
            ),
            SwitchTo(T("🗓 Choose dates"), id="range", state=S.start),
            Button(T("✖️ Close"), id="close", on_click=on_staff_close),
            getter=purpose_getter,
            state=S.period,
        ),
        screen(
            T("From which day?"),
            LocalCalendar(id="from", on_click=on_start_day),
            SwitchTo(T("⬅️ Back"), id="back", state=S.period),
            getter=range_getter,
            state=S.start,
        ),
        screen(
            T("Until which day?"),
            LocalCalendar(id="to", on_click=on_end_day),
            SwitchTo(T("⬅️ Back"), id="back", state=S.start),
            getter=range_getter,
            state=S.end,
        ),
        screen(
            T("Which office?"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="office",
                    item_id_getter=itemgetter(0),
                    items="offices",
                    on_click=on_office,
                )
            ),
            SwitchTo(T("⬅️ Back"), id="back", state=S.period),
            getter=offices_getter,
            state=S.office,
        ),
        screen(
            T("Done."),
            SwitchTo(T("🔁 Another period"), id="again", state=S.period),
            Button(T("✖️ Close"), id="close", on_click=on_staff_close),
            state=S.shown,
        ),
        screen(
            T(
                "Registrations, interview bookings and check-in answers of the period, as CSV "
                "files. Pseudonymised: the reference stands for the person. People who deleted "
                "their data are not included."
            ),
            Button(T("📄 Pseudonymised export"), id="pseudonymised", on_click=on_export),
            Button(T("⚠️ With names and phone numbers"), id="full", on_click=on_export),
            SwitchTo(T("⬅️ Back"), id="back", state=S.office),
            state=S.export_kind,
        ),
        screen(
            T(
                "<b>This file will contain names and phone numbers.</b> Keep it only as long as "
                "needed, never share it outside the office. This export is recorded with your "
                "name in the audit log. Continue?"
            ),
            Button(T("⚠️ Yes, export with names"), id="confirm_full", on_click=on_export_full),
            SwitchTo(T("⬅️ No"), id="no", state=S.export_kind),
            state=S.export_confirm,
        ),
        on_start=on_start,
    )


async def purpose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"purpose": dialog_manager.dialog_data.get("purpose", "stats")}
