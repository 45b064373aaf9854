"""`my_chat_member`: Telegram says when a person blocks or unblocks the bot, before any 403.

A person who blocks the bot is unreachable at once (their check-ins stop and staff are told, as
on a 403); one who unblocks is reachable again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.types import ChatMemberUpdated

from bot.services.outbox import OutboxService

GONE = frozenset({"kicked", "left"})


def create_membership_router() -> Router:
    router = Router(name="membership")

    @router.my_chat_member()
    async def membership_changed(event: ChatMemberUpdated, outbox: OutboxService) -> None:
        if event.chat.type != "private":
            return
        reachable = event.new_chat_member.status not in GONE
        await outbox.reachability(event.chat.id, reachable=reachable)

    return router
