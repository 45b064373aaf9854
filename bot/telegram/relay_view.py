"""What a relayed conversation looks like on each side.

Staff see a header per conversation (reference, or "not registered" and an anonymous handle;
language; office — never a Telegram name or username), and each message of the person as a reply
to it. The person sees the office's answers marked as coming from the office.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.conversations import Conversation, Direction, Kind, RelayMessage
from bot.i18n import N_, Translator, native_language_name
from bot.services.ports import OutboxMessage
from bot.telegram.person_locale import person_translator
from bot.telegram.staff_view import CaseAction
from dialogs.widgets import esc

if TYPE_CHECKING:
    from bot.app import App
    from bot.telegram.notifier import Outgoing

CONVERSATION_STAFF_KINDS = frozenset({"conversation_opened", "relay_in", "conversation_closed"})
CONVERSATION_PERSON_KINDS = frozenset({"relay_out", "conversation_closed_by_office"})


class ConversationAction(CallbackData, prefix="conv"):
    """Staff buttons on a conversation header; checked against STAFF_USER_IDS on every press."""

    action: str  # close, open (from /inbox), answer (private chat)
    id: int


def who(conversation: Conversation, t: Translator) -> str:
    if conversation.reference:
        return conversation.reference
    return t.gettext("not registered · #{handle}", handle=conversation.handle)


LAST_MESSAGES = 10  # what /inbox shows of a conversation; the rest is in the staff group


def conversation_view(
    conversation: Conversation, messages: list[RelayMessage], t: Translator
) -> str:
    """A conversation for staff in a private chat: its last messages, each side marked."""
    lines = [t.gettext("💬 <b>Conversation {who}</b>", who=who(conversation, t))]
    lines.append(
        t.gettext("Language: {language}", language=native_language_name(conversation.locale))
    )
    kinds = {
        Kind.PHOTO: N_("(photo)"),
        Kind.VOICE: N_("(voice message)"),
        Kind.DOCUMENT: N_("(document)"),
    }
    for relay in messages[-LAST_MESSAGES:]:
        side = "👤" if relay.direction is Direction.IN else "🏢"
        body = esc((relay.text or "")[:300])
        if relay.kind in kinds:
            body = f"{t(kinds[relay.kind])} {body}".strip()
        lines.append(f"{side} {body}")
    return "\n".join(lines)


class ConversationRenderer:
    def __init__(self, app: App) -> None:
        self._app = app

    async def to_staff(
        self, message: OutboxMessage, chat_id: int, t: Translator
    ) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        uow_factory = self._app.uow
        async with uow_factory(read_only=True) as uow:
            if message.kind == "relay_in":
                relay = await uow.conversations.message(int(message.payload["id"]))
                conversation = await uow.conversations.get(relay.conversation_id) if relay else None
            else:
                key = message.payload.get("conversation_id", message.payload.get("id"))
                relay, conversation = None, await uow.conversations.get(int(key))
        if conversation is None:
            return None
        if message.kind == "conversation_closed":
            by = message.payload.get("by")
            msgid = (
                N_("✖️ Conversation {who} ended: the person deleted their data.")
                if by == "erased"
                else N_("✖️ Conversation {who} was closed by the person.")
            )
            return Outgoing(chat_id, t(msgid, who=who(conversation, t)))
        if conversation.user_id is None:
            return None  # erased meanwhile: nothing of it may be sent
        if message.kind == "conversation_opened":
            registration_id = None
            if conversation.reference:
                async with uow_factory(read_only=True) as uow:
                    registration = await uow.registrations.by_reference(conversation.reference)
                registration_id = registration.id if registration else None
            return Outgoing(
                chat_id,
                self._header(conversation, t),
                reply_markup=self._header_keyboard(conversation, registration_id, t),
                on_sent=lambda message_id: self._remember_header(conversation.id, message_id),
            )
        if relay is None or (relay.text is None and relay.file_id is None):
            return None
        label = t.gettext("💬 {who}:", who=who(conversation, t))
        body = esc(relay.text or "")
        return Outgoing(
            chat_id,
            f"{label}\n{body}" if body else label,
            kind=relay.kind.value,
            file_id=relay.file_id,
            reply_to=conversation.header_message_id,
            on_sent=lambda message_id: self._remember_relay(relay.id, message_id),
        )

    async def to_person(self, message: OutboxMessage) -> Outgoing | None:
        from bot.telegram.notifier import Outgoing

        async with self._app.uow(read_only=True) as uow:
            if message.kind == "relay_out":
                relay = await uow.conversations.message(int(message.payload["relay_id"]))
                conversation = await uow.conversations.get(relay.conversation_id) if relay else None
            else:
                relay = None
                conversation = await uow.conversations.get(int(message.payload["conversation_id"]))
        if conversation is None or conversation.user_id != message.user_id:
            return None
        t = await person_translator(self._app, conversation.user_id, conversation.locale)
        if message.kind == "conversation_closed_by_office":
            return Outgoing(
                conversation.user_id,
                t.gettext(
                    "The office closed this conversation. You can write again at any time "
                    "from the menu."
                ),
            )
        if relay is None:
            return None
        label = t.gettext("🏢 Message from the office:")
        body = esc(relay.text or "")
        return Outgoing(
            conversation.user_id,
            f"{label}\n{body}" if body else label,
            kind=relay.kind.value,
            file_id=relay.file_id,
        )

    def _header(self, conversation: Conversation, t: Translator) -> str:
        offices = self._app.offices
        place = next((o for o in offices if o.id == conversation.office_id), offices[0])
        office = t.gettext(
            "Office: {office}",
            office=esc(f"{t.country(place.country)} – {place.city_in(t.locale)}"),
        )
        return "\n".join(
            (
                t.gettext("💬 <b>Conversation {who}</b>", who=who(conversation, t)),
                t.gettext(
                    "Language: {language}", language=native_language_name(conversation.locale)
                ),
                office,
                t.gettext("Reply to any message of this conversation to answer the person."),
            )
        )

    @staticmethod
    def _header_keyboard(
        conversation: Conversation, registration_id: int | None, t: Translator
    ) -> InlineKeyboardMarkup:
        row = [
            InlineKeyboardButton(
                text=t.gettext("✖️ Close conversation"),
                callback_data=ConversationAction(action="close", id=conversation.id).pack(),
            )
        ]
        if registration_id is not None:
            row.append(
                InlineKeyboardButton(
                    text=t.gettext("📂 Open case"),
                    callback_data=CaseAction(action="open", id=registration_id).pack(),
                )
            )
        return InlineKeyboardMarkup(inline_keyboard=[row])

    async def _remember_header(self, conversation_id: int, message_id: int) -> None:
        async with self._app.uow() as uow:
            await uow.conversations.set_header(conversation_id, message_id)
            await uow.commit()

    async def _remember_relay(self, relay_id: int, message_id: int) -> None:
        async with self._app.uow() as uow:
            await uow.conversations.set_staff_message(relay_id, message_id)
            await uow.commit()
