"""A fake Telegram Bot API over HTTP, on the loopback address, for end-to-end tests.

It speaks just enough of the Bot API for aiogram's `AiohttpSession` to serve by long polling:
`POST /bot{token}/{method}` with form-encoded or multipart fields, complex values as JSON
strings. Chats are kept in memory (message ids increase per chat, as in a private chat), so
a test can read what the bot wrote and press inline buttons.

    async with FakeBotApiServer() as server:      # binds 127.0.0.1 on a free port
        ...  # run the bot with TELEGRAM_API_URL=server.url
        server.push_message(555, "/start", language_code="fr")
        menu = await server.wait_for_bot_message(555, lambda m: "reply_markup" in m)
        first = menu["reply_markup"]["inline_keyboard"][0][0]
        server.push_callback(555, menu, first["callback_data"])

Texts are stored as the bot sent them: with `parse_mode=HTML` the tags stay in (the real
Telegram would strip them and return entities).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from aiohttp import web

BOT_USER = {"id": 7000000002, "is_bot": True, "first_name": "AVRR E2E", "username": "avrr_e2e_bot"}
MAX_POLL_WAIT = 0.5  # seconds a getUpdates waits for news, whatever `timeout` asks: quick stops
JSON_FIELDS = {
    "reply_markup",
    "allowed_updates",
    "commands",
    "scope",
    "reply_parameters",
    "link_preview_options",
    "entities",
}


class BotApiError(Exception):
    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code, self.description = code, description


class FakeBotApiServer:
    def __init__(self) -> None:
        self.url = ""
        self.calls: list[tuple[str, dict[str, Any]]] = []  # (method, fields), in arrival order
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self._chats: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self.reply_keyboards: dict[int, dict[str, Any]] = {}  # chat: the keyboard shown under input
        self._ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._users: dict[int, dict[str, Any]] = {}
        self._updates: list[dict[str, Any]] = []
        self._update_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.send_delay = 0.0  # seconds each sendMessage takes (a slow network, a long send)

    # -- lifecycle ---------------------------------------------------------------------------
    async def __aenter__(self) -> FakeBotApiServer:
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    # -- the test's side -----------------------------------------------------------------------
    def push_message(
        self, user_id: int, text: str, language_code: str | None = None
    ) -> dict[str, Any]:
        """Queue a private message from the person, as Telegram would deliver it."""
        user = self._user(user_id, language_code)
        message: dict[str, Any] = {
            "message_id": next(self._ids[user_id]),
            "date": int(time.time()),
            "chat": {"id": user_id, "type": "private", "first_name": user["first_name"]},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self._chats[user_id][message["message_id"]] = message
        self._push({"message": message})
        return message

    def push_callback(
        self,
        user_id: int,
        message: dict[str, Any],
        callback_data: str,
        language_code: str | None = None,
    ) -> str:
        """Queue a press on an inline button of `message`; returns the callback query id."""
        chat_id = message["chat"]["id"]
        current = self._chats[chat_id].get(message["message_id"], message)
        query_id = uuid.uuid4().hex
        self._push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self._user(user_id, language_code),
                    "chat_instance": f"chat-{chat_id}",
                    "message": current,
                    "data": callback_data,
                }
            }
        )
        return query_id

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Every message of the chat as it is now (edits applied, deletions gone), oldest first."""
        return [self._chats[chat_id][key] for key in sorted(self._chats[chat_id])]

    def bot_messages(self, chat_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages(chat_id) if m["from"]["id"] == BOT_USER["id"]]

    @property
    def unconfirmed(self) -> int:
        """Updates queued or delivered but not yet confirmed by a later getUpdates offset."""
        return len(self._updates)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [fields for name, fields in self.calls if name.lower() == method.lower()]

    async def wait_until(self, predicate: Callable[[], Any], timeout: float = 20) -> Any:  # noqa: ASYNC109
        """Wait until `predicate()` is truthy (checked after every call the bot makes)."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def wait_for_bot_message(
        self,
        chat_id: int,
        predicate: Callable[[dict[str, Any]], bool],
        timeout: float = 20,  # noqa: ASYNC109
    ) -> dict[str, Any]:
        def find() -> dict[str, Any] | None:
            return next((m for m in reversed(self.bot_messages(chat_id)) if predicate(m)), None)

        try:
            return await self.wait_until(find, timeout)
        except TimeoutError:
            seen = json.dumps(self.messages(chat_id), ensure_ascii=False, indent=1)
            raise AssertionError(
                f"no matching bot message in chat {chat_id} after "
                f"{timeout}s; the chat holds:\n{seen}"
            ) from None

    # -- the bot's side ----------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        fields = {key: self._decode(key, value) for key, value in (await request.post()).items()}
        handler = getattr(self, f"_do_{method.lower()}", None)
        if method.lower() != "getupdates":
            self.calls.append((method, fields))
        try:
            if handler is None:
                raise BotApiError(404, "Not Found: method not found")
            if method.lower() == "sendmessage" and self.send_delay:
                await asyncio.sleep(self.send_delay)
            result = await handler(fields) if method.lower() == "getupdates" else handler(fields)
        except BotApiError as error:
            body = {"ok": False, "error_code": error.code, "description": error.description}
            return web.json_response(body, status=error.code)
        finally:
            async with self._changed:
                self._changed.notify_all()
        return web.json_response({"ok": True, "result": result})

    @staticmethod
    def _decode(key: str, value: Any) -> Any:
        if isinstance(value, str) and key in JSON_FIELDS:
            return json.loads(value)
        return value

    def _user(self, user_id: int, language_code: str | None) -> dict[str, Any]:
        new = {"id": user_id, "is_bot": False, "first_name": "Tester"}
        user = self._users.setdefault(user_id, new)
        if language_code is not None:
            user["language_code"] = language_code
        return dict(user)

    def _push(self, payload: dict[str, Any]) -> None:
        self._updates.append({"update_id": next(self._update_ids), **payload})

    def _message(self, fields: dict[str, Any]) -> dict[str, Any]:
        message = self._chats[int(fields["chat_id"])].get(int(fields["message_id"]))
        if message is None:
            raise BotApiError(400, "Bad Request: message to edit not found")
        return message

    def _edit(self, fields: dict[str, Any], **changes: Any) -> dict[str, Any]:
        message = self._message(fields)
        updated = {**message, **changes}
        updated.pop("reply_markup", None)
        if fields.get("reply_markup"):  # an edit without a keyboard removes the keyboard
            updated["reply_markup"] = fields["reply_markup"]
        if updated == message:
            raise BotApiError(
                400,
                "Bad Request: message is not modified: specified new "
                "message content and reply markup are exactly the same",
            )
        updated["edit_date"] = int(time.time())
        self._chats[message["chat"]["id"]][message["message_id"]] = updated
        return updated

    async def _do_getupdates(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(fields.get("offset", 0))
        self._updates = [u for u in self._updates if u["update_id"] >= offset]  # acknowledged
        wait = min(float(fields.get("timeout", 0)), MAX_POLL_WAIT)
        if not self._updates and wait > 0:
            with contextlib.suppress(TimeoutError):
                await self.wait_until(lambda: self._updates, timeout=wait)
        return list(self._updates[: int(fields.get("limit", 100))])

    def _do_getme(self, fields: dict[str, Any]) -> dict[str, Any]:
        return BOT_USER

    def _do_deletewebhook(self, fields: dict[str, Any]) -> bool:
        if fields.get("drop_pending_updates") == "true":
            self._updates.clear()
        return True

    def _do_setmycommands(self, fields: dict[str, Any]) -> bool:
        return True

    def _do_sendmessage(self, fields: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(fields["chat_id"])
        message: dict[str, Any] = {
            "message_id": next(self._ids[chat_id]),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "supergroup"},
            "from": BOT_USER,
            "text": fields["text"],
        }
        markup = fields.get("reply_markup")
        if markup and "inline_keyboard" in markup:
            message["reply_markup"] = markup  # Telegram returns only inline keyboards in a Message
        elif markup and "keyboard" in markup:
            self.reply_keyboards[chat_id] = markup  # shown under the input field instead
        elif markup and markup.get("remove_keyboard"):
            self.reply_keyboards.pop(chat_id, None)
        self._chats[chat_id][message["message_id"]] = message
        return message

    def _do_editmessagetext(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._edit(fields, text=fields["text"])

    def _do_editmessagereplymarkup(self, fields: dict[str, Any]) -> dict[str, Any]:
        return self._edit(fields)

    def _do_deletemessage(self, fields: dict[str, Any]) -> bool:
        if self._chats[int(fields["chat_id"])].pop(int(fields["message_id"]), None) is None:
            raise BotApiError(400, "Bad Request: message to delete not found")
        return True

    def _do_answercallbackquery(self, fields: dict[str, Any]) -> bool:
        self.callback_answers[fields["callback_query_id"]] = fields
        return True

    def _do_sendchataction(self, fields: dict[str, Any]) -> bool:
        return True

    def _do_getchat(self, fields: dict[str, Any]) -> dict[str, Any]:
        """Every group is a private supergroup with the bot a member (the staff chat check)."""
        chat_id = int(fields["chat_id"])
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels"), False,
        )  # fmt: skip
        kind = "private" if chat_id > 0 else "supergroup"
        return {"id": chat_id, "type": kind, "title": "Group", "accent_color_id": 0,
                "max_reaction_count": 11, "accepted_gift_types": gifts}  # fmt: skip

    def _do_getchatmember(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {"status": "member", "user": BOT_USER}
