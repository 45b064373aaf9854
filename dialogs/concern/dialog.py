""" "Report a concern": a confidential report about the programme's staff or partners
(including sexual exploitation or abuse). It goes only to the focal points (CONCERNS_CHAT_ID /
CONCERNS_USER_IDS), never to the staff group. Anonymous unless the person chooses to give their
registration number; they get a reference to follow up."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Cancel, Start

from bot.domain.conversations import TEXT_MAX
from bot.domain.protection import ConcernCategory
from bot.i18n import Translator
from bot.presentation.labels import CONCERN_CATEGORIES
from bot.services.protection import ConcernService
from dialogs.inputs import MessageInput
from dialogs.states import ConcernSG
from dialogs.widgets import T, choices, screen, translator


def concern_button(when: Any = None) -> Start:
    return Start(T("🔒 Report a concern"), id="concern", state=ConcernSG.category, when=when)


async def category_getter(t: Translator, **_: Any) -> dict[str, Any]:
    return {"categories": [(c.value, t(label)) for c, label in CONCERN_CATEGORIES.items()]}


async def on_category(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
    if value not in {c.value for c in ConcernCategory}:
        return  # a tampered button: the screen stays
    manager.dialog_data["category"] = value
    await manager.switch_to(ConcernSG.message)


async def on_message(message: Message, _w: Any, manager: DialogManager) -> None:
    text = message.text if message.content_type == ContentType.TEXT else None
    file_id = message.voice.file_id if message.voice else None
    if text is not None and len(text) > TEXT_MAX:
        await message.answer(
            translator(manager).gettext("This message is too long. Please send it in parts.")
        )
        manager.show_mode = ShowMode.SEND
        return
    manager.dialog_data.update(text=text, voice=file_id)
    manager.show_mode = ShowMode.SEND
    await _after_message(manager, message.from_user.id)  # type: ignore[union-attr]


async def on_skip(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data.update(text=None, voice=None)
    await _after_message(manager, callback.from_user.id)


async def _after_message(manager: DialogManager, user_id: int) -> None:
    service: ConcernService = manager.middleware_data["concerns"]
    reference = await service.reference_of(user_id)
    if reference is None:
        await _submit(manager, user_id, with_reference=False)
        return
    manager.dialog_data["reference"] = reference
    await manager.switch_to(ConcernSG.identity)


async def on_identity(callback: CallbackQuery, widget: Any, manager: DialogManager) -> None:
    await _submit(manager, callback.from_user.id, with_reference=widget.widget_id == "give")


async def _submit(manager: DialogManager, user_id: int, *, with_reference: bool) -> None:
    data = manager.dialog_data
    try:
        category = ConcernCategory(data.get("category"))
    except ValueError:
        await manager.switch_to(ConcernSG.category)
        return
    service: ConcernService = manager.middleware_data["concerns"]
    concern = await service.submit(
        user_id,
        translator(manager).locale,
        category,
        text=data.get("text"),
        file_id=data.get("voice"),
        with_reference=with_reference,
    )
    for key in ("text", "voice", "category"):  # stored, encrypted; no copy left in the state
        data.pop(key, None)
    data["concern"] = concern.reference if concern else None
    await manager.switch_to(ConcernSG.done)


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    reference = dialog_manager.dialog_data.get("concern")
    return {"concern": reference or "", "sent": bool(reference)}


async def identity_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    return {"reference": t.isolate(str(dialog_manager.dialog_data.get("reference", "")))}


def create_concern_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>🔒 Report a concern</b>"),
            T(
                "Did someone who works for the programme, or with it, treat you badly? "
                "For example: asked you for money, sex or a favour in exchange for help, "
                "touched you without your agreement, threatened or insulted you."
            ),
            T(
                "You can tell us here. Your report does not go to the office staff group: only to "
                "the few people in charge of protection. You do not have to give your name."
            ),
            T("What is it about?"),
            choices("category", "categories", on_category),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=category_getter,
            state=ConcernSG.category,
        ),
        screen(
            T(
                "Tell what happened, in your own words: write it, or send a voice message. "
                "If you prefer, send the report without a message."
            ),
            MessageInput(on_message, content_types=[ContentType.TEXT, ContentType.VOICE]),
            Button(T("📨 Send without a message"), id="skip", on_click=on_skip),
            Cancel(T("🏠 Main menu"), id="menu"),
            state=ConcernSG.message,
        ),
        screen(
            T("Do you want to give your registration number {reference} with your report?"),
            T(
                "With it, the people in charge can find your case and contact you. Without it, "
                "your report is anonymous: they do not see your name, your number or your "
                "Telegram account."
            ),
            Button(T("📎 Give my number"), id="give", on_click=on_identity),
            Button(T("🙈 Stay anonymous"), id="anonymous", on_click=on_identity),
            getter=identity_getter,
            state=ConcernSG.identity,
        ),
        screen(
            T("✅ <b>Your report was sent.</b>", when="sent"),
            T(
                "Your reference: <b>{concern}</b>\nKeep it. Give it if you talk about this "
                "report again, with the office or in a new report. You can see your report with "
                "/mydata and delete it with /delete.",
                when="sent",
            ),
            T("Reporting is not possible at the moment. Please try again later.", when=~F["sent"]),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=done_getter,
            state=ConcernSG.done,
        ),
    )
