"""Every callback query gets exactly one answer, whatever its data and wherever it came from.

A button whose data does not parse (a forged `case:open:notanint`, a bare control character,
a press in a chat the bot ignores) would otherwise match no handler and spin on the person's
screen. `AnswerEveryCallback` (the outermost update middleware) answers it, without text, once
the update was handled, unless a handler already did; `OneAnswerPerCallback` (a request
middleware on the bot's session) drops a second answer to the same query.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware
from aiogram.exceptions import TelegramAPIError
from aiogram.methods import AnswerCallbackQuery, TelegramMethod
from aiogram.types import TelegramObject, Update

# The query being handled in this task and whether it was answered: {query id: answered}.
_answered: ContextVar[dict[str, bool] | None] = ContextVar("answered_callback", default=None)


class AnswerEveryCallback(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        query = event.callback_query if isinstance(event, Update) else None
        if query is None:
            return await handler(event, data)
        state = {query.id: False}
        token = _answered.set(state)
        try:
            return await handler(event, data)
        finally:
            if not state[query.id]:
                with contextlib.suppress(TelegramAPIError):  # too old, or Telegram failing
                    await data["bot"](AnswerCallbackQuery(callback_query_id=query.id))
            _answered.reset(token)


class OneAnswerPerCallback(BaseRequestMiddleware):
    async def __call__(self, make_request: Any, bot: Bot, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, AnswerCallbackQuery):
            state = _answered.get()
            if state is not None and method.callback_query_id in state:
                if state[method.callback_query_id]:
                    return True  # answered already: Telegram would refuse a second answer
                result = await make_request(bot, method)
                state[method.callback_query_id] = True
                return result
        return await make_request(bot, method)


def answer_every_callback(dp: Dispatcher) -> None:
    """Install `AnswerEveryCallback` outside every other update middleware, aiogram's error
    middleware included, so that an error handler's answer comes first and ours only if none."""
    manager = dp.update.outer_middleware
    existing = list(manager)
    for middleware in existing:
        manager.unregister(middleware)
    manager(AnswerEveryCallback())
    for middleware in existing:
        manager(middleware)
