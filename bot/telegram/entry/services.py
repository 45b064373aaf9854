"""The application's services, handed to a handler only when a handler runs.

aiogram passes the handler data from layer to layer as `**kwargs`: the dispatcher, each router
on the way, each filter check and each handler call unpack it into a new dict, and every key a
function does not name is compared against each parameter it does name. The services (about
twenty of them) never change, yet put in the dispatcher's workflow data they would ride through
every layer of every update: measured on the reference stack of `bench/compare.py`, twenty-three
such keys add about a sixth to its instructions per update.

`HandlerServices` is an inner middleware on every event observer of the dispatcher: it adds the
services to the data right before the handler (and before aiogram-dialog's manager, which keeps
that very dict as `middleware_data` for getters and button callbacks, background updates
included). Handlers, dialogs and error handlers receive them by name as before. Filters and
outer middlewares run before that point: one that needs a service takes it in its constructor
(`ReplyInStaffChat(staff_chat)`, `RefusedStaffCommands(audit)`), or reads what the update
itself carries (`IsStaff`, `RefusedStaffCommands`: the `is_staff` of its sender).
"""

from __future__ import annotations

from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.types import TelegramObject

from bot.telegram.entry.middlewares import Handler


class HandlerServices(BaseMiddleware):
    def __init__(self, services: dict[str, Any]) -> None:
        self.services = services

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data.update(self.services)
        return await handler(event, data)


def hand_services_to_handlers(dp: Dispatcher, services: dict[str, Any]) -> HandlerServices:
    """Put `HandlerServices` first among the inner middlewares of every observer but the
    update's own (whose handler is the dispatcher's propagation: services there would ride
    through every layer again). Call it after `setup_dialogs`: it adds an observer of its own
    (aiogram-dialog's background updates), and its manager must see the services."""
    middleware = HandlerServices(services)
    for name, observer in dp.observers.items():
        if name == "update":
            continue
        manager = observer.middleware
        existing = list(manager)
        for other in existing:
            manager.unregister(other)
        manager(middleware)
        for other in existing:
            manager(other)
    return middleware
