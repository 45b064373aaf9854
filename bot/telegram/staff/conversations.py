"""Staff side of "Write to the office": replies in the staff group, the Close button, /inbox."""

from __future__ import annotations

import contextlib
from datetime import datetime

from aiogram import Bot, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import BaseFilter, Command
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.config import Settings
from bot.domain.conversations import TEXT_MAX, Kind
from bot.i18n import Translator
from bot.services.audit import AuditService
from bot.services.conversations import ConversationService, Relay
from bot.services.protection import UrgentService
from bot.services.staff_chat import StaffChat
from bot.telegram.entry.filters import PrivateChat
from bot.telegram.outbox.conversations import ConversationAction, conversation_view, who
from bot.telegram.staff.cases import IsStaff
from dialogs.states import StaffAnswerSG


class ReplyInStaffChat(BaseFilter):
    def __init__(self, staff_chat: StaffChat) -> None:
        self._staff_chat = staff_chat

    async def __call__(self, message: Message) -> bool:
        return (
            self._staff_chat.is_staff_chat(message.chat.id) and message.reply_to_message is not None
        )


def _content(message: Message) -> tuple[Kind, str | None, str | None] | None:
    if message.text:
        return Kind.TEXT, message.text, None
    if message.photo:
        return Kind.PHOTO, message.caption, message.photo[-1].file_id
    if message.voice:
        return Kind.VOICE, message.caption, message.voice.file_id
    if message.document:
        return Kind.DOCUMENT, message.caption, message.document.file_id
    return None


def create_relay_router(staff_chat: StaffChat) -> Router:
    router = Router(name="relay")

    @router.message(ReplyInStaffChat(staff_chat))
    async def staff_reply(
        message: Message, conversations: ConversationService, settings: Settings, bot: Bot,
        t: Translator, audit: AuditService,
    ) -> None:  # fmt: skip
        sender = message.from_user.id  # type: ignore[union-attr]
        content = _content(message)
        replied_to = message.reply_to_message.message_id  # type: ignore[union-attr]
        if not settings.is_staff(sender):
            await audit.refused(sender, "reply to a person in the staff chat")
            # Ignored; told privately if the bot can write to them (it often cannot).
            with contextlib.suppress(TelegramAPIError):
                await bot.send_message(
                    sender, t.gettext("Only office staff can answer people through the bot.")
                )
            return
        if content is None:
            await message.reply(
                t.gettext("Only text, photos, voice messages and documents can be sent.")
            )
            return
        kind, text, file_id = content
        if text is not None and len(text) > TEXT_MAX:
            await message.reply(t.gettext("This message is too long. Please send it in parts."))
            return
        result = await conversations.from_staff(sender, replied_to, kind, text, file_id)
        if result is Relay.CLOSED:
            await message.reply(t.gettext("This conversation is closed: nothing was sent."))

    @router.callback_query(ConversationAction.filter())
    async def close_button(
        callback: CallbackQuery, callback_data: ConversationAction,
        conversations: ConversationService, settings: Settings, t: Translator,
        audit: AuditService,
        dialog_manager: DialogManager,
    ) -> None:  # fmt: skip
        if not settings.is_staff(callback.from_user.id):
            await audit.refused(callback.from_user.id, f"button {ConversationAction.__prefix__}")
            await callback.answer(t.gettext("Only office staff can do this."), show_alert=True)
            return
        if callback_data.action in {"open", "answer"}:
            await _open_or_answer(callback, callback_data, conversations, t, dialog_manager)
            return
        result = await conversations.close_by_staff(callback.from_user.id, callback_data.id)
        if result is Relay.SENT:
            await callback.answer(t.gettext("Closed. The person has been told."))
            if isinstance(callback.message, Message):
                await callback.message.edit_reply_markup(reply_markup=None)
                if callback.message.chat.type == "private":  # opened from /inbox: say what next
                    await callback.message.answer(
                        t.gettext("Conversation closed. /inbox shows the ones still open.")
                    )
        else:
            await callback.answer(
                t.gettext("This conversation is already closed."), show_alert=True
            )

    router.message(Command("inbox"), PrivateChat(), IsStaff())(inbox)
    return router


async def inbox(
    message: Message, conversations: ConversationService, urgent: UrgentService,
    t: Translator, clock,
) -> None:  # fmt: skip
    """Untaken urgent alerts first, then open conversations, each a button that opens it."""
    staff_id = message.from_user.id  # type: ignore[union-attr]
    items = await conversations.inbox(staff_id)
    alerts = await urgent.waiting(staff_id)
    if not items and not alerts:
        await message.answer(t.gettext("No open conversation."))
        return
    now: datetime = clock.now()
    lines = []
    if alerts:  # first: people who said they are in danger and nobody has taken yet
        lines.append(t.gettext("🚨 <b>Urgent: nobody has taken these alerts</b>"))
        for waiting in alerts:
            minutes = int((now - waiting.alert.created_at).total_seconds() // 60)
            lines.append(
                f"🚨 {waiting.who} · {waiting.alert.locale} · "
                + t.ngettext("waiting {n} minute", "waiting {n} minutes", minutes)
            )
        lines.append("")
    buttons = []
    if items:
        lines.append(t.gettext("<b>Open conversations</b>"))
    for item in items:
        since = item.conversation.waiting_since
        if since is None:
            state = t.gettext("answered")
        else:
            minutes = int((now - since).total_seconds() // 60)
            state = t.ngettext(
                "waiting {n} minute", "waiting {n} minutes", minutes
            ) if minutes < 120 else t.ngettext(
                "waiting {n} hour", "waiting {n} hours", minutes // 60
            )  # fmt: skip
        label = f"{who(item.conversation, t)} · {item.conversation.locale} · {state}"
        lines.append(label)
        opener = ConversationAction(action="open", id=item.conversation.id).pack()
        buttons.append([InlineKeyboardButton(text=label, callback_data=opener)])
    if items:
        lines.append(t.gettext("Press a conversation to read it and answer."))
    markup = InlineKeyboardMarkup(inline_keyboard=buttons) if buttons else None
    await message.answer("\n".join(lines), reply_markup=markup)


async def _open_or_answer(
    callback: CallbackQuery,
    data: ConversationAction,
    conversations: ConversationService,
    t: Translator,
    dialog_manager: DialogManager,
) -> None:
    """In a private chat only: a conversation's messages (open), or answering it (answer)."""
    message = callback.message
    if not isinstance(message, Message) or message.chat.type != "private":
        await callback.answer(
            t.gettext("Open the case in a private chat with me to answer."), show_alert=True
        )
        return
    found = await conversations.conversation(callback.from_user.id, data.id)
    if found is None or not found[0].is_open:
        await callback.answer(t.gettext("This conversation is already closed."), show_alert=True)
        return
    conversation, messages = found
    await callback.answer()
    if data.action == "answer":
        await dialog_manager.start(
            StaffAnswerSG.write,
            data={"conversation_id": conversation.id, "who": who(conversation, t)},
            mode=StartMode.RESET_STACK,
            show_mode=ShowMode.SEND,
        )
        return
    await message.answer(
        conversation_view(conversation, messages, t),
        reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[
                [
                    InlineKeyboardButton(
                        text=t.gettext("✍️ Answer"),
                        callback_data=ConversationAction(
                            action="answer", id=conversation.id
                        ).pack(),
                    ),
                    InlineKeyboardButton(
                        text=t.gettext("✖️ Close conversation"),
                        callback_data=ConversationAction(action="close", id=conversation.id).pack(),
                    ),
                ]
            ]
        ),
    )
