"""A person talking to the bot through `LocalBotAPI`: builds the updates Telegram would send.

Used by the terminal chat, the tests and the benchmarks. Every action goes through the real
`Dispatcher.feed_update`.
"""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update

from bot.telegram.entry.local_api import LocalBotAPI

_update_ids = itertools.count(1)


class ButtonNotFoundError(LookupError):
    pass


class LocalPerson:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        api: LocalBotAPI,
        user_id: int,
        language_code: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        first_name: str = "Test",
    ) -> None:
        self.dp, self.bot, self.api = dp, bot, api
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            self.user["language_code"] = language_code
        self.chat_id = chat_id if chat_id is not None else user_id
        self.chat = {"id": self.chat_id, "type": chat_type}
        if chat_type != "private":
            self.chat["title"] = "Group"

    # -- what the person sees ------------------------------------------------------------
    def last(self) -> dict[str, Any]:
        message = self.api.last_message(self.chat_id)
        if message is None:
            raise AssertionError("the bot has not written in this chat")
        return message

    def last_text(self) -> str:
        message = self.last()
        return message.get("text") or message.get("caption") or ""

    def buttons(self, message: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        message = message or self.last_with_keyboard()
        markup = (message or {}).get("reply_markup") or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [button for row in rows for button in row]

    def button_texts(self, message: dict[str, Any] | None = None) -> list[str]:
        return [button["text"] for button in self.buttons(message)]

    def last_with_keyboard(self) -> dict[str, Any] | None:
        for message in reversed(self.api.chat(self.chat_id)):
            if message.get("from", {}).get("id") != self.user["id"] and message.get("reply_markup"):
                return message
        return None

    # -- what the person does --------------------------------------------------------------
    async def send(self, text: str | None = None, **content: Any) -> Any:
        message: dict[str, Any] = {
            "message_id": self.api.next_message_id(self.chat_id),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self.user,
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        message.update(content)
        self.api.remember(message)
        return await self.feed({"message": message})

    async def send_sticker(self) -> Any:
        sticker = {
            "file_id": "sticker",
            "file_unique_id": "sticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        return await self.send(sticker=sticker)

    async def send_photo(self, caption: str | None = None) -> Any:
        photo = [{"file_id": "photo", "file_unique_id": "photo", "width": 90, "height": 90}]
        return (
            await self.send(photo=photo, caption=caption)
            if caption
            else await self.send(photo=photo)
        )

    async def send_voice(self) -> Any:
        return await self.send(voice={"file_id": "voice", "file_unique_id": "voice", "duration": 3})

    async def send_document(self) -> Any:
        return await self.send(
            document={"file_id": "doc", "file_unique_id": "doc", "file_name": "a.pdf"}
        )

    async def send_contact(self, phone: str, user_id: int | None = None) -> Any:
        contact = {"phone_number": phone, "first_name": "Me", "user_id": user_id or self.user["id"]}
        return await self.send(contact=contact)

    async def press(self, label: str | int, message: dict[str, Any] | None = None) -> Any:
        """Press a button by its text (exact, then contained) or by its 1-based position."""
        message = message or self.last_with_keyboard()
        if message is None:
            raise ButtonNotFoundError("no message with buttons")
        button = self._find(self.buttons(message), label)
        if "callback_data" not in button:
            # A reply-keyboard button sends its text as a message.
            if button.get("request_contact"):
                raise ButtonNotFoundError("use send_contact() for a share-contact button")
            return await self.send(button["text"])
        return await self.press_data(button["callback_data"], message)

    async def press_data(self, data: str, message: dict[str, Any]) -> Any:
        """Send a callback with any data: also how a tampered or old button is simulated."""
        query_id = str(uuid.uuid4())
        self.api.callback_chats[query_id] = self.chat_id
        callback = {
            "id": query_id,
            "from": self.user,
            "chat_instance": "local",
            "data": data,
            "message": message,
        }
        return await self.feed({"callback_query": callback})

    async def block(self) -> Any:
        """The person blocks the bot (Telegram sends `my_chat_member`: member -> kicked)."""
        return await self._membership("member", "kicked")

    async def unblock(self) -> Any:
        """The person unblocks the bot (`my_chat_member`: kicked -> member)."""
        return await self._membership("kicked", "member")

    async def _membership(self, old: str, new: str) -> Any:
        from bot.telegram.entry.local_api import BOT_USER

        def member(status: str) -> dict[str, Any]:
            return {
                "status": status,
                "user": BOT_USER,
                **({"until_date": 0} if status == "kicked" else {}),
            }

        update = {
            "chat": self.chat,
            "from": self.user,
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }
        return await self.feed({"my_chat_member": update})

    async def feed(self, payload: dict[str, Any]) -> Any:
        update = Update.model_validate(
            {"update_id": next(_update_ids), **payload}, context={"bot": self.bot}
        )
        return await self.dp.feed_update(self.bot, update)

    @staticmethod
    def _find(buttons: list[dict[str, Any]], label: str | int) -> dict[str, Any]:
        if isinstance(label, int):
            if 1 <= label <= len(buttons):
                return buttons[label - 1]
            raise ButtonNotFoundError(f"no button number {label}")
        for match in (lambda t: t == label, lambda t: label.casefold() in t.casefold()):
            found = [button for button in buttons if match(button["text"])]
            if found:
                return found[0]
        texts = [button["text"] for button in buttons]
        raise ButtonNotFoundError(f"no button {label!r} among {texts}")
