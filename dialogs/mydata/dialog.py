"""The person's control: "My registration" (status, edit contact details, withdraw) and /delete."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button, Cancel, Row, Start, SwitchTo

from bot.domain.offices import Office
from bot.domain.registration import InvalidInput, clean_name, normalise_phone
from bot.i18n import N_, Translator
from bot.presentation.labels import STATUSES
from bot.services.registration import RegistrationService
from dialogs.inputs import MessageInput
from dialogs.states import BookingSG, DeleteSG, MenuSG, TalkSG
from dialogs.states import MyRegistrationSG as M
from dialogs.widgets import T, esc, screen, translator


async def registration_getter(
    dialog_manager: DialogManager,
    registrations: RegistrationService,
    offices: tuple[Office, ...],
    t: Translator,
    **_: Any,
) -> dict[str, Any]:
    user = dialog_manager.middleware_data.get("event_from_user")
    registration = await registrations.open_for(user.id) if user else None
    if registration is None:
        return {
            "found": False,
            "reference": "",
            "status": "",
            "office": "",
            "date": "",
            "name": "",
            "phone": "",
        }
    office = next((o for o in offices if o.id == registration.draft.office_id), offices[0])
    return {
        "found": True,
        "reference": t.isolate(registration.reference),
        "status": t(STATUSES[registration.status]),
        "office": esc(f"{t.country(office.country)} – {office.city_in(t.locale)}"),
        "date": t.date(registration.created_at.astimezone(office.tz).date(), "long"),
        "name": esc(registration.draft.name),
        "phone": t.isolate(registration.draft.phone)
        if registration.draft.phone
        else t.gettext("not given"),
    }


async def _reply(message: Message, manager: DialogManager, msgid: str) -> None:
    await message.answer(translator(manager)(msgid))
    manager.show_mode = ShowMode.SEND


async def on_new_name(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        name = clean_name(message.text or "")
    except InvalidInput:
        await _reply(message, manager, N_("Please write a name with letters."))
        return
    service: RegistrationService = manager.middleware_data["registrations"]
    await service.update_contact(message.from_user.id, name=name)  # type: ignore[union-attr]
    await _reply(message, manager, N_("Saved. Staff have been told."))
    await manager.switch_to(M.main)


async def on_new_phone(message: Message, _w: Any, manager: DialogManager) -> None:
    service: RegistrationService = manager.middleware_data["registrations"]
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    registration = await service.open_for(message.from_user.id)  # type: ignore[union-attr]
    if registration is None:
        await manager.switch_to(M.main)
        return
    region = next((o.country for o in offices if o.id == registration.draft.office_id), "MA")
    raw = message.contact.phone_number if message.contact else (message.text or "")
    try:
        phone = normalise_phone(raw, region)
    except InvalidInput:
        await _reply(
            message,
            manager,
            N_("That does not look like a phone number. Please check it, or press Skip."),
        )
        return
    await service.update_contact(message.from_user.id, phone=phone)  # type: ignore[union-attr]
    await _reply(message, manager, N_("Saved. Staff have been told."))
    await manager.switch_to(M.main)


async def on_remove_phone(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: RegistrationService = manager.middleware_data["registrations"]
    await service.update_contact(callback.from_user.id, clear_phone=True)
    await manager.switch_to(M.main)


async def on_withdraw(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: RegistrationService = manager.middleware_data["registrations"]
    withdrawn = await service.withdraw(callback.from_user.id)
    t = translator(manager)
    if withdrawn is not None:
        await callback.message.answer(  # type: ignore[union-attr]
            t.gettext("Your registration is withdrawn. You can register again at any time.")
        )
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def on_delete(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """Erase everything about the person, dialog state included, then say so."""
    data = manager.middleware_data
    service: RegistrationService = data["registrations"]
    t = translator(manager)
    await manager.reset_stack(remove_keyboard=True)
    await service.erase(callback.from_user.id)
    await data["erase_dialog_state"](callback.from_user.id)
    await callback.message.answer(  # type: ignore[union-attr]
        t.gettext(
            "Your data has been deleted. If you write again, the bot starts from the beginning."
        )
    )


def create_my_registration_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>My registration</b>", when="found"),
            T(
                "Reference: {reference}\nStatus: {status}\nOffice: {office}\nRegistered on: {date}",
                when="found",
            ),
            T("Name: {name}\nPhone: {phone}", when="found"),
            T("You have no open registration.", when=~F["found"]),
            SwitchTo(T("✏️ Change my name"), id="name", state=M.edit_name, when="found"),
            SwitchTo(T("📱 Change my phone number"), id="phone", state=M.edit_phone, when="found"),
            Start(T("📅 My interview"), id="interview", state=BookingSG.manage, when="found"),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
            SwitchTo(
                T("🚫 Withdraw my registration"), id="withdraw", state=M.withdraw, when="found"
            ),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=registration_getter,
            state=M.main,
        ),
        screen(
            T("Write the name you want to be called."),
            MessageInput(on_new_name, content_types=ContentType.TEXT),
            SwitchTo(T("⬅️ Back"), id="back", state=M.main),
            state=M.edit_name,
        ),
        screen(
            T("Type your new phone number."),
            MessageInput(on_new_phone, content_types=[ContentType.TEXT, ContentType.CONTACT]),
            Button(T("🗑 Remove my number"), id="remove", on_click=on_remove_phone),
            SwitchTo(T("⬅️ Back"), id="back", state=M.main),
            state=M.edit_phone,
        ),
        screen(
            T(
                "Withdraw your registration? Staff will be told. You can register again at any "
                "time. Your data stays until you delete it with /delete."
            ),
            Row(
                Button(T("🚫 Yes, withdraw"), id="yes", on_click=on_withdraw),
                SwitchTo(T("⬅️ No, go back"), id="no", state=M.main),
            ),
            state=M.withdraw,
        ),
    )


def create_delete_dialog() -> Dialog:
    return Dialog(
        screen(
            T(
                "<b>Delete my data</b>\n\nThis erases your name, phone number, answers and "
                "registration details, and stops any message planned for you. Staff are told "
                "that your registration was withdrawn. Only numbers without your name stay, for "
                "statistics. This cannot be undone."
            ),
            Row(
                Button(T("🗑 Yes, delete everything"), id="yes", on_click=on_delete),
                # /delete starts on an empty stack: "No" opens the menu, not nothing.
                Start(T("⬅️ No, keep it"), id="no", state=MenuSG.main, mode=StartMode.RESET_STACK),
            ),
            state=DeleteSG.confirm,
        ),
    )
