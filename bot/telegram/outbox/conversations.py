"""What a relayed conversation looks like on each side.

Staff see a header per conversation (reference, or "not registered" and an anonymous handle;
language; office — never a Telegram name or username), and each message of the person as a reply
to it. The person sees the office's answers marked as coming from the office.
"""

from __future__ import annotations

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.domain.conversations import Conversation, Direction, Kind, RelayMessage
from bot.domain.notices import NoticeKind
from bot.i18n import N_, Translator, native_language_name
from bot.telegram.outbox.outgoing import Outgoing, Rendering, renders
from bot.telegram.staff.case_view import with_open_case
from dialogs.widgets import esc


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


@renders(NoticeKind.CONVERSATION_CLOSED)
def closed(r: Rendering) -> Outgoing | None:
    assert r.data.conversation is not None
    msgid = (
        N_("✖️ Conversation {who} ended: the person deleted their data.")
        if r.payload.get("by") == "erased"
        else N_("✖️ Conversation {who} was closed by the person.")
    )
    return Outgoing(r.chat_id, r.t(msgid, who=who(r.data.conversation, r.t)))


@renders(NoticeKind.CONVERSATION_OPENED)
def opened(r: Rendering) -> Outgoing | None:
    conversation = r.data.conversation
    if conversation is None or conversation.user_id is None:
        return None  # erased meanwhile: nothing of it may be sent
    return Outgoing(
        r.chat_id, _header(r, conversation), reply_markup=_header_keyboard(r, conversation)
    )


@renders(NoticeKind.RELAY_IN)
def relay_in(r: Rendering) -> Outgoing | None:
    conversation, relay, t = r.data.conversation, r.data.relay, r.t
    if conversation is None or conversation.user_id is None:
        return None  # erased meanwhile: nothing of it may be sent
    if relay is None or (relay.text is None and relay.file_id is None):
        return None
    label = t.gettext("💬 {who}:", who=who(conversation, t))
    return _relayed(r.chat_id, label, relay, reply_to=conversation.header_message_id)


@renders(NoticeKind.RELAY_OUT)
def relay_out(r: Rendering) -> Outgoing | None:
    conversation, relay = r.data.conversation, r.data.relay
    if conversation is None or relay is None or conversation.user_id != r.chat_id:
        return None
    return _relayed(r.chat_id, r.t.gettext("🏢 Message from the office:"), relay)


@renders(NoticeKind.CONVERSATION_CLOSED_BY_OFFICE)
def closed_by_office(r: Rendering) -> Outgoing | None:
    conversation = r.data.conversation
    if conversation is None or conversation.user_id != r.chat_id:
        return None
    return Outgoing(
        r.chat_id,
        r.t.gettext(
            "The office closed this conversation. You can write again at any time from the menu."
        ),
    )


def _relayed(
    chat_id: int, label: str, relay: RelayMessage, reply_to: int | None = None
) -> Outgoing:
    """A relayed message as the other side sees it: who it is from, then its words or file."""
    body = esc(relay.text or "")
    return Outgoing(
        chat_id,
        f"{label}\n{body}" if body else label,
        kind=relay.kind.value,
        file_id=relay.file_id,
        reply_to=reply_to,
    )


def _header(r: Rendering, conversation: Conversation) -> str:
    t = r.t
    place = r.office(conversation.office_id) or r.offices[0]
    office = t.gettext(
        "Office: {office}",
        office=esc(f"{t.country(place.country)} – {place.city_in(t.locale)}"),
    )
    return "\n".join(
        (
            t.gettext("💬 <b>Conversation {who}</b>", who=who(conversation, t)),
            t.gettext("Language: {language}", language=native_language_name(conversation.locale)),
            office,
            t.gettext("Reply to any message of this conversation to answer the person."),
        )
    )


def _header_keyboard(r: Rendering, conversation: Conversation) -> InlineKeyboardMarkup:
    close = InlineKeyboardButton(
        text=r.t.gettext("✖️ Close conversation"),
        callback_data=ConversationAction(action="close", id=conversation.id).pack(),
    )
    return with_open_case(close, r.data.case_id, r.t)
