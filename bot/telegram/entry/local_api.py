"""An in-process Telegram Bot API: the network boundary, replaced.

`LocalBotAPI` is an aiogram session that answers Bot API methods the way Telegram does
(message ids, edits, "message is not modified", callback answers) and keeps every chat's
messages in memory. The terminal chat, the tests and the benchmarks use it with the real
`Bot`, dispatcher, dialogs and database; only the HTTP transport is different.

Faults can be injected per method call (`api.faults.append(...)`) to answer like Telegram's
429, 403 or 5xx.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot
from aiogram.client.default import Default
from aiogram.client.session.base import BaseSession
from aiogram.methods import Response, TelegramMethod
from aiogram.types import InputFile

BOT_USER = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "AVRR Assistant",
    "username": "avrr_local_bot",
}


def _as_returned(message: dict[str, Any]) -> dict[str, Any]:
    """Telegram returns a message with its inline keyboard only (a reply keyboard is kept by
    the client, and ReplyKeyboardRemove is an instruction, not part of the message)."""
    markup = message.get("reply_markup")
    if markup is None or "inline_keyboard" in markup:
        return message
    return {key: value for key, value in message.items() if key != "reply_markup"}


_RESPONSE_TYPES: dict[type, Any] = {}


def response_type(method: TelegramMethod[Any]) -> Any:
    """`Response[T]` built once per method: pydantic rebuilds an unreferenced generic each time."""
    kind = type(method)
    if kind not in _RESPONSE_TYPES:
        _RESPONSE_TYPES[kind] = Response[method.__returning__]  # type: ignore[name-defined]
    return _RESPONSE_TYPES[kind]


@dataclass
class Fault:
    """Answer the next matching call with an error, like Telegram would."""

    status: int
    description: str
    retry_after: int | None = None
    method: str | None = None  # e.g. "SendMessage"; None matches any method
    chat_id: int | None = None
    times: int = 1
    migrate_to_chat_id: int | None = None  # 400 "group chat was upgraded to a supergroup chat"


@dataclass
class ApiEvent:
    """One thing a person would see: a message sent, edited or deleted, or a callback answer."""

    kind: str  # "send", "edit", "delete", "answer"
    chat_id: int
    message: dict[str, Any] | None = None
    text: str | None = None
    previous: dict[str, Any] | None = None  # for an edit: the message before it


class LocalBotAPI(BaseSession):
    def __init__(self, on_event: Callable[[ApiEvent], None] | None = None) -> None:
        super().__init__()
        self.on_event = on_event
        self.faults: list[Fault] = []
        self.callback_chats: dict[str, int] = {}
        # getChat answers: a chat id missing here is a private group (negative id) with the bot
        # a member, or a private chat. Tests put e.g. {"type": "channel", "username": "x"} here.
        self.chats: dict[int, dict[str, Any]] = {}
        self.bot_status: dict[int, str] = {}  # the bot's status in a chat (default "member")
        self.messages: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self.events: list[ApiEvent] = []
        # The reply keyboard each chat shows under its input field (the client keeps it until a
        # message removes or replaces it; deleting the message that brought it does not).
        self.reply_keyboards: dict[int, dict[str, Any]] = {}
        self.calls: list[TelegramMethod[Any]] = []
        self._ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))

    # -- aiogram session interface -------------------------------------------------------
    async def close(self) -> None:
        """Nothing to close: there is no connection."""

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError("the local Bot API has no files to download")

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[Any],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's session interface
    ) -> Any:
        self.calls.append(method)
        name = type(method).__name__
        fault = self._take_fault(name, getattr(method, "chat_id", None))
        if fault is not None:
            body: dict[str, Any] = {
                "ok": False,
                "error_code": fault.status,
                "description": fault.description,
            }
            if fault.retry_after is not None:
                body["parameters"] = {"retry_after": fault.retry_after}
            if fault.migrate_to_chat_id is not None:
                body["parameters"] = {"migrate_to_chat_id": fault.migrate_to_chat_id}
            return self.check_response(bot, method, fault.status, self.json_dumps(body)).result
        handler = getattr(self, f"_do_{name}", None)
        if handler is None:
            raise NotImplementedError(f"the local Bot API does not implement {name}")
        result = handler(bot, method)
        if isinstance(result, Fault):
            body = {"ok": False, "error_code": result.status, "description": result.description}
            return self.check_response(bot, method, result.status, self.json_dumps(body)).result
        response = response_type(method).model_validate(
            {"ok": True, "result": result}, context={"bot": bot}
        )
        return response.result

    # -- what a person sees ----------------------------------------------------------------
    def next_message_id(self, chat_id: int) -> int:
        return next(self._ids[chat_id])

    def chat(self, chat_id: int) -> list[dict[str, Any]]:
        return list(self.messages[chat_id].values())

    def last_message(self, chat_id: int, *, from_bot: bool = True) -> dict[str, Any] | None:
        for message in reversed(self.messages[chat_id].values()):
            if not from_bot or message.get("from", {}).get("id") == BOT_USER["id"]:
                return message
        return None

    def remember(self, message: dict[str, Any]) -> None:
        """Store a message the person sent, so that replies to it can be resolved."""
        self.messages[message["chat"]["id"]][message["message_id"]] = message

    # -- Bot API methods ---------------------------------------------------------------
    def _emit(self, event: ApiEvent) -> None:
        self.events.append(event)
        if self.on_event:
            self.on_event(event)

    def _take_fault(self, name: str, chat_id: Any) -> Fault | None:
        for fault in self.faults:
            if fault.method not in (None, name):
                continue
            if fault.chat_id is not None and fault.chat_id != chat_id:
                continue
            fault.times -= 1
            if fault.times <= 0:
                self.faults.remove(fault)
            return fault
        return None

    @staticmethod
    def _value(bot: Bot, value: Any) -> Any:
        return bot.default[value.name] if isinstance(value, Default) else value

    @staticmethod
    def _markup(method: TelegramMethod[Any]) -> dict[str, Any] | None:
        markup = getattr(method, "reply_markup", None)
        return markup.model_dump(exclude_none=True, mode="json") if markup else None

    def _new_message(self, bot: Bot, method: TelegramMethod[Any], **content: Any) -> dict[str, Any]:
        chat_id = int(method.chat_id)  # type: ignore[attr-defined]
        message: dict[str, Any] = {
            "message_id": self.next_message_id(chat_id),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            **content,
        }
        markup = self._markup(method)
        if markup is not None:
            message["reply_markup"] = markup
            if "keyboard" in markup:
                self.reply_keyboards[chat_id] = markup
            elif markup.get("remove_keyboard"):
                self.reply_keyboards.pop(chat_id, None)
        reply = getattr(method, "reply_parameters", None)
        if reply is not None and reply.message_id in self.messages[chat_id]:
            message["reply_to_message"] = self.messages[chat_id][reply.message_id]
        self.messages[chat_id][message["message_id"]] = message
        self._emit(ApiEvent("send", chat_id, message))
        return _as_returned(message)

    def _do_GetMe(self, bot: Bot, method: Any) -> dict[str, Any]:
        return BOT_USER

    def _do_GetChat(self, bot: Bot, method: Any) -> dict[str, Any]:
        chat_id = int(method.chat_id)
        chat = {"id": chat_id, "type": "supergroup" if chat_id < 0 else "private"}
        if chat_id < 0:
            chat["title"] = "Group"
        chat.update(self.chats.get(chat_id, {}))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels"), False,
        )  # fmt: skip
        return {
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
            **chat,
        }

    def _do_GetChatMember(self, bot: Bot, method: Any) -> dict[str, Any]:
        status = self.bot_status.get(int(method.chat_id), "member")
        member: dict[str, Any] = {"status": status, "user": BOT_USER}
        if status == "kicked":
            member["until_date"] = 0
        return member

    def _do_SendMessage(self, bot: Bot, method: Any) -> dict[str, Any]:
        return self._new_message(bot, method, text=method.text)

    def _do_SendDocument(self, bot: Bot, method: Any) -> dict[str, Any]:
        document = method.document
        if isinstance(document, InputFile):
            name, file_id = document.filename or "file", f"local-{document.filename}"
        else:
            name, file_id = "document", str(document)
        return self._new_message(
            bot,
            method,
            document={"file_id": file_id, "file_unique_id": name, "file_name": name},
            caption=method.caption,
        )

    def _do_SendVoice(self, bot: Bot, method: Any) -> dict[str, Any]:
        voice = {"file_id": str(method.voice), "file_unique_id": "voice", "duration": 1}
        return self._new_message(bot, method, voice=voice, caption=method.caption)

    def _do_SendPhoto(self, bot: Bot, method: Any) -> dict[str, Any]:
        file_id = method.photo if isinstance(method.photo, str) else "local-photo"
        size = {"file_id": file_id, "file_unique_id": "photo", "width": 1, "height": 1}
        return self._new_message(bot, method, photo=[size], caption=method.caption)

    def _edit(self, bot: Bot, method: Any, **changes: Any) -> dict[str, Any] | Fault:
        chat_id = int(method.chat_id)
        message = self.messages[chat_id].get(method.message_id)
        if message is None:
            return Fault(400, "Bad Request: message to edit not found")
        markup = self._markup(method)
        updated = {**message, **changes}
        if markup is not None:
            updated["reply_markup"] = markup
        else:
            updated.pop("reply_markup", None)
        if updated == message:
            return Fault(400, "Bad Request: message is not modified")
        self.messages[chat_id][method.message_id] = updated
        self._emit(ApiEvent("edit", chat_id, updated, previous=message))
        return _as_returned(updated)

    def _do_EditMessageText(self, bot: Bot, method: Any) -> dict[str, Any] | Fault:
        return self._edit(bot, method, text=method.text)

    def _do_EditMessageReplyMarkup(self, bot: Bot, method: Any) -> dict[str, Any] | Fault:
        return self._edit(bot, method)

    def _do_DeleteMessage(self, bot: Bot, method: Any) -> bool:
        chat_id = int(method.chat_id)
        if self.messages[chat_id].pop(method.message_id, None) is not None:
            self._emit(ApiEvent("delete", chat_id, {"message_id": method.message_id}))
        return True

    def _do_AnswerCallbackQuery(self, bot: Bot, method: Any) -> bool:
        if method.text:
            chat_id = self.callback_chats.get(method.callback_query_id, 0)
            self._emit(ApiEvent("answer", chat_id, text=method.text))
        return True

    def _do_SetMyCommands(self, bot: Bot, method: Any) -> bool:
        return True

    def _do_DeleteMyCommands(self, bot: Bot, method: Any) -> bool:
        return True

    def _do_SendChatAction(self, bot: Bot, method: Any) -> bool:
        return True
