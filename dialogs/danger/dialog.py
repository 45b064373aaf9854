""" "🆘 I am in danger / I need help now": the emergency numbers of the person's office and one
button that sends an urgent alert to the office (first in the outbox, marked urgent in the
staff group, repeated once if nobody takes it). The person is told honestly what happens next
and when the office is open."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Select, Start
from aiogram_dialog.widgets.text import Format

from bot.domain.office_hours import is_open, next_opening
from bot.domain.offices import Office
from bot.i18n import Translator
from bot.services.protection import UrgentService
from dialogs.info.getters import hours_text
from dialogs.states import DangerSG, InfoSG, TalkSG
from dialogs.widgets import T, esc, screen, translator


def danger_button(when: Any = None) -> Start:
    """The entry to this dialog, for the menu and every screen where someone may be unsafe."""
    return Start(
        T("🆘 I am in danger / I need help now"), id="danger", state=DangerSG.main, when=when
    )


def _user_id(manager: DialogManager) -> int:
    return manager.middleware_data["event_from_user"].id


async def on_start(_data: Any, manager: DialogManager) -> None:
    service: UrgentService = manager.middleware_data["urgent"]
    office = await service.office_of(_user_id(manager))
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    if office is not None or len(offices) == 1:
        manager.dialog_data["office"] = (office or offices[0]).id


def emergency_lines(office: Office, t: Translator) -> str:
    return "\n".join(
        f"• {esc(contact.label(t.locale))}: {t.isolate(esc(contact.number))}"
        for contact in office.emergency
    )


async def danger_getter(
    dialog_manager: DialogManager, urgent: UrgentService, offices: tuple[Office, ...],
    t: Translator, **_: Any,
) -> dict[str, Any]:  # fmt: skip
    office_id = dialog_manager.dialog_data.get("office")
    office = urgent.office(office_id)
    return {
        "choose_office": office_id is None,
        "offices": [(o.id, f"{t.country(o.country)} – {o.city}") for o in offices],
        "numbers": emergency_lines(office, t),
        # Not before they said where they are: another country's numbers would mislead.
        "has_numbers": office_id is not None and bool(office.emergency),
    }


async def on_office(_c: CallbackQuery, _w: Any, manager: DialogManager, office_id: str) -> None:
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    if any(o.id == office_id for o in offices):
        manager.dialog_data["office"] = office_id


async def on_alert(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: UrgentService = manager.middleware_data["urgent"]
    raised = await service.raise_alert(
        callback.from_user.id, translator(manager).locale, manager.dialog_data.get("office")
    )
    manager.dialog_data.update(alert=raised.alert.id, new=raised.new)
    await manager.switch_to(DangerSG.sent)


async def sent_getter(
    dialog_manager: DialogManager, urgent: UrgentService, t: Translator, clock: Any, **_: Any
) -> dict[str, Any]:
    alert_id = dialog_manager.dialog_data.get("alert")
    alert = await urgent.get(alert_id) if isinstance(alert_id, int) else None
    if alert is None or alert.user_id != _user_id(dialog_manager):
        office, sent_at = urgent.office(dialog_manager.dialog_data.get("office")), clock.now()
    else:
        office, sent_at = urgent.office(alert.office_id), alert.created_at
    now = clock.now()
    opening = next_opening(office.hours, office.tz, now)
    local = opening.astimezone(office.tz) if opening else None
    local_sent = sent_at.astimezone(office.tz)
    return {
        "new": bool(dialog_manager.dialog_data.get("new", True)),
        "sent_at": t.gettext(
            "{date} at {time}",
            date=t.date(local_sent.date(), "full"),
            time=t.time(local_sent, office.tz),
        ),
        "open_now": bool(office.hours) and is_open(office.hours, office.tz, now),
        "closed": bool(office.hours) and not is_open(office.hours, office.tz, now),
        "no_hours": not office.hours,
        "opens": t.gettext(
            "{date} at {time}", date=t.date(local.date(), "full"), time=t.time(local, office.tz)
        )
        if local
        else "",
        "hours": hours_text(office, t),
        "numbers": emergency_lines(office, t),
        "has_numbers": bool(office.emergency),
        "taken": alert is not None and alert.taken_at is not None,
    }


def create_danger_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>🆘 Help now</b>"),
            T("Where are you now?", when="choose_office"),
            T("If your life is in danger now, call:\n{numbers}", when="has_numbers"),
            T(
                "Press 🚨 below to send an urgent alert to the office. Office staff will see it "
                "and answer you here, in this chat.",
                when=~F["choose_office"],
            ),
            Group(
                Select(
                    Format("{item[1]}"),
                    id="office",
                    item_id_getter=itemgetter(0),
                    items="offices",
                    on_click=on_office,
                ),
                width=1,
                when="choose_office",
            ),
            Button(
                T("🚨 Send an urgent alert to the office"),
                id="alert",
                on_click=on_alert,
                when=~F["choose_office"],
            ),
            Start(T("📞 Contact the office"), id="contact", state=InfoSG.contact),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=danger_getter,
            state=DangerSG.main,
        ),
        screen(
            T("✅ <b>Your alert was sent to the office.</b>", when="new"),
            T(
                "✅ <b>Your alert was already sent, {sent_at}.</b> You do not need to press again.",
                when=~F["new"],
            ),
            T("A staff member has seen it.", when="taken"),
            T(
                "The office is open now. A staff member should answer you here soon.",
                when="open_now",
            ),
            T(
                "The office is closed now. It opens again {opens}. Staff may not see your alert "
                "before then.",
                when="closed",
            ),
            T("Office hours: {hours}", when=F["hours"]),
            T(
                "Staff answer during office hours. We cannot promise how soon someone will see "
                "your alert.",
                when="no_hours",
            ),
            T("If your life is in danger now, call:\n{numbers}", when="has_numbers"),
            T('You can tell the office more: press "✉️ Write to the office".'),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=sent_getter,
            state=DangerSG.sent,
        ),
        on_start=on_start,
    )
