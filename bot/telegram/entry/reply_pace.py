"""Replies to people at Telegram's pace, and what to do when Telegram says "too many requests".

`ChatPacer` is a request middleware on the bot's session, so it sees every call:

- New messages that a handler sends go at most one a second per chat, even in bursts (an answer
  and the menu after it are spaced by a second). The outbox worker keeps its own pace; its sends
  are only recorded here, so that a reply right after one waits its turn.
- A 429 on any call to a chat holds that chat for `retry_after`. A handler's reply to a held chat
  waits when the wait is short (and is sent once); otherwise it is put in the outbox for that
  chat, due when the hold ends, and the handler stops there (`ReplyDeferredError`): no apology,
  no menu, nothing more into a chat that Telegram just limited. The person's action was done.

Deferred replies are stored encrypted (they may hold what the person wrote), are cancelled by
/delete like anything waiting for the person, and are delivered by the worker.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import (
    DeleteMessage,
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import (
    ErrorEvent,
    ForceReply,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
)

log = logging.getLogger(__name__)
SHORT_WAIT = 5.0  # seconds: a reply waits this long at most; beyond, it goes to the outbox
PER_CHAT_SECONDS = 1.0  # Telegram: about one message a second per chat
NEW_MESSAGE_METHODS = frozenset(
    {
        "SendMessage", "SendPhoto", "SendDocument", "SendVoice", "SendVideo", "SendAudio",
        "SendAnimation", "SendSticker", "SendMediaGroup", "SendLocation", "SendContact",
        "CopyMessage", "ForwardMessage",
    }
)  # fmt: skip

SHOWN_CHANGES = frozenset(
    {"EditMessageText", "EditMessageCaption", "EditMessageReplyMarkup", "EditMessageMedia",
     "DeleteMessage"}
)  # fmt: skip

Defer = Callable[[int, dict[str, Any], float], Awaitable[None]]
# Set while an update is handled: how to put a reply in the outbox. Unset for the worker.
_replying: ContextVar[Defer | None] = ContextVar("replying", default=None)


class ReplyDeferredError(Exception):
    """A reply went to the outbox (its chat is held by a 429): the handler stops quietly."""


class ChatPacer(BaseRequestMiddleware):
    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        per_chat_seconds: float = PER_CHAT_SECONDS,
    ) -> None:
        self._monotonic = monotonic
        self._sleep = sleep
        self._per_chat = per_chat_seconds
        self._next_free: dict[int, float] = {}  # when the next new message may go, per chat
        self._held_until: dict[int, float] = {}  # 429s

    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        chat_id = getattr(method, "chat_id", None)
        if not isinstance(chat_id, int):
            return await make_request(bot, method)
        defer = _replying.get()
        name = type(method).__name__
        new_message = name in NEW_MESSAGE_METHODS
        if defer is not None and not (new_message or name in SHOWN_CHANGES):
            defer = None  # a chat action, getChat...: not a reply, nothing to hold or defer
        held = self._held_until.get(chat_id, 0.0) - self._monotonic()
        if held > 0 and defer is not None:
            if held > SHORT_WAIT:
                return await self._defer(defer, chat_id, method, held)
            await self._sleep(held)
        if new_message:
            await self._take_turn(chat_id, wait=defer is not None)
        try:
            return await make_request(bot, method)
        except TelegramRetryAfter as error:
            wait = float(error.retry_after)
            self._held_until[chat_id] = self._monotonic() + wait
            if defer is None:
                raise  # the worker honours it itself
            if wait > SHORT_WAIT:
                return await self._defer(defer, chat_id, method, wait)
            await self._sleep(wait)
            return await make_request(bot, method)  # once: another 429 ends the handler quietly

    async def _take_turn(self, chat_id: int, *, wait: bool) -> None:
        now = self._monotonic()
        turn = max(now, self._next_free.get(chat_id, 0.0)) if wait else now
        self._next_free[chat_id] = max(turn, self._next_free.get(chat_id, 0.0)) + self._per_chat
        if len(self._next_free) > 10_000:  # forget chats whose turn has passed
            self._forget_before(now)
        if turn > now:
            await self._sleep(turn - now)

    def _forget_before(self, now: float) -> None:
        for table in (self._next_free, self._held_until):
            for chat_id in [c for c, at in table.items() if at < now]:
                del table[chat_id]

    async def _defer(
        self, defer: Defer, chat_id: int, method: TelegramMethod[Any], wait: float
    ) -> Any:
        if isinstance(method, EditMessageReplyMarkup | DeleteMessage):
            return True  # tidying an old message (its keyboard): skipped, the reply matters
        if isinstance(method, SendMessage | EditMessageText) and chat_id > 0:
            await defer(chat_id, reply_payload(method), wait)
            log.info("chat held by a flood limit for %.0fs: a reply waits in the outbox", wait)
        else:
            log.info(
                "chat held by a flood limit for %.0fs: %s dropped", wait, type(method).__name__
            )
        raise ReplyDeferredError


def reply_payload(method: SendMessage | EditMessageText) -> dict[str, Any]:
    """What the outbox needs to send the reply later, as a new message."""
    markup = method.reply_markup
    return {
        "text": method.text,
        "markup": markup.model_dump(mode="json", exclude_none=True) if markup else None,
    }


def reply_markup(data: dict[str, Any] | None) -> Any:
    if not data:
        return None
    if "inline_keyboard" in data:
        return InlineKeyboardMarkup.model_validate(data)
    if "keyboard" in data:
        return ReplyKeyboardMarkup.model_validate(data)
    if "remove_keyboard" in data:
        return ReplyKeyboardRemove.model_validate(data)
    return ForceReply.model_validate(data)


class ReplyContext(BaseMiddleware):
    """Outer update middleware: replies made while handling this update may be deferred."""

    def __init__(self, app: Any) -> None:
        self._app = app

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        token = _replying.set(self._defer)
        try:
            return await handler(event, data)
        finally:
            _replying.reset(token)

    async def _defer(self, chat_id: int, payload: dict[str, Any], wait: float) -> None:
        sealed = {"sealed": self._app.cipher.encrypt_json(payload)}
        await self._app.outbox.defer_reply(chat_id, sealed, wait, uuid.uuid4().hex)


async def on_flood_limit(event: ErrorEvent) -> None:
    """A 429 that a reply could not wait out: never an apology into the limited chat."""
    log.info(
        "update %s: %s; no apology sent", event.update.update_id, type(event.exception).__name__
    )
