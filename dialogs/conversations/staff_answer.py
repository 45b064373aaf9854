"""Staff answer a person from a private chat (/case → "✍️ Answer", /inbox → a conversation):
what they send here reaches the person exactly as a reply in the staff group would. Every
message is checked against STAFF_USER_IDS by the conversation service."""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Start

from bot.domain.conversations import TEXT_MAX
from bot.services.conversations import ConversationService, Relay
from dialogs.conversations.dialog import RELAYED, _content
from dialogs.inputs import MessageInput
from dialogs.states import MenuSG, StaffAnswerSG
from dialogs.widgets import T, esc, screen, translator


async def answer_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.start_data or {}
    return {"who": esc(str(data.get("who", "")))}


async def on_answer(message: Message, _w: Any, manager: DialogManager) -> None:
    t = translator(manager)
    manager.show_mode = ShowMode.SEND
    kind, text, file_id = _content(message)
    if text is not None and len(text) > TEXT_MAX:
        await message.answer(t.gettext("This message is too long. Please send it in parts."))
        return
    data = manager.start_data or {}
    service: ConversationService = manager.middleware_data["conversations"]
    result = await service.answer(
        message.from_user.id,  # type: ignore[union-attr]
        kind,
        text,
        file_id,
        conversation_id=data.get("conversation_id"),
        registration_id=data.get("registration_id"),
    )
    if result is Relay.SENT:
        await message.answer(t.gettext("Sent to the person, as a message from the office."))
    else:
        await message.answer(t.gettext("This conversation is closed: nothing was sent."))


def create_staff_answer_dialog() -> Dialog:
    return Dialog(
        screen(
            T("✍️ <b>Answer {who}</b>"),
            T(
                "Write your answer, or send a photo, a voice message or a document: the "
                "person receives it as a message from the office, as if you replied in the "
                "staff group. Send as many messages as you need."
            ),
            MessageInput(on_answer, content_types=RELAYED),
            Start(T("✅ Done"), id="done", state=MenuSG.main, mode=StartMode.RESET_STACK),
            getter=answer_getter,
            state=StaffAnswerSG.write,
        ),
    )
