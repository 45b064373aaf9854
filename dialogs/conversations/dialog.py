""" "Write to the office": only in this mode are the person's messages relayed to staff, so a
message typed as an answer to a form question can never reach the staff group by mistake."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button

from bot.domain.conversations import RATE_WINDOW, TEXT_MAX, Kind
from bot.i18n import Translator
from bot.services.conversations import ConversationService, Relay
from dialogs.conversations.ack import BurstAck
from dialogs.info.getters import hours_text
from dialogs.inputs import MessageInput
from dialogs.states import MenuSG, TalkSG
from dialogs.widgets import T, close_button, main_menu_button, screen, translator

RELAYED = [ContentType.TEXT, ContentType.PHOTO, ContentType.VOICE, ContentType.DOCUMENT]


async def on_start(_data: Any, manager: DialogManager) -> None:
    service: ConversationService = manager.middleware_data["conversations"]
    t: Translator = manager.middleware_data["t"]
    user = manager.middleware_data["event_from_user"]
    await service.open(user.id, t.locale)


async def talk_getter(
    dialog_manager: DialogManager, conversations: ConversationService, t: Translator, **_: Any
) -> dict[str, Any]:
    office = await conversations.office_of(dialog_manager.middleware_data["event_from_user"].id)
    return {
        "hours": hours_text(office, t),
        "has_hours": bool(office.hours),
        # opened over another screen (a flow the person was in): offer the way back to it
        "over_a_screen": len(dialog_manager.current_stack().intents) > 1,
    }


def _content(message: Message) -> tuple[Kind, str | None, str | None]:
    if message.photo:
        return Kind.PHOTO, message.caption, message.photo[-1].file_id
    if message.voice:
        return Kind.VOICE, message.caption, message.voice.file_id
    if message.document:
        return Kind.DOCUMENT, message.caption, message.document.file_id
    return Kind.TEXT, message.text, None


async def on_message(message: Message, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    kind, text, file_id = _content(message)
    if text is not None and len(text) > TEXT_MAX:
        await message.answer(t.gettext("This message is too long. Please send it in parts."))
        manager.show_mode = ShowMode.SEND
        return
    service: ConversationService = manager.middleware_data["conversations"]
    result = await service.from_person(message.from_user.id, kind, text, file_id)  # type: ignore[union-attr]
    user_id = message.from_user.id  # type: ignore[union-attr]
    if result is Relay.NO_CONVERSATION:  # closed by staff meanwhile: open a new one
        await service.open(user_id, t.locale)
        result = await service.from_person(user_id, kind, text, file_id)
    now = manager.middleware_data["clock"].now().timestamp()
    data = manager.dialog_data
    if result is Relay.RATE_LIMITED:
        if now - data.get("limit_told_at", float("-inf")) < RATE_WINDOW.total_seconds():
            manager.show_mode = ShowMode.NO_UPDATE  # told once per window is enough
            return
        data["limit_told_at"] = now
        await message.answer(
            t.gettext(
                "You have sent many messages. Please wait a little: staff will read them all."
            )
        )
        manager.show_mode = ShowMode.SEND
        return
    office = await service.office_of(user_id)
    if data.get("ack_id") and now - data.get("ack_at", float("-inf")) < BURST_GAP:
        # The same burst: the acknowledgement's count changes, nothing new is sent.
        data["ack_n"], data["ack_at"] = data.get("ack_n", 1) + 1, now
        burst_ack: BurstAck = manager.middleware_data["burst_ack"]
        ack = _ack_text(t, hours_text(office, t), data["ack_n"])
        await burst_ack.show(message.bot, message.chat.id, data["ack_id"], ack)  # type: ignore[arg-type]
        manager.show_mode = ShowMode.NO_UPDATE
        return
    sent = await message.answer(_ack_text(t, hours_text(office, t), 1))
    data.update(ack_id=sent.message_id, ack_n=1, ack_at=now)
    manager.show_mode = ShowMode.SEND


BURST_GAP = 60.0  # seconds: a message within this of the previous one belongs to its burst


def _ack_text(t: Translator, hours: str, count: int) -> str:
    """`hours`: the office's hours in the reader's words, or empty when none are set."""
    if count == 1:
        if hours:
            return t.gettext(
                "Sent to the office. Staff answer during office hours: {hours}.", hours=hours
            )
        return t.gettext(
            "Sent to the office. Staff answer as soon as they can, during office hours."
        )
    if hours:
        return t.ngettext(
            "{n} message sent to the office. Staff answer during office hours: {hours}.",
            "{n} messages sent to the office. Staff answer during office hours: {hours}.",
            count,
            hours=hours,
        )
    return t.ngettext(
        "{n} message sent to the office. Staff answer as soon as they can, during office hours.",
        "{n} messages sent to the office. Staff answer as soon as they can, during office hours.",
        count,
    )


async def on_sticker(message: Message, _w: Any, manager: DialogManager) -> None:
    await message.answer(
        translator(manager).gettext(
            "Stickers cannot be sent to the office. Please write a few words, or send a photo "
            "or a voice message."
        )
    )
    manager.show_mode = ShowMode.SEND


async def on_end(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: ConversationService = manager.middleware_data["conversations"]
    await service.close_by_person(callback.from_user.id)
    await callback.message.answer(  # type: ignore[union-attr]
        translator(manager).gettext("The conversation is closed. Staff have been told.")
    )
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


def create_talk_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>Write to the office</b>"),
            T(
                "Write your message, or send a photo of a document or a voice message. "
                "Everything you send here goes to the office staff, and their answers come here."
            ),
            T("Staff answer during office hours: {hours}", when="has_hours"),
            T("Staff answer as soon as they can, during office hours.", when=~F["has_hours"]),
            MessageInput(on_message, content_types=RELAYED),
            Button(T("✖️ End the conversation"), id="end", on_click=on_end),
            MessageInput(on_sticker, content_types=ContentType.STICKER),
            close_button(T("⬅️ Back"), "back", when="over_a_screen"),
            main_menu_button(),
            getter=talk_getter,
            state=TalkSG.chat,
        ),
        on_start=on_start,
    )
